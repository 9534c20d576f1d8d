// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Text;
using WildDuck.Pop3.Protocol;

namespace WildDuck.Pop3.Tests.Protocol;

public class DotStufferTests
{
    private const string Message = "Subject: x\r\n.Hidden: header\r\n\r\n.one\r\ntwo\r\n..three\r\n\r\n.\r\nlast";

    [Fact]
    public void Lines_starting_with_a_dot_get_another_at_every_split()
    {
        const string expected = "Subject: x\r\n..Hidden: header\r\n\r\n..one\r\ntwo\r\n...three\r\n\r\n..\r\nlast\r\n.\r\n";
        foreach (var chunks in Splits(Message))
        {
            Stuff(chunks, null).Should().Be(expected);
        }
    }

    [Theory]
    [InlineData(0, "Subject: x\r\n..Hidden: header\r\n\r\n.\r\n")]
    [InlineData(1, "Subject: x\r\n..Hidden: header\r\n\r\n..one\r\n.\r\n")]
    [InlineData(4, "Subject: x\r\n..Hidden: header\r\n\r\n..one\r\ntwo\r\n...three\r\n\r\n.\r\n")]
    [InlineData(100, "Subject: x\r\n..Hidden: header\r\n\r\n..one\r\ntwo\r\n...three\r\n\r\n..\r\nlast\r\n.\r\n")]
    public void TOP_stops_after_the_header_and_the_requested_body_lines_at_every_split(long lines, string expected)
    {
        foreach (var chunks in Splits(Message))
        {
            Stuff(chunks, lines).Should().Be(expected);
        }
    }

    [Fact]
    public void A_message_without_a_blank_line_is_all_header_for_TOP()
    {
        Stuff(new[] { "A: b\r\nC: d\r\n" }, 0).Should().Be("A: b\r\nC: d\r\n.\r\n");
    }

    [Fact]
    public void An_empty_message_is_just_the_terminator()
    {
        Stuff(Array.Empty<string>(), null).Should().Be(".\r\n");
    }

    /// <summary>The message whole, in two pieces at every cut, and byte by byte.</summary>
    private static IEnumerable<string[]> Splits(string text)
    {
        yield return new[] { text };
        for (var cut = 1; cut < text.Length; cut++)
        {
            yield return new[] { text[..cut], text[cut..] };
        }

        yield return text.Select(c => c.ToString()).ToArray();
    }

    private static string Stuff(IEnumerable<string> chunks, long? lines)
    {
        var output = new ArrayBufferWriter<byte>();
        var stuffer = lines is { } l ? new DotStuffer(output, l) : new DotStuffer(output);
        foreach (var chunk in chunks)
        {
            stuffer.Write(Encoding.ASCII.GetBytes(chunk));
        }

        stuffer.Complete();
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
