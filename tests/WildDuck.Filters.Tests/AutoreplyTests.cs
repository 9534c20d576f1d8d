// SPDX-License-Identifier: MIT
using FluentAssertions;
using Xunit;
using static WildDuck.Filters.Tests.TestData;

namespace WildDuck.Filters.Tests;

public class AutoreplyTests
{
    [Theory]
    [InlineData("alice@example.com", null, null, false, true)]
    [InlineData(null, null, null, false, false)]
    [InlineData("", null, null, false, false)]
    [InlineData("<>", null, null, false, false)]
    [InlineData("MAILER-DAEMON@example.com", null, null, false, false)]
    [InlineData("noreply@example.com", null, null, false, false)]
    [InlineData("no-reply@example.com", null, null, false, false)]
    [InlineData("No-Reply-Billing@example.com", null, null, false, false)]
    [InlineData("alice@example.com", null, null, true, false)]
    [InlineData("alice@example.com", "Auto-Submitted", "auto-replied", false, false)]
    [InlineData("alice@example.com", "Auto-Submitted", "auto-generated", false, false)]
    [InlineData("alice@example.com", "auto-submitted", "No", false, true)]
    [InlineData("alice@example.com", "Precedence", "bulk", false, false)]
    [InlineData("alice@example.com", "Precedence", "LIST", false, false)]
    [InlineData("alice@example.com", "Precedence", "junk", false, false)]
    [InlineData("alice@example.com", "Precedence", "first-class", false, true)]
    [InlineData("alice@example.com", "List-Id", "<dev.example.org>", false, false)]
    [InlineData("alice@example.com", "List-Unsubscribe", "<mailto:u@example.org>", false, false)]
    [InlineData("alice@example.com", "X-Auto-Response-Suppress", "OOF", false, false)]
    [InlineData("alice@example.com", "X-Auto-Response-Suppress", "DR, autoreply", false, false)]
    [InlineData("alice@example.com", "X-Auto-Response-Suppress", "All", false, false)]
    [InlineData("alice@example.com", "X-Auto-Response-Suppress", "DR, RN", false, true)]
    [InlineData("alice@example.com", "Subject", "Precedence: bulk", false, true)]
    public void Rules(string? sender, string? header, string? value, bool spam, bool expected)
    {
        var headers = header is null ? Headers() : Headers((header, value!));
        AutoreplyPolicy.ShouldReply(sender, headers, spam).Should().Be(expected);
    }

    [Fact]
    public void Reply_headers_use_original_subject_and_references()
    {
        var headers = AutoreplyPolicy.AutoreplyHeaders("Lunch?", "<m2@example.com>", "<m1@example.com>");
        headers.Should().Equal(Headers(
            ("Auto-Submitted", "auto-replied"),
            ("Subject", "Auto: Re: Lunch?"),
            ("In-Reply-To", "<m2@example.com>"),
            ("References", "<m1@example.com> <m2@example.com>")));
    }

    [Fact]
    public void Reply_headers_with_custom_subject_and_no_message_id()
    {
        var headers = AutoreplyPolicy.AutoreplyHeaders("Lunch?", null, null, "Out of office");
        headers.Should().Equal(Headers(
            ("Auto-Submitted", "auto-replied"),
            ("Subject", "Auto: Out of office")));
    }

    [Fact]
    public void Reply_headers_without_references_use_message_id()
    {
        var headers = AutoreplyPolicy.AutoreplyHeaders(null, "<m2@example.com>", null);
        headers.Should().Contain(new System.Collections.Generic.KeyValuePair<string, string>("References", "<m2@example.com>"));
        headers.Should().Contain(new System.Collections.Generic.KeyValuePair<string, string>("Subject", "Auto: Re:"));
    }
}
