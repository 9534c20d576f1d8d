// SPDX-License-Identifier: MIT
using System;
using System.Text;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

/// <summary>The session parse: tag left as bytes, repeated command bodies reused from the per-session cache.</summary>
public class ImapCommandCacheTests
{
    private static readonly ImapParserContext Plain = new(Utf8Accept: false, IsAuthenticated: true);

    private static ImapParseResult Parse(string command, ImapCommandCache cache, out int tagLength) =>
        ImapCommandParser.Parse(Encoding.UTF8.GetBytes(command), Plain, cache, out tagLength);

    [Theory]
    [MemberData(nameof(ImapCommandParserTests.ValidCommands), MemberType = typeof(ImapCommandParserTests))]
    public void ParsesValidCommandsLikeTheStringParse(string command, Type expected)
    {
        var reference = ImapCommandParser.Parse(Encoding.UTF8.GetBytes(command), Plain);
        var cache = new ImapCommandCache();
        for (var i = 0; i < 2; i++)
        {
            var result = Parse(command, cache, out var tagLength);
            result.Error.Should().Be(ImapParseError.None, result.ErrorText);
            result.Command.Should().BeOfType(expected);
            result.Command!.Tag.Should().Be("*");
            command[..tagLength].Should().Be(reference.Tag);
            result.Command.ToString().Should().Be(reference.Command!.ToString().Replace("Tag = " + reference.Tag, "Tag = *", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ImapCommandParserTests.InvalidCommands), MemberType = typeof(ImapCommandParserTests))]
    public void RejectsInvalidCommandsLikeTheStringParse(string command, string expectedText, string? expectedTag)
    {
        var cache = new ImapCommandCache();
        for (var i = 0; i < 2; i++)
        {
            var result = Parse(command, cache, out var tagLength);
            result.IsSuccess.Should().BeFalse();
            result.ErrorText.Should().Be(expectedText);
            (tagLength == 0 ? null : command[..tagLength]).Should().Be(expectedTag);
        }
    }

    [Fact]
    public void RepeatedBodiesShareOneCommandWhateverTheTag()
    {
        var cache = new ImapCommandCache();
        var first = Parse("A1 UID FETCH 1:* (FLAGS)", cache, out _).Command;
        var second = Parse("A2 UID FETCH 1:* (FLAGS)", cache, out var tagLength).Command;
        tagLength.Should().Be(2);
        second.Should().BeSameAs(first);
        Parse("A3 uid fetch 1:* (FLAGS)", cache, out _).Command.Should().NotBeSameAs(first).And.BeOfType<FetchCommand>();
        Parse("A4 UID FETCH 1:* (FLAGS MODSEQ)", cache, out _).Command.Should().NotBeSameAs(first);
        Parse("A5 NOOP", cache, out _).Command.Should().BeSameAs(Parse("A6 NOOP", cache, out _).Command);
        Parse("A7 UID STORE 1 +FLAGS (\\Seen)", cache, out _).Command.Should().BeSameAs(Parse("A8 UID STORE 1 +FLAGS (\\Seen)", cache, out _).Command);
    }

    [Fact]
    public void ContextDependentAndLiteralCommandsAreNotCached()
    {
        var cache = new ImapCommandCache();
        Parse("A1 SELECT INBOX", cache, out _).Command.Should().NotBeSameAs(Parse("A2 SELECT INBOX", cache, out _).Command);
        Parse("A1 LOGIN user pass", cache, out _).Command.Should().NotBeSameAs(Parse("A2 LOGIN user pass", cache, out _).Command);
        Parse("A1 SEARCH SUBJECT {3}\r\nabc", cache, out _).Command.Should().NotBeSameAs(Parse("A2 SEARCH SUBJECT {3}\r\nabc", cache, out _).Command);
    }

    [Fact]
    public void TheOldestEntryMakesRoom()
    {
        var cache = new ImapCommandCache();
        var first = Parse("A0 FETCH 1 FLAGS", cache, out _).Command;
        for (var i = 2; i <= 9; i++)
        {
            Parse($"A{i} FETCH {i} FLAGS", cache, out _);
        }

        Parse("B1 FETCH 1 FLAGS", cache, out _).Command.Should().NotBeSameAs(first).And.BeOfType<FetchCommand>();
    }
}
