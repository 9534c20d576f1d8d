// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Linq;
using System.Text;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

public class ImapFramerTests
{
    private static readonly ImapFramer Framer = new(new ImapLimits());

    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    public static TheoryData<string, string[]> ValidInputs => new()
    {
        { "A1 NOOP\r\n", ["A1 NOOP"] },
        { "A1 NOOP\n", ["A1 NOOP"] },
        { "a CAPABILITY\r\nb LOGOUT\r\n", ["a CAPABILITY", "b LOGOUT"] },
        { "A LOGIN {4}\r\nuser {6}\r\nsecret\r\n", ["A LOGIN {4}\r\nuser {6}\r\nsecret"] },
        { "A LOGIN {4+}\r\nuser {6+}\r\nsecret\r\n", ["A LOGIN {4+}\r\nuser {6+}\r\nsecret"] },
        { "A APPEND INBOX ~{3}\r\na\0b\r\n", ["A APPEND INBOX ~{3}\r\na\0b"] },
        { "A APPEND INBOX UTF8 (~{2}\r\nhi)\r\n", ["A APPEND INBOX UTF8 (~{2}\r\nhi)"] },
        { "A LOGIN {0}\r\n {0}\r\n\r\n", ["A LOGIN {0}\r\n {0}\r\n"] },
        { "A SELECT {5}\r\n{1}\r\n\r\n", ["A SELECT {5}\r\n{1}\r\n"] },
        { "A LIST \"\" foo}\r\n", ["A LIST \"\" foo}"] },
        { "A LOGIN {3}\r\n\r\n\n x\r\n", ["A LOGIN {3}\r\n\r\n\n x"] },
        { "\r\n", [""] },
        { "DONE\r\n", ["DONE"] },
    };

    [Theory]
    [MemberData(nameof(ValidInputs))]
    public void FramesValidInput(string input, string[] expected)
    {
        var events = FramerDriver.Run(Framer, new ReadOnlySequence<byte>(B(input)));
        events.Select(e => e.Command).Should().Equal(expected);
        events.Should().OnlyContain(e => e.Status == FrameStatus.Complete);
    }

