// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

/// <summary>Allocation budgets of the hot paths (style §3.8: framing 0 B).</summary>
public class AllocationTests
{
    [Fact]
    public void FramingACommandAllocatesNothing()
    {
        var framer = new ImapFramer(new ImapLimits());
        var single = new ReadOnlySequence<byte>("A1 UID FETCH 1:4000 (UID FLAGS MODSEQ) (CHANGEDSINCE 1234)\r\n"u8.ToArray());
        var split = TestSequence.RandomSplit(Encoding.ASCII.GetBytes("A2 LOGIN {4}\r\nuser {6+}\r\nsecret\r\n"), new Random(5));
        Frame(framer, single, split, 100);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Frame(framer, single, split, 10_000);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);

        static void Frame(ImapFramer framer, ReadOnlySequence<byte> a, ReadOnlySequence<byte> b, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var state = new ImapFrameState { IsAuthenticated = true };
                framer.TryFrame(ref state, a, out _, out _, out _);
                state = default;
                var buffer = b;
                while (framer.TryFrame(ref state, buffer, out _, out _, out _) == FrameStatus.LiteralAnnounced)
                {
                    state.AcceptLiteral();
                }
            }
        }
    }

    [Fact]
    public void ParsingARepeatedCommandAndAnsweringItAllocatesNothingAmortised()
    {
        // Issue #3: the session parse keeps the tag as bytes and reuses the command body of a
        // repeated command of the same shape; the tagged answer writes the tag bytes.
        var cache = new ImapCommandCache();
        var context = new ImapParserContext(false, true);
        var lines = new byte[10][];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = Encoding.ASCII.GetBytes($"A{i} UID FETCH 1:4000 (UID FLAGS MODSEQ) (CHANGEDSINCE 1234)");
        }

        var output = new ArrayBufferWriter<byte>(4096);
        Run(100);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(10_000);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        Encoding.ASCII.GetString(output.WrittenSpan).Should().Be("A9 OK FETCH completed\r\n");

        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var line = lines[i % lines.Length];
                var result = ImapCommandParser.Parse(line, context, cache, out var tagLength);
                if (result.Command is not FetchCommand { IsUid: true })
                {
                    throw new InvalidOperationException(result.ErrorText);
                }

                output.ResetWrittenCount();
                var w = new ImapResponseWriter(output);
                w.WriteTagged(line.AsSpan(0, tagLength), ImapStatus.Ok, default, "FETCH completed");
                w.Commit();
            }
        }
    }

    [Fact]
    public async Task ReadingBufferedCommandsAllocatesNothingAmortised()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        using var reader = new ImapFrameReader(pipe.Reader, new ImapLimits());
        var line = "A1 UID FETCH 1:* (FLAGS)\r\n"u8.ToArray();
        for (var i = 0; i < 2_100; i++)
        {
            await pipe.Writer.WriteAsync(line);
        }

        for (var i = 0; i < 100; i++)
        {
            await reader.ReadAsync();
        }

        var synchronous = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2_000; i++)
        {
            var r = reader.ReadAsync();
            if (r.IsCompletedSuccessfully && (await r).Kind == ImapReadKind.Command)
            {
                synchronous++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        synchronous.Should().Be(2_000, "buffered commands complete synchronously");

        // The reader itself allocates nothing; the Pipe's segment bookkeeping costs about a
        // kilobyte per few thousand reads (measured with the pipe alone), so budget < 1 B/command.
        allocated.Should().BeLessThan(2_000);
    }
}
