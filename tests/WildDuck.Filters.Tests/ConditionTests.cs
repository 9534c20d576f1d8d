// SPDX-License-Identifier: MIT
using FluentAssertions;
using WildDuck.Storage;
using Xunit;
using static WildDuck.Filters.Tests.TestData;

namespace WildDuck.Filters.Tests;

public class ConditionTests
{
    public static TheoryData<string, string, bool> HeaderRows => new()
    {
        // field, value, expected
        { "from", "alice@example.com", true },
        { "from", "ALICE@EXAMPLE.COM", true },
        { "from", "alice example", true },          // whitespace collapsed on the haystack
        { "from", "  alice   example ", true },     // and on the needle
        { "from", "example.com", true },
        { "from", "lists.example.org", true },      // from also matches Sender
        { "from", "mallory@example.com", false },
        { "from", "bob@example.net", false },       // not a recipient field
        { "to", "bob@example.net", true },
        { "to", "BOB", true },
        { "to", "carol@example.net", true },        // to also matches Cc
        { "to", "bob+inbox@", true },               // and Delivered-To
        { "to", "dave@example.net", false },
        { "to", "alice@example.com", false },
        { "subject", "quarterly report", true },
        { "subject", "REPORT Q3", true },           // tab collapsed
        { "subject", "report q4", false },
        { "subject", "Quarterly", true },
        { "listId", "team.lists.example.org", true },
        { "listId", "<team.lists.example.org>", true },
        { "listId", "Team.Lists", true },
        { "listId", "other.example.org", false },
        { "listId", "team list", false },           // the description is not the id
        { "text", "please find the numbers", true },
        { "text", "NUMBERS ATTACHED", true },
        { "text", "hello bob", true },
        { "text", "invoice", false },
    };

    [Theory]
    [MemberData(nameof(HeaderRows))]
    public void Header_and_text_conditions(string field, string value, bool expected)
    {
        var query = field switch
        {
            "from" => new FilterQuery { From = value },
            "to" => new FilterQuery { To = value },
            "subject" => new FilterQuery { Subject = value },
            "listId" => new FilterQuery { ListId = value },
            "text" => new FilterQuery { Text = value },
            _ => throw new System.ArgumentOutOfRangeException(nameof(field)),
        };

        FilterEvaluator.Matches(query, Message()).Should().Be(expected);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]   // reference BUG: ha:false did not filter
    [InlineData(false, false, true)]
    public void Has_attachments_both_values_filter(bool query, bool actual, bool expected)
    {
        var input = Message() with { HasAttachments = actual };
        FilterEvaluator.Matches(new FilterQuery { HasAttachments = query }, input).Should().Be(expected);
    }

    [Theory]
    [InlineData(5_000, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    [InlineData(-10_000, true)]
    [InlineData(-20_000, true)]
    [InlineData(-9_999, false)]
    [InlineData(0, true)]
    public void Size_positive_is_at_least_negative_is_at_most(long size, bool expected)
    {
        FilterEvaluator.Matches(new FilterQuery { Size = size }, Message()).Should().Be(expected);
    }

    [Fact]
    public void Empty_query_matches_everything()
    {
        FilterEvaluator.Matches(new FilterQuery(), Message()).Should().BeTrue();
        FilterEvaluator.Matches(new FilterQuery(), new DeliveryInput()).Should().BeTrue();
        FilterEvaluator.Matches(new FilterQuery { From = "  ", Subject = "" }, new DeliveryInput()).Should().BeTrue();
    }

    [Fact]
    public void All_conditions_must_match()
    {
        var both = new FilterQuery { From = "alice", Subject = "report" };
        var one = new FilterQuery { From = "alice", Subject = "invoice" };
        FilterEvaluator.Matches(both, Message()).Should().BeTrue();
        FilterEvaluator.Matches(one, Message()).Should().BeFalse();
    }

    [Theory]
    [InlineData("team.lists.example.org", "team.lists.example.org", true)]
    [InlineData("<team.lists.example.org>", "team.lists.example.org", true)]
    [InlineData("team.lists.example.org", "\"Team\" <team.lists.example.org>", true)]
    [InlineData("<team.lists.example.org>", "<team.lists.example.org>", true)]
    [InlineData("<other.example.org>", "Team <team.lists.example.org>", false)]
    [InlineData("team", "", false)]
    public void List_id_with_and_without_brackets(string query, string header, bool expected)
    {
        var input = Message() with { ListId = header };
        FilterEvaluator.Matches(new FilterQuery { ListId = query }, input).Should().Be(expected);
    }

    [Fact]
    public void Text_condition_does_not_match_missing_text()
    {
        var input = Message() with { Text = string.Empty };
        FilterEvaluator.Matches(new FilterQuery { Text = "hello" }, input).Should().BeFalse();
    }
}
