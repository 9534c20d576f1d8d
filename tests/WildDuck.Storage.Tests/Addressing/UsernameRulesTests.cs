// SPDX-License-Identifier: MIT
using FluentAssertions;
using WildDuck.Storage.Addressing;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class UsernameRulesTests
{
    public static TheoryData<string?, bool> Usernames => new()
    {
        { "john", true },
        { "john.doe", true },
        { "John.Doe", true }, // valid after lowercasing
        { " john ", true }, // valid after trimming
        { "john_doe", true },
        { "a=b", true },
        { "a:b", true },
        { "a-b", true },
        { "-", true },
        { "j-o-h-n", true },
        { "x", true },
        { "123", true },
        { "a.b_c=d:e", true },
        { "john.doe@example.com", true },
        { "john@localhost", true },
        { new string('a', 128), true },
        { null, false },
        { "", false },
        { "   ", false },
        { "john..doe", false },
        { ".john", false },
        { "john.", false },
        { "a._b", false },
        { "john@", false },
        { "@example.com", false },
        { "a@b@c", false },
        { "john@example..com", false },
        { "john doe", false },
        { "jöhn", false },
        { "john+tag", false },
        { "*", false },
        { "john\n", true }, // trailing newline is trimmed away
        { "jo\nhn", false },
        { new string('a', 129), false },
    };

    [Theory]
    [MemberData(nameof(Usernames))]
    public void IsValid(string? username, bool expected)
    {
        UsernameRules.IsValid(username).Should().Be(expected);
    }

    [Theory]
    [InlineData(" John.Doe ", "john.doe")]
    [InlineData("ADMIN", "admin")]
    public void Normalize_trims_and_lowercases(string input, string expected)
    {
        UsernameRules.Normalize(input).Should().Be(expected);
    }
}