    [Theory]
    [MemberData(nameof(ValidInputs))]
    public void BytePerSegmentGivesTheSameFrames(string input, string[] expected)
    {
        var events = FramerDriver.Run(Framer, TestSequence.BytePerSegment(B(input)));
        events.Select(e => e.Command).Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(ValidInputs))]
    public void RandomSplitsGiveTheSameFrames(string input, string[] expected)
    {
        var random = new Random(input.Length);
        for (var i = 0; i < 20; i++)
        {
            var events = FramerDriver.Run(Framer, TestSequence.RandomSplit(B(input), random));
            events.Select(e => e.Command).Should().Equal(expected);
        }
    }

    public static TheoryData<string> SingleCommands => new()
    {
        "A1 NOOP\r\n",
        "A LOGIN {4}\r\nuser {6}\r\nsecret\r\n",
        "A LOGIN {4+}\r\nuser \"x\"\r\n",
        "A APPEND INBOX ~{3}\r\na\0b\r\n",
        "A1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From)])\r\n",
    };

    [Theory]
    [MemberData(nameof(SingleCommands))]
    public void EveryProperPrefixNeedsMoreDataAndConsumesNothing(string command)
    {
        var bytes = B(command);
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            var state = new ImapFrameState { IsAuthenticated = true };
            FrameStatus status;
            SequencePosition consumed, examined;
            while (true)
            {
                status = Framer.TryFrame(ref state, buffer, out consumed, out examined, out var frame);
                if (status != FrameStatus.LiteralAnnounced)
                {
                    break;
                }

                // An announcement alone consumes nothing either.
                consumed.Should().Be(buffer.Start);
                state.AcceptLiteral();
            }

            status.Should().Be(FrameStatus.NeedMoreData, "prefix of length {0}", length);
            consumed.Should().Be(buffer.Start);
            examined.Should().Be(buffer.End);
            state.CommandBytes.Should().Be(length, "the framer resumes where it stopped");
        }
    }

    [Fact]
    public void ResumesFromStateWithoutRescanning()
    {
        var bytes = B("A1 NOOP\r\n");
        var state = new ImapFrameState();
        Framer.TryFrame(ref state, new ReadOnlySequence<byte>(bytes, 0, 4), out _, out _, out _).Should().Be(FrameStatus.NeedMoreData);
        state._scan.Should().Be(4);
        Framer.TryFrame(ref state, new ReadOnlySequence<byte>(bytes), out var consumed, out _, out var frame).Should().Be(FrameStatus.Complete);
        FramerDriver.Text(frame.Command).Should().Be("A1 NOOP");
        consumed.GetInteger().Should().Be(bytes.Length);
    }

    [Theory]
    [InlineData("A LOGIN {5}\r\n", 5L, false, false)]
    [InlineData("A LOGIN {5+}\r\n", 5L, true, false)]
    [InlineData("A APPEND INBOX ~{4294967295}\r\n", 4294967295L, false, true)]
    [InlineData("A APPEND INBOX {0}\r\n", 0L, false, false)]
    public void ReportsLiteralAnnouncements(string line, long size, bool nonSync, bool binary)
    {
        var state = new ImapFrameState { IsAuthenticated = true };
        var buffer = new ReadOnlySequence<byte>(B(line));
        var status = Framer.TryFrame(ref state, buffer, out var consumed, out var examined, out var frame);
        if (nonSync && size > 4096)
        {
            return;
        }

        status.Should().Be(FrameStatus.LiteralAnnounced);
        frame.LiteralSize.Should().Be(size);
        frame.LiteralNonSync.Should().Be(nonSync);
        frame.LiteralBinary.Should().Be(binary);
        FramerDriver.Text(frame.Command).Should().Be(line.TrimEnd('\r', '\n'));
        consumed.Should().Be(buffer.Start);
        examined.Should().Be(buffer.End);
        frame.LiteralStart.Should().Be(buffer.End);
        state.IsLiteralPending.Should().BeTrue();
    }

    [Fact]
    public void AnnouncementIsRepeatedUntilTheCallerDecides()
    {
        var state = new ImapFrameState();
        var buffer = new ReadOnlySequence<byte>(B("A LOGIN {5}\r\n"));
        Framer.TryFrame(ref state, buffer, out _, out _, out _).Should().Be(FrameStatus.LiteralAnnounced);
        Framer.TryFrame(ref state, buffer, out _, out _, out var again).Should().Be(FrameStatus.LiteralAnnounced);
        again.LiteralSize.Should().Be(5);
    }

    [Theory]
    [InlineData("A LOGIN {}\r\nB NOOP\r\n")]
    [InlineData("A LOGIN {+}\r\nB NOOP\r\n")]
    [InlineData("A LOGIN {4294967296}\r\nB NOOP\r\n")]
    [InlineData("A LOGIN {12345678901}\r\nB NOOP\r\n")]
    public void InvalidLiteralIsAnErrorAndTheNextCommandFrames(string input)
    {
        var events = FramerDriver.Run(Framer, new ReadOnlySequence<byte>(B(input)));
        events.Should().HaveCount(2);
        events[0].Error.Should().Be(FrameError.InvalidLiteral);
        events[0].Tag.Should().Be("A");
        events[1].Command.Should().Be("B NOOP");
    }

    [Theory]
    [InlineData("A LOGIN {1a}\r\n", "A LOGIN {1a}")]
    [InlineData("A LOGIN 1}\r\n", "A LOGIN 1}")]
    public void BracesThatAreNotLiteralsStayInTheLine(string input, string expected)
    {
        // "{1a}" has a non-digit so the digit run does not reach "{": not an announcement.
        var events = FramerDriver.Run(Framer, new ReadOnlySequence<byte>(B(input)));
        events.Single().Command.Should().Be(expected);
    }

    [Theory]
    [InlineData(false, 8 * 1024)]
    [InlineData(true, 64 * 1024)]
    public void LineLengthLimitEdges(bool authenticated, int limit)
    {
        // A line of exactly `limit` bytes (CRLF included) is accepted; one byte more is not.
        foreach (var (length, ok) in new[] { (limit - 1, true), (limit, true), (limit + 1, false) })
        {
            var line = "A NOOP " + new string('x', length - 9) + "\r\n";
            line.Length.Should().Be(length);
            var events = FramerDriver.Run(Framer, new ReadOnlySequence<byte>(B(line + "B NOOP\r\n")), authenticated);
            if (ok)
            {
                events.Select(e => e.Status).Should().Equal(FrameStatus.Complete, FrameStatus.Complete);
            }
            else
            {
                events[0].Error.Should().Be(FrameError.LineTooLong);
                events[0].Tag.Should().Be("A");
                events[1].Command.Should().Be("B NOOP", "the framer skips to the next line");
            }
        }
    }

    [Fact]
    public void LineTooLongIsReportedBeforeTheLineEnds()
    {
        var state = new ImapFrameState();
        var bytes = B("A1 LOGIN " + new string('x', 9000));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Framer.TryFrame(ref state, buffer, out var consumed, out _, out var frame).Should().Be(FrameStatus.Error);
        frame.Error.Should().Be(FrameError.LineTooLong);
        frame.Recovery.Should().Be(FrameRecovery.SkipLine);
        FramerDriver.Text(frame.Tag).Should().Be("A1");
        consumed.Should().Be(buffer.End);
        state.IsRecovering.Should().BeTrue();

        // The rest of the long line keeps being discarded, then framing resumes.
        var rest = new ReadOnlySequence<byte>(B("yyyy\r\nB NOOP\r\n"));
        Framer.TryFrame(ref state, rest, out _, out _, out var next).Should().Be(FrameStatus.Complete);
        FramerDriver.Text(next.Command).Should().Be("B NOOP");
    }

    [Fact]
    public void LineLimitAppliesPerLineSegmentBetweenLiterals()
    {
        var limits = new ImapLimits { MaxLineLengthPreAuth = 32 };
        var framer = new ImapFramer(limits);
        var seg = new string('a', 20);
        var input = $"A LOGIN {{{seg.Length}}}\r\n{seg} {{{seg.Length}}}\r\n{seg}\r\n";
        var events = FramerDriver.Run(framer, new ReadOnlySequence<byte>(B(input)), authenticated: false);
        events.Single().Status.Should().Be(FrameStatus.Complete);
    }

    [Fact]
    public void InlineLiteralSizeEdges()
    {
        var limits = new ImapLimits { MaxInlineLiteralSize = 100 };
        var framer = new ImapFramer(limits);
        foreach (var (size, fits) in new[] { (99, true), (100, true), (101, false) })
        {
            var state = new ImapFrameState();
            framer.TryFrame(ref state, new ReadOnlySequence<byte>(B($"A LOGIN {{{size}}}\r\n")), out _, out _, out var frame)
                .Should().Be(FrameStatus.LiteralAnnounced);
            frame.LiteralFitsInline.Should().Be(fits, "size {0}", size);
            if (!fits)
            {
                var s = state;
                FluentActions.Invoking(() => s.AcceptLiteral()).Should().Throw<InvalidOperationException>();
            }
        }
    }

    [Fact]
    public void LiteralCountEdges()
    {
        var limits = new ImapLimits { MaxLiteralsPerCommand = 3 };
        var framer = new ImapFramer(limits);
        string Command(int n) => "A X" + string.Concat(Enumerable.Repeat(" {1}\r\nz", n)) + "\r\nB NOOP\r\n";
        FramerDriver.Run(framer, new ReadOnlySequence<byte>(B(Command(2)))).Select(e => e.Status).Should().Equal(FrameStatus.Complete, FrameStatus.Complete);
        FramerDriver.Run(framer, new ReadOnlySequence<byte>(B(Command(3)))).Select(e => e.Status).Should().Equal(FrameStatus.Complete, FrameStatus.Complete);
        var over = FramerDriver.Run(framer, new ReadOnlySequence<byte>(B("A X {1}\r\nz {1}\r\nz {1}\r\nz {1}\r\nB NOOP\r\n")));
        over[0].Error.Should().Be(FrameError.TooManyLiterals);
        over[0].Tag.Should().Be("A");

        // A synchronising literal is never sent after the BAD, so the client's next line is a command.
        over[1].Command.Should().Be("B NOOP");
    }

    [Fact]
    public void TooManyNonSyncLiteralsSkipsThePayloadAndRestOfLine()
    {
        var framer = new ImapFramer(new ImapLimits { MaxLiteralsPerCommand = 1 });
        var events = FramerDriver.Run(framer, new ReadOnlySequence<byte>(B("A X {1+}\r\nz {3+}\r\n\r\n\r tail\r\nB NOOP\r\n")));
        events[0].Error.Should().Be(FrameError.TooManyLiterals);
        events[1].Command.Should().Be("B NOOP");
    }

    [Theory]
    [InlineData(4095, true)]
    [InlineData(4096, true)]
    [InlineData(4097, false)]
    public void NonSyncLiteralCapEdges(int size, bool ok)
    {
        var input = $"A APPEND INBOX {{{size}+}}\r\n" + new string('m', size) + "\r\nB NOOP\r\n";
        var framer = new ImapFramer(new ImapLimits { MaxInlineLiteralSize = 10_000 });
        var events = FramerDriver.Run(framer, new ReadOnlySequence<byte>(B(input)));
        if (ok)
        {
            events.Select(e => e.Status).Should().Equal(FrameStatus.Complete, FrameStatus.Complete);
        }
        else
        {
            events[0].Error.Should().Be(FrameError.LiteralTooLarge);
            events[0].Tag.Should().Be("A");
            events[1].Command.Should().Be("B NOOP", "the literal and its line are skipped (RFC 7888 §4)");
        }
    }

    [Fact]
    public void LiteralPlusLiftsTheNonSyncCap()
    {
        var framer = new ImapFramer(new ImapLimits { MaxNonSyncLiteral = long.MaxValue });
        var state = new ImapFrameState();
        framer.TryFrame(ref state, new ReadOnlySequence<byte>(B("A APPEND INBOX {100000+}\r\n")), out _, out _, out var frame)
            .Should().Be(FrameStatus.LiteralAnnounced);
        frame.LiteralFitsInline.Should().BeFalse();
    }

    [Fact]
    public void CommandSizeEdges()
    {
        var limits = new ImapLimits { MaxCommandSize = 64, MaxLineLength = 1000 };
        var framer = new ImapFramer(limits);
        foreach (var (length, ok) in new[] { (63, true), (64, true), (65, false) })
        {
            var line = "A X " + new string('y', length - 6) + "\r\n";
            var events = FramerDriver.Run(framer, new ReadOnlySequence<byte>(B(line + "B NOOP\r\n")));
            if (ok)
            {
                events[0].Status.Should().Be(FrameStatus.Complete);
            }
            else
            {
                events[0].Error.Should().Be(FrameError.CommandTooLarge);
                events[1].Command.Should().Be("B NOOP");
            }
        }
    }

    [Fact]
    public void InlineLiteralsCountTowardsTheCommandSize()
    {
        var framer = new ImapFramer(new ImapLimits { MaxCommandSize = 40 });
        var state = new ImapFrameState();
        framer.TryFrame(ref state, new ReadOnlySequence<byte>(B("A LOGIN {30}\r\n")), out _, out _, out var frame)
            .Should().Be(FrameStatus.LiteralAnnounced);
        frame.LiteralFitsInline.Should().BeFalse("14 line bytes + 30 literal bytes exceed 40");
    }

    [Fact]
    public void RejectedSyncLiteralDropsTheLine()
    {
        var state = new ImapFrameState();
        var buffer = new ReadOnlySequence<byte>(B("A LOGIN {500000}\r\nB NOOP\r\n"));
        Framer.TryFrame(ref state, buffer, out _, out _, out var frame).Should().Be(FrameStatus.LiteralAnnounced);
        frame.LiteralFitsInline.Should().BeFalse();
        state.RejectLiteral();
        Framer.TryFrame(ref state, buffer, out _, out _, out var next).Should().Be(FrameStatus.Complete);
        FramerDriver.Text(next.Command).Should().Be("B NOOP");
    }

    [Fact]
    public void ExternallyConsumedLiteralResumesWithTheRestOfTheLine()
    {
        var state = new ImapFrameState();
        var bytes = B("A APPEND INBOX UTF8 (~{5}\r\nHello)\r\nB NOOP\r\n");
        var buffer = new ReadOnlySequence<byte>(bytes);
        Framer.TryFrame(ref state, buffer, out _, out _, out var frame).Should().Be(FrameStatus.LiteralAnnounced);
        frame.LiteralBinary.Should().BeTrue();

        // The caller streams the 5 bytes itself.
        var afterLiteral = buffer.Slice(frame.LiteralStart).Slice(5);
        state.LiteralConsumedExternally();
        Framer.TryFrame(ref state, afterLiteral, out var consumed, out _, out var tail).Should().Be(FrameStatus.Complete);
        tail.IsContinuation.Should().BeTrue();
        FramerDriver.Text(tail.Command).Should().Be(")");
        Framer.TryFrame(ref state, afterLiteral.Slice(consumed), out _, out _, out var next).Should().Be(FrameStatus.Complete);
        next.IsContinuation.Should().BeFalse();
        FramerDriver.Text(next.Command).Should().Be("B NOOP");
    }

    [Fact]
    public void ErrorTagIsEmptyWhenTheTagIsInvalid()
    {
        var state = new ImapFrameState();
        Framer.TryFrame(ref state, new ReadOnlySequence<byte>(B("A+B LOGIN {}\r\n")), out _, out _, out var frame).Should().Be(FrameStatus.Error);
        frame.Tag.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void CallsInTheWrongStateThrow()
    {
        var state = new ImapFrameState();
        FluentActions.Invoking(() => state.AcceptLiteral()).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => state.RejectLiteral()).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => state.LiteralConsumedExternally()).Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [MemberData(nameof(ImapCommandParserTests.ValidCommands), MemberType = typeof(ImapCommandParserTests))]
    public void EveryParserTableCommandFramesWholeAndNoProperPrefixFrames(string command, Type type)
    {
        _ = type;
        var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
        FramerDriver.Run(Framer, TestSequence.BytePerSegment(bytes)).Select(e => e.Command)
            .Should().Equal(Encoding.Latin1.GetString(bytes, 0, bytes.Length - 2));
        for (var length = 0; length < bytes.Length; length++)
        {
            var events = FramerDriver.Run(Framer, new ReadOnlySequence<byte>(bytes, 0, length));
            events.Should().BeEmpty("prefix of length {0} is not a command", length);
        }
    }
}
