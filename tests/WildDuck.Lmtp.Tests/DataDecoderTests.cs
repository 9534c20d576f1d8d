// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Text;
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Lmtp.Tests;

public class DataDecoderTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { ".\r\n", "" },
        { "Subject: x\r\n\r\nbody\r\n.\r\n", "Subject: x\r\n\r\nbody\r\n" },
        { "..leading dot\r\n.\r\n", ".leading dot\r\n" },
        { "a\r\n..\r\n...\r\n.\r\n", "a\r\n.\r\n..\r\n" },
        { "a\r\n.x\r\n.\r\n", "a\r\nx\r\n" },
        { "bare\nlf\n.\nnot end\r\n.\r\n", "bare\nlf\n.\nnot end\r\n" },
        { "bare\rcr\r.\r\n\r\n.\r\n", "bare\rcr\r.\r\n\r\n" },
        { "a\r\n.\rb\r\n.\r\n", "a\r\n\rb\r\n" },
        { "a\r\r\n.\r\n", "a\r\r\n" },
        { "x\r\n.\r\ntrailing", "x\r\n" },
        { "\u00e9t\u00e9 8bit\r\n.\r\n", "\u00e9t\u00e9 8bit\r\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decodes_whole_input(string input, string expected)
    {
        var (output, consumed, complete) = Run(Encoding.UTF8.GetBytes(input), []);
        complete.Should().BeTrue();
        Encoding.UTF8.GetString(output).Should().Be(expected);
        consumed.Should().Be(Encoding.UTF8.GetByteCount(input) - (input.EndsWith("trailing", StringComparison.Ordinal) ? "trailing".Length : 0));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_split_point_gives_the_same_result(string input, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var (output, _, complete) = Run(bytes, [split]);
            complete.Should().BeTrue("split at {0}", split);
            Encoding.UTF8.GetString(output).Should().Be(expected, "split at {0}", split);
        }

        var (perByte, _, done) = Run(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray());
        done.Should().BeTrue();
        Encoding.UTF8.GetString(perByte).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_proper_prefix_is_incomplete_and_fully_consumed(string input, string expected)
    {
        _ = expected;
        var bytes = Encoding.UTF8.GetBytes(input);
        var terminator = input.IndexOf("\r\n.\r\n", StringComparison.Ordinal);
        var end = input.StartsWith(".\r\n", StringComparison.Ordinal) ? 3 : Encoding.UTF8.GetByteCount(input[..terminator]) + 5;
        for (var length = 0; length < end; length++)
        {
            var decoder = default(DataDecoder);
            using var buffer = new MessageBuffer();
            buffer.Reset(1 << 20);
            decoder.Decode(bytes.AsSpan(0, length), buffer).Should().Be(length, "a prefix is consumed whole");
            decoder.IsComplete.Should().BeFalse("prefix of length {0}", length);
        }
    }

    [Fact]
    public void Resumes_across_sequences_and_stops_at_the_terminator()
    {
        var bytes = Encoding.ASCII.GetBytes("one\r\n..two\r\n.\r\nQUIT\r\n");
        var decoder = default(DataDecoder);
        using var buffer = new MessageBuffer();
        buffer.Reset(1 << 20);
        var sequence = SequenceHelpers.BytePerSegment(bytes);
        var end = decoder.Decode(sequence, buffer);
        decoder.IsComplete.Should().BeTrue();
        Encoding.ASCII.GetString(BuffersExtensions.ToArray(sequence.Slice(end))).Should().Be("QUIT\r\n");
        Encoding.ASCII.GetString(buffer.Written.Span).Should().Be("one\r\n.two\r\n");
    }

    [Fact]
    public void Over_the_limit_counts_but_drops_the_bytes()
    {
        var decoder = default(DataDecoder);
        using var buffer = new MessageBuffer();
        buffer.Reset(8);
        var bytes = Encoding.ASCII.GetBytes(new string('x', 100) + "\r\n.\r\n");
        decoder.Decode(bytes, buffer).Should().Be(bytes.Length);
        decoder.IsComplete.Should().BeTrue();
        buffer.Overflowed.Should().BeTrue();
        buffer.TotalLength.Should().Be(102);
        buffer.Written.Length.Should().BeLessThanOrEqualTo(8);
    }

    private static (byte[] Output, long Consumed, bool Complete) Run(byte[] input, int[] splits)
    {
        var decoder = default(DataDecoder);
        decoder.Reset();
        using var buffer = new MessageBuffer();
        buffer.Reset(1 << 20);
        var sequence = SequenceHelpers.Split(input, splits);
        var end = decoder.Decode(sequence, buffer);
        return (buffer.Written.ToArray(), sequence.Slice(0, end).Length, decoder.IsComplete);
    }
}
