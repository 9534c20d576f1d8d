// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

public class ImapResponseWriterTests
{
    private delegate void WriteAction(ref ImapResponseWriter writer);

    private static string Write(WriteAction action)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new ImapResponseWriter(buffer);
        action(ref writer);
        writer.Commit();
        return Encoding.Latin1.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// An output that hands out exactly the size asked for, each span a fresh buffer still holding
    /// someone else's bytes (0xEE), as a pooled pipe segment does: every write must land where the
    /// writer counted it, whichever write needs the next span.
    /// </summary>
    private sealed class StingyBufferWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = new();
        private byte[] _current = Array.Empty<byte>();

        public byte[] Written => _written.ToArray();

        public void Advance(int count)
        {
            count.Should().BeLessThanOrEqualTo(_current.Length, "a writer never advances past the span it was given");
            _written.AddRange(_current.AsSpan(0, count).ToArray());
            _current = Array.Empty<byte>();
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _current = new byte[Math.Max(sizeHint, 1)];
            _current.AsSpan().Fill(0xEE);
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    [Fact]
    public void Keywords_that_start_a_new_span_are_written_where_they_are_counted()
    {
        // The stress run of Dovecot's imaptest found foreign bytes after a keyword in FLAGS: the
        // text writer added its count to the length buffered before the span switch.
        var keywords = new[] { "$Label1", "$Label2", "$Label3", "$Label4", "$Label5", "$NotJunk" };
        for (var filler = 0; filler < 600; filler += 7)
        {
            var stingy = new StingyBufferWriter();
            var expected = new ArrayBufferWriter<byte>();
            foreach (IBufferWriter<byte> output in new IBufferWriter<byte>[] { stingy, expected })
            {
                var w = new ImapResponseWriter(output);
                w.WriteRaw(Encoding.ASCII.GetBytes(new string('x', filler)));
                for (uint n = 1; n <= 20; n++)
                {
                    w.BeginFetch(n);
                    w.WriteFetchUid(n * 3);
                    w.WriteFetchFlags(MessageFlags.Seen | MessageFlags.Answered, keywords);
                    w.WriteFetchModSeq(12345);
                    w.EndFetch();
                }

                w.Commit();
            }

            stingy.Written.Should().Equal(expected.WrittenSpan.ToArray(), "with {0} bytes before the first FETCH", filler);
        }
    }

    [Fact]
    public void TaggedAndUntaggedStatusLines()
    {
        Write((ref ImapResponseWriter w) => w.WriteTagged("A1", ImapStatus.Ok, default, "LOGIN completed")).Should().Be("A1 OK LOGIN completed\r\n");
        Write((ref ImapResponseWriter w) => w.WriteTagged("A2", ImapStatus.No, "TRYCREATE"u8, "No such mailbox")).Should().Be("A2 NO [TRYCREATE] No such mailbox\r\n");
        Write((ref ImapResponseWriter w) => w.WriteUntagged(ImapStatus.Bad, default, "Invalid tag")).Should().Be("* BAD Invalid tag\r\n");
        Write((ref ImapResponseWriter w) => w.WriteUntagged(ImapStatus.Bye, default, "Logging out")).Should().Be("* BYE Logging out\r\n");
        Write((ref ImapResponseWriter w) => w.WriteUntagged(ImapStatus.Preauth, default, "hi")).Should().Be("* PREAUTH hi\r\n");
        Write((ref ImapResponseWriter w) => w.WriteUntagged(ImapStatus.Ok, "UIDVALIDITY 3857529045"u8, "UIDs valid")).Should().Be("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
        Write((ref ImapResponseWriter w) => w.WriteContinuation("Ready")).Should().Be("+ Ready\r\n");
        Write((ref ImapResponseWriter w) => w.WriteUntaggedNumber(23, ImapStrings.Exists)).Should().Be("* 23 EXISTS\r\n");
        Write((ref ImapResponseWriter w) => w.WriteUntaggedNumber(3, ImapStrings.Expunge)).Should().Be("* 3 EXPUNGE\r\n");
    }

    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(7UL, "7")]
    [InlineData(4294967295UL, "4294967295")]
    [InlineData(9223372036854775807UL, "9223372036854775807")]
    [InlineData(18446744073709551615UL, "18446744073709551615")]
    public void Numbers(ulong value, string expected)
    {
        Write((ref ImapResponseWriter w) => w.WriteNumber(value)).Should().Be(expected);
    }

    [Theory]
    [InlineData("hello", "\"hello\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("two\r\nlines", "{10}\r\ntwo\r\nlines")]
    [InlineData("lf\nonly", "{7}\r\nlf\nonly")]
    public void StringsAreQuotedOrLiterals(string value, string expected)
    {
        Write((ref ImapResponseWriter w) => w.WriteString(Encoding.UTF8.GetBytes(value))).Should().Be(expected);
    }

    [Fact]
    public void EightBitStringsAreLiteralsUnlessUtf8IsEnabled()
    {
        var bytes = Encoding.UTF8.GetBytes("caf\u00e9");
        Write((ref ImapResponseWriter w) => w.WriteString(bytes)).Should().Be("{5}\r\ncaf\u00c3\u00a9");
        Write((ref ImapResponseWriter w) => w.WriteString(bytes, utf8: true)).Should().Be("\"caf\u00c3\u00a9\"");
        Write((ref ImapResponseWriter w) => w.WriteString("caf\u00e9", utf8: true)).Should().Be("\"caf\u00c3\u00a9\"");
    }

    [Fact]
    public void LongStringsBecomeLiterals()
    {
        var s = new string('a', 2000);
        Write((ref ImapResponseWriter w) => w.WriteString(s)).Should().Be("{2000}\r\n" + s);
    }

    [Fact]
    public void LiteralsAndLiteral8()
    {
        Write((ref ImapResponseWriter w) => w.WriteLiteral("abc"u8)).Should().Be("{3}\r\nabc");
        Write((ref ImapResponseWriter w) => w.WriteLiteral("a\0c"u8, binary: true)).Should().Be("~{3}\r\na\0c");
        Write((ref ImapResponseWriter w) => w.WriteLiteralHeader(12345)).Should().Be("{12345}\r\n");
    }

    [Fact]
    public void NilNStringAndAString()
    {
        Write((ref ImapResponseWriter w) => w.WriteNString(null)).Should().Be("NIL");
        Write((ref ImapResponseWriter w) => w.WriteNString("x")).Should().Be("\"x\"");
        Write((ref ImapResponseWriter w) => w.WriteAString("abc]"u8)).Should().Be("abc]");
        Write((ref ImapResponseWriter w) => w.WriteAString("a b"u8)).Should().Be("\"a b\"");
        Write((ref ImapResponseWriter w) => w.WriteAString("NIL"u8)).Should().Be("\"NIL\"");
        Write((ref ImapResponseWriter w) => w.WriteAString(""u8)).Should().Be("\"\"");
    }

    [Theory]
    [InlineData("INBOX", false, "INBOX")]
    [InlineData("Sent", false, "\"Sent\"")]
    [InlineData("AT&T", false, "\"AT&-T\"")]
    [InlineData("\u65e5\u672c\u8a9e", false, "\"&ZeVnLIqe-\"")]
    [InlineData("\u65e5\u672c\u8a9e", true, "\"\u00e6\u0097\u00a5\u00e6\u009c\u00ac\u00e8\u00aa\u009e\"")]
    [InlineData("AT&T", true, "\"AT&T\"")]
    [InlineData("a\"b", false, "\"a\\\"b\"")]
    public void MailboxNames(string name, bool utf8, string expected)
    {
        Write((ref ImapResponseWriter w) => w.WriteMailbox(name, utf8)).Should().Be(expected);
    }

    [Fact]
    public void FlagLists()
    {
        Write((ref ImapResponseWriter w) => w.WriteFlags(MessageFlags.None, null)).Should().Be("()");
        Write((ref ImapResponseWriter w) => w.WriteFlags(MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Draft | MessageFlags.Deleted | MessageFlags.Flagged, null))
            .Should().Be("(\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        Write((ref ImapResponseWriter w) => w.WriteFlags(MessageFlags.Seen, ["$Forwarded", "Work"])).Should().Be("(\\Seen $Forwarded Work)");
        Write((ref ImapResponseWriter w) => w.WriteFlags(MessageFlags.None, ["$Junk"])).Should().Be("($Junk)");
    }

    [Fact]
    public void SequenceSets()
    {
        var set = UidSet.FromUids([1, 2, 3, 7, 9, 10, 11, 12]);
        Write((ref ImapResponseWriter w) => w.WriteSequenceSet(set)).Should().Be("1:3,7,9:12");
        Write((ref ImapResponseWriter w) => w.WriteSequenceSet(new uint[] { 5, 6, 7, 3, 10 })).Should().Be("5:7,3,10");
        Write((ref ImapResponseWriter w) => w.WriteSequenceSet(ReadOnlySpan<uint>.Empty)).Should().Be("");
        Write((ref ImapResponseWriter w) => w.WriteSequenceSet(new uint[] { 4294967294, 4294967295 })).Should().Be("4294967294:4294967295");
    }

    [Theory]
    [InlineData(1996, 7, 17, 2, 44, 25, -420, "\"17-Jul-1996 02:44:25 -0700\"")]
    [InlineData(2024, 1, 5, 23, 0, 9, 0, "\"05-Jan-2024 23:00:09 +0000\"")]
    [InlineData(2024, 12, 31, 0, 0, 0, 330, "\"31-Dec-2024 00:00:00 +0530\"")]
    [InlineData(999, 2, 1, 1, 1, 1, -30, "\"01-Feb-0999 01:01:01 -0030\"")]
    public void DateTimes(int y, int mo, int d, int h, int mi, int s, int offsetMinutes, string expected)
    {
        var value = new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.FromMinutes(offsetMinutes));
        Write((ref ImapResponseWriter w) => w.WriteDateTime(value)).Should().Be(expected);
    }

    [Fact]
    public void WrittenDateTimesParseBack()
    {
        var value = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));
        var text = Write((ref ImapResponseWriter w) => w.WriteDateTime(value));
        var r = new ImapTokenReader(Encoding.ASCII.GetBytes(text));
        ImapCommandParser.DateTime(ref r).Should().Be(value);
    }

    [Fact]
    public void FetchLines()
    {
        Write((ref ImapResponseWriter w) =>
        {
            w.BeginFetch(12);
            w.WriteFetchUid(5);
            w.WriteFetchFlags(MessageFlags.Seen, null);
            w.WriteFetchModSeq(12);
            w.EndFetch();
        }).Should().Be("* 12 FETCH (UID 5 FLAGS (\\Seen) MODSEQ (12))\r\n");

        Write((ref ImapResponseWriter w) =>
        {
            w.BeginFetch(1);
            w.BeginFetchItem("BODY[HEADER.FIELDS (From)]<0>"u8);
            w.WriteLiteral("From: a\r\n\r\n"u8);
            w.EndFetch();
        }).Should().Be("* 1 FETCH (BODY[HEADER.FIELDS (From)]<0> {11}\r\nFrom: a\r\n\r\n)\r\n");
    }

    [Fact]
    public void LargeRawWritesSpanSeveralBuffers()
    {
        var big = new byte[100_000];
        Array.Fill(big, (byte)'x');
        var buffer = new ArrayBufferWriter<byte>(16);
        var writer = new ImapResponseWriter(buffer);
        writer.WriteLiteral(big);
        writer.Commit();
        buffer.WrittenCount.Should().Be(100_000 + "{100000}\r\n".Length);
    }

    [Fact]
    public void WritingFlagsFetchLinesAllocatesNothingAmortised()
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        IReadOnlyList<string> keywords = ["$Forwarded", "Work"];
        WriteLines(buffer, keywords, 1000); // warm-up: JIT, buffer growth

        var before = GC.GetAllocatedBytesForCurrentThread();
        WriteLines(buffer, keywords, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().Be(0);

        static void WriteLines(ArrayBufferWriter<byte> buffer, IReadOnlyList<string> keywords, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer.ResetWrittenCount();
                var w = new ImapResponseWriter(buffer);
                w.BeginFetch((uint)i + 1);
                w.WriteFetchUid((uint)i + 1000);
                w.WriteFetchFlags(MessageFlags.Seen | MessageFlags.Flagged, keywords);
                w.WriteFetchModSeq((ulong)i * 7);
                w.EndFetch();
                w.WriteTagged("A1", ImapStatus.Ok, default, "FETCH completed");
                w.Commit();
            }
        }
    }
}
