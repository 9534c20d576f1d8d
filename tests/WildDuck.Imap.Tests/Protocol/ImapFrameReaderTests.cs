// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

public class ImapFrameReaderTests
{
    private static async Task WriteAsync(Pipe pipe, string text, bool complete = false)
    {
        await pipe.Writer.WriteAsync(Encoding.Latin1.GetBytes(text));
        if (complete)
        {
            await pipe.Writer.CompleteAsync();
        }
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.Latin1.GetString(bytes.Span);

    [Fact]
    public async Task ReadsCommandsAndAdvancesThePipeBeforeReturning()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A1 NOOP\r\nA2 CAPA");
        var r = await reader.ReadAsync();
        r.Kind.Should().Be(ImapReadKind.Command);
        Text(r.Command).Should().Be("A1 NOOP");
        reader.HasBufferedInput.Should().BeTrue("A2's first bytes already arrived");

        var pending = reader.ReadAsync();
        pending.IsCompleted.Should().BeFalse();
        await WriteAsync(pipe, "BILITY\r\n");
        var r2 = await pending;
        Text(r2.Command).Should().Be("A2 CAPABILITY");
        reader.HasBufferedInput.Should().BeFalse();
    }

    [Fact]
    public async Task HasBufferedInputSeesPipelinedBytesAfterStartTls()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A STARTTLS\r\nB LOGIN x y\r\n");
        Text((await reader.ReadAsync()).Command).Should().Be("A STARTTLS");
        reader.HasBufferedInput.Should().BeTrue();
        reader.HasBufferedInput.Should().BeTrue("the probe examines nothing");
        Text((await reader.ReadAsync()).Command).Should().Be("B LOGIN x y");
    }

    [Fact]
    public async Task SynchronisingLiteralIsAcceptedAfterTheSessionDecides()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A LOGIN {4}\r\n");
        var r = await reader.ReadAsync();
        r.Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        r.LiteralSize.Should().Be(4);
        r.LiteralNonSync.Should().BeFalse();
        r.LiteralFitsInline.Should().BeTrue();
        Text(r.Command).Should().Be("A LOGIN {4}");

        // The session writes "+ Ready" here, then the client sends the literal.
        var next = reader.AcceptLiteralAsync();
        await WriteAsync(pipe, "user \"pw\"\r\n");
        var done = await next;
        done.Kind.Should().Be(ImapReadKind.Command);
        Text(done.Command).Should().Be("A LOGIN {4}\r\nuser \"pw\"");
        ImapCommandParser.Parse(done.Command.Span, default).Command.Should().BeOfType<LoginCommand>()
            .Which.User.Should().Be("user");
    }

    [Fact]
    public async Task RejectedLiteralLeavesTheNextCommand()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A LOGIN {999999}\r\nB NOOP\r\n");
        var r = await reader.ReadAsync();
        r.LiteralFitsInline.Should().BeFalse();
        reader.RejectLiteral();
        Text((await reader.ReadAsync()).Command).Should().Be("B NOOP");
    }

    [Fact]
    public async Task AppendBodyIsStreamedThenTheTailIsFramed()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var body = new string('b', 200_000);
        await WriteAsync(pipe, "A1 APPEND INBOX (\\Seen) {200000}\r\n");
        var r = await reader.ReadAsync();
        r.Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        r.LiteralFitsInline.Should().BeFalse();
        ImapCommandParser.TryParseAppendPrefix(r.Command.Span, default, out var prefix, out _).Should().Be(AppendPrefixStatus.Ok);
        prefix!.LiteralSize.Should().Be(200_000);

        var stream = reader.OpenLiteral();
        var writer = Task.Run(async () =>
        {
            await WriteAsync(pipe, body);
            await WriteAsync(pipe, "\r\nA2 NOOP\r\n");
        });
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        await writer;
        copy.Length.Should().Be(200_000);

        var tail = await reader.ReadAsync();
        tail.Kind.Should().Be(ImapReadKind.Command);
        tail.IsContinuation.Should().BeTrue();
        ImapCommandParser.IsValidAppendTail(tail.Command.Span, prefix.IsUtf8).Should().BeTrue();
        var next = await reader.ReadAsync();
        next.IsContinuation.Should().BeFalse();
        Text(next.Command).Should().Be("A2 NOOP");
    }

    [Fact]
    public async Task UnreadLiteralIsDrainedBeforeTheNextRead()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A1 APPEND INBOX {10}\r\n0123456789\r\nA2 NOOP\r\n");
        (await reader.ReadAsync()).Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        var stream = reader.OpenLiteral();
        var buf = new byte[3];
        (await stream.ReadAsync(buf)).Should().Be(3);
        Text((await reader.ReadAsync()).Command).Should().Be("", "the rest of the literal is drained, then the tail");
        Text((await reader.ReadAsync()).Command).Should().Be("A2 NOOP");
    }

    [Fact]
    public async Task SkipLiteralDiscardsTheBody()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A1 APPEND INBOX {5+}\r\nhello\r\nA2 NOOP\r\n");
        var r = await reader.ReadAsync();
        r.LiteralNonSync.Should().BeTrue();
        await reader.SkipLiteralAsync();
        (await reader.ReadAsync()).IsContinuation.Should().BeTrue();
        Text((await reader.ReadAsync()).Command).Should().Be("A2 NOOP");
    }

    [Fact]
    public async Task LargeCommandsDoNotDeadlockASmallPipe()
    {
        // The pipe pauses its writer at 1 KiB, far below the 40 KiB command: the reader must move
        // framed bytes into its own buffer as they arrive.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        reader.IsAuthenticated = true;
        var set = new StringBuilder("A1 UID FETCH 1");
        for (var i = 3; set.Length < 40_000; i += 2)
        {
            set.Append(',').Append(i);
        }

        var command = set + " (FLAGS)";
        var writer = Task.Run(async () =>
        {
            var bytes = Encoding.ASCII.GetBytes(command + "\r\n");
            for (var i = 0; i < bytes.Length; i += 700)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(700, bytes.Length - i)));
            }
        });
        var r = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await writer;
        Text(r.Command).Should().Be(command);
    }

    [Fact]
    public async Task InlineLiteralsAcrossManyReads()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256, resumeWriterThreshold: 128, useSynchronizationContext: false));
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var payload = new string('p', 5000);
        var writer = Task.Run(async () =>
        {
            var bytes = Encoding.ASCII.GetBytes("A SEARCH TEXT {5000}\r\n" + payload + " SEEN\r\n");
            for (var i = 0; i < bytes.Length; i += 100)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(100, bytes.Length - i)));
            }
        });
        var r = await reader.ReadAsync();
        r.Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        var done = await reader.AcceptLiteralAsync();
        await writer;
        done.Kind.Should().Be(ImapReadKind.Command);
        var search = ImapCommandParser.Parse(done.Command.Span, default).Command.Should().BeOfType<SearchCommand>().Subject;
        SearchRender.Render(search.Key).Should().Be($"(TEXT~'{payload}' +Seen)");
    }

    [Fact]
    public async Task ErrorsCarryTheTagAndRecover()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "T9 LOGIN " + new string('x', 9000));
        var r = await reader.ReadAsync();
        r.Kind.Should().Be(ImapReadKind.Error);
        r.Error.Should().Be(FrameError.LineTooLong);
        r.Tag.Should().Be("T9");
        await WriteAsync(pipe, "xxx\r\nT10 NOOP\r\n");
        Text((await reader.ReadAsync()).Command).Should().Be("T10 NOOP");
    }

    [Fact]
    public async Task ErrorTagIsFoundAfterTheCommandWasMovedOutOfThePipe()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var pending = reader.ReadAsync();
        await WriteAsync(pipe, "Q7 LOGIN ");
        await Task.Yield();
        await WriteAsync(pipe, new string('x', 9000));
        var r = await pending;
        r.Error.Should().Be(FrameError.LineTooLong);
        r.Tag.Should().Be("Q7");
    }

    [Fact]
    public async Task EndOfStreamReportsAPartialCommand()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A1 NOOP\r\nA2 NO", complete: true);
        (await reader.ReadAsync()).Kind.Should().Be(ImapReadKind.Command);
        var end = await reader.ReadAsync();
        end.Kind.Should().Be(ImapReadKind.EndOfStream);
        end.HasPartialCommand.Should().BeTrue();

        var clean = new Pipe();
        using var reader2 = new ImapFrameReader(clean.Reader, new ImapLimits());
        await WriteAsync(clean, "", complete: true);
        var end2 = await reader2.ReadAsync();
        end2.Kind.Should().Be(ImapReadKind.EndOfStream);
        end2.HasPartialCommand.Should().BeFalse();
    }

    [Fact]
    public async Task CancelPendingReadIsReported()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var pending = reader.ReadAsync();
        pipe.Reader.CancelPendingRead();
        (await pending).Kind.Should().Be(ImapReadKind.Canceled);
        await WriteAsync(pipe, "A NOOP\r\n");
        Text((await reader.ReadAsync()).Command).Should().Be("A NOOP");
    }

    [Fact]
    public async Task PostAuthenticationLineLimitIsSelectedByTheSession()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var line = "A NOOP " + new string('x', 10_000);
        await WriteAsync(pipe, line + "\r\n");
        (await reader.ReadAsync()).Error.Should().Be(FrameError.LineTooLong);
        reader.IsAuthenticated = true;
        await WriteAsync(pipe, line + "\r\n");
        Text((await reader.ReadAsync()).Command).Should().Be(line);
    }

    [Theory]
    [MemberData(nameof(ImapFramerTests.ValidInputs), MemberType = typeof(ImapFramerTests))]
    public async Task ByteByByteDeliveryGivesTheSameCommands(string input, string[] expected)
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var prefix = "P0 NOOP " + new string('z', 100) + "\r\n"; // long enough to trigger rebasing
        var bytes = Encoding.Latin1.GetBytes(prefix + input.Replace("A LOGIN", "A LOGIN " + new string('q', 60), StringComparison.Ordinal));
        var writer = Task.Run(async () =>
        {
            foreach (var b in bytes)
            {
                await pipe.Writer.WriteAsync(new[] { b });
                await Task.Yield();
            }

            await pipe.Writer.CompleteAsync();
        });

        var got = new System.Collections.Generic.List<string>();
        while (true)
        {
            var r = await reader.ReadAsync();
            while (r.Kind == ImapReadKind.LiteralAnnounced)
            {
                r = await reader.AcceptLiteralAsync();
            }

            if (r.Kind != ImapReadKind.Command)
            {
                r.Kind.Should().Be(ImapReadKind.EndOfStream);
                break;
            }

            got.Add(Text(r.Command));
        }

        await writer;
        got.Should().HaveCount(expected.Length + 1);
        got.GetRange(1, expected.Length).Should().Equal(System.Linq.Enumerable.Select(expected, e => e.Replace("A LOGIN", "A LOGIN " + new string('q', 60), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadingOnWithAPendingLiteralIsRefused()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A LOGIN {3}\r\n");
        (await reader.ReadAsync()).Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        reader.IsLiteralPending.Should().BeTrue();
        await FluentActions.Awaiting(async () => await reader.ReadAsync()).Should().ThrowAsync<InvalidOperationException>();
        FluentActions.Invoking(() => new ImapFrameReader(pipe.Reader, new ImapLimits()).OpenLiteral()).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task ConnectionClosedInsideALiteralIsAnError()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A APPEND INBOX {100}\r\nonly a little", complete: true);
        (await reader.ReadAsync()).Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        var stream = reader.OpenLiteral();
        var copy = new MemoryStream();
        await FluentActions.Awaiting(() => stream.CopyToAsync(copy)).Should().ThrowAsync<EndOfStreamException>();
        copy.Length.Should().Be(13);
        (await reader.ReadAsync()).Kind.Should().Be(ImapReadKind.EndOfStream);
    }

    [Fact]
    public async Task CancelledLiteralReadThrows()
    {
        var pipe = new Pipe();
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        await WriteAsync(pipe, "A APPEND INBOX {100}\r\n");
        (await reader.ReadAsync()).Kind.Should().Be(ImapReadKind.LiteralAnnounced);
        var stream = reader.OpenLiteral();
        var pending = stream.ReadAsync(new byte[10]).AsTask();
        pipe.Reader.CancelPendingRead();
        await FluentActions.Awaiting(() => pending).Should().ThrowAsync<OperationCanceledException>();
    }
}
