// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Text;
using WildDuck.Hosting;

namespace WildDuck.Pop3.Tests.Protocol;

public class LineFramerTests
{
    private const int Limit = 32;

    public static TheoryData<string, string> Lines => new()
    {
        { "STAT\r\n", "STAT" },
        { "RETR 1\r\n", "RETR 1" },
        { "noop\n", "noop" },
        { "\r\n", string.Empty },
        { "PASS a b\rc\r\n", "PASS a b\rc" },
        { new string('x', Limit - 2) + "\r\n", new string('x', Limit - 2) },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_complete_line_is_framed_without_its_line_ending(string input, string expected)
    {
        var (status, line, consumed) = Frame(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(input)));
        status.Should().Be(LineStatus.Line);
        line.Should().Be(expected);
        consumed.Should().Be(input.Length);
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Every_proper_prefix_needs_more_and_consumes_nothing(string input, string expected)
    {
        _ = expected;
        var bytes = Encoding.ASCII.GetBytes(input);
        for (var length = 0; length < bytes.Length; length++)
        {
            var (status, _, consumed) = Frame(new ReadOnlySequence<byte>(bytes, 0, length));
            status.Should().Be(LineStatus.NeedMore);
            consumed.Should().Be(0);
        }
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Split_buffers_frame_the_same_line(string input, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        Frame(Segment.BytePerSegment(bytes)).Line.Should().Be(expected);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var (status, line, consumed) = Frame(Segment.Split(bytes, cut));
            status.Should().Be(LineStatus.Line);
            line.Should().Be(expected);
            consumed.Should().Be(bytes.Length);
        }
    }

    [Theory]
    [InlineData(Limit - 1, false)]
    [InlineData(Limit, false)]
    [InlineData(Limit + 1, true)]
    public void The_limit_counts_the_line_ending(int total, bool tooLong)
    {
        var input = new string('x', total - 2) + "\r\n";
        Frame(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(input))).Status.Should().Be(tooLong ? LineStatus.TooLong : LineStatus.Line);
    }

    [Fact]
    public void An_over_long_line_is_skipped_as_it_arrives_and_reported_once_at_its_end()
    {
        var framer = default(LineFramer);
        var chunk = Encoding.ASCII.GetBytes(new string('x', 100));
        for (var i = 0; i < 3; i++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(chunk));
            framer.TryFrame(ref reader, Limit, out _).Should().Be(LineStatus.NeedMore);
            reader.Consumed.Should().Be(chunk.Length, "skipped bytes are released, never buffered");
            framer.IsSkipping.Should().BeTrue();
        }

        var tail = new SequenceReader<byte>(new ReadOnlySequence<byte>("xx\r\nSTAT\r\n"u8.ToArray()));
        framer.TryFrame(ref tail, Limit, out _).Should().Be(LineStatus.TooLong);
        framer.TryFrame(ref tail, Limit, out var line).Should().Be(LineStatus.Line);
        Encoding.ASCII.GetString(line).Should().Be("STAT");
    }

    [Fact]
    public void Pipelined_lines_are_framed_one_after_the_other()
    {
        var framer = default(LineFramer);
        var reader = new SequenceReader<byte>(Segment.Split("USER a\r\nPASS b\r\nST"u8.ToArray(), 3, 9, 15));
        var lines = new List<string>();
        while (framer.TryFrame(ref reader, Limit, out var line) == LineStatus.Line)
        {
            lines.Add(Encoding.ASCII.GetString(line));
        }

        lines.Should().Equal("USER a", "PASS b");
        reader.Remaining.Should().Be(2);
    }

    private static (LineStatus Status, string Line, long Consumed) Frame(ReadOnlySequence<byte> input)
    {
        var framer = default(LineFramer);
        var reader = new SequenceReader<byte>(input);
        var status = framer.TryFrame(ref reader, Limit, out var line);
        return (status, Encoding.ASCII.GetString(line), reader.Consumed);
    }
}
