// SPDX-License-Identifier: MIT
using FluentAssertions;
using WildDuck.Storage.Addressing;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class FromWhitelistTests
{
    [Theory]
    [InlineData("Boss@Example.COM", "boss@example.com")]
    [InlineData(" *@Partner.Example ", "*@partner.example")]
    [InlineData("Alerts-*", "alerts-*")]
    [InlineData("*.example.com", "*.example.com")]
    [InlineData("*", null)]
    [InlineData("", null)]
    [InlineData("a*b@example.com", null)]
    [InlineData("*a*", null)]
    [InlineData("not an address", null)]
    [InlineData("plainword", null)]
    [InlineData("a@b c", null)]
    public void Entries_are_normalised_or_refused(string entry, string? expected)
    {
        FromWhitelist.Normalize(entry).Should().Be(expected);
    }

    [Theory]
    [InlineData("boss@example.com", true)]
    [InlineData("BOSS@Example.com", true)]
    [InlineData("anyone@partner.example", true)]
    [InlineData("anyone@sub.partner.example", false)]
    [InlineData("alerts-db@monitor.example", true)]
    [InlineData("xalerts-db@monitor.example", false)]
    [InlineData("boss@example.com.evil", false)]
    [InlineData("other@example.com", false)]
    public void Addresses_match_exactly_by_suffix_or_by_prefix(string address, bool expected)
    {
        var entries = new[] { "boss@example.com", "*@partner.example", "alerts-*" };
        FromWhitelist.Matches(entries, address).Should().Be(expected);
    }
}
