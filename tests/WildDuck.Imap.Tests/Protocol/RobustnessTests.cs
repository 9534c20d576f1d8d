// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Linq;
using System.Text;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

/// <summary>Mutated and truncated inputs never throw: the parser answers BAD, the framer frames or errors.</summary>
public class RobustnessTests
{
    private static readonly byte[] Interesting = "(){}[]<>\"\\*%:,.+-~ \r\n0123456789AZaz\0\u00ff&"u8.ToArray();

    [Fact]
    public void ParserNeverThrowsOnMutatedCommands()
    {
        var random = new Random(1234);
        var commands = ImapCommandParserTests.ValidCommands.Select(row => (string)row[0])
            .Concat(ImapCommandParserTests.SearchKeys.Select(row => "a SEARCH " + (string)row[0]))
            .Concat(ImapCommandParserTests.FetchItems.Select(row => "a FETCH 1 " + (string)row[0]))
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();
        var contexts = new[] { new ImapParserContext(false, true), new ImapParserContext(true, true) };
        for (var i = 0; i < 20_000; i++)
        {
            var source = commands[random.Next(commands.Length)];
            var bytes = source.ToArray();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations && bytes.Length > 0; m++)
            {
                bytes[random.Next(bytes.Length)] = Interesting[random.Next(Interesting.Length)];
            }

            var length = random.Next(4) == 0 ? random.Next(bytes.Length + 1) : bytes.Length;
            var input = bytes.AsSpan(0, length).ToArray();
            var act = () =>
            {
                var result = ImapCommandParser.Parse(input, contexts[i % 2]);
                (result.IsSuccess || result.ErrorText.Length > 0).Should().BeTrue();
                ImapCommandParser.TryParseAppendPrefix(input, contexts[i % 2], out _, out _);
            };
            act.Should().NotThrow(Encoding.Latin1.GetString(input));
        }
    }

    [Fact]
    public void FramerTerminatesOnRandomInput()
    {
        var random = new Random(99);
        var framer = new ImapFramer(new ImapLimits { MaxLineLengthPreAuth = 64, MaxInlineLiteralSize = 32, MaxCommandSize = 256, MaxLiteralsPerCommand = 4, MaxNonSyncLiteral = 16 });
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = Interesting[random.Next(Interesting.Length)];
            }

            var act = () => FramerDriver.Run(framer, TestSequence.RandomSplit(bytes, random), authenticated: false);
            act.Should().NotThrow();
        }
    }
}
