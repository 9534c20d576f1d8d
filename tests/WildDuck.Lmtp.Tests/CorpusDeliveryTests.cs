// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;

namespace WildDuck.Lmtp.Tests;

/// <summary>Every corpus message over LMTP, by DATA and by BDAT, read back byte-identical after the trace fields.</summary>
public sealed class CorpusDeliveryTests
{
    [Fact]
    public async Task Every_corpus_message_is_stored_exactly_after_the_trace_fields()
    {
        await using var server = await LmtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        (await client.CommandAsync("LHLO corpus.example")).Should().StartWith("250-");
        var expected = new List<(string Name, byte[] Body)>();
        foreach (var name in CorpusMessages.Names())
        {
            var normalized = MessageNormalizer.Normalize(CorpusMessages.Load(name), long.MaxValue).ToArray();

            // DATA: dot-stuffed, and the message must end with CRLF before the terminator.
            var body = normalized.AsSpan().EndsWith("\r\n"u8) ? normalized : [.. normalized, (byte)'\r', (byte)'\n'];
            await client.SendAsync("MAIL FROM:<corpus@remote.example> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
            (await client.ReadRepliesAsync(3))[2].Should().StartWith("354", name);
            await client.SendAsync([.. DotStuff(body), .. ".\r\n"u8]);
            (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0 alice@example.org Ok", name);
            expected.Add((name + " (DATA)", body));

            // BDAT: the bytes as they are, in two chunks.
            var half = normalized.Length / 2;
            await client.SendAsync([
                .. Encoding.ASCII.GetBytes("MAIL FROM:<corpus@remote.example> BODY=BINARYMIME\r\nRCPT TO:<alice@example.org>\r\nBDAT " + half + "\r\n"),
                .. normalized.AsSpan(0, half),
                .. Encoding.ASCII.GetBytes("BDAT " + (normalized.Length - half) + " LAST\r\n"),
                .. normalized.AsSpan(half)]);
            (await client.ReadRepliesAsync(4))[3].Should().StartWith("250 2.0.0 alice@example.org Ok", name);
            expected.Add((name + " (BDAT)", normalized));
        }

        var stored = await server.InboxAsync(server.Alice);
        expected.Count.Should().BeGreaterThan(100, "the whole corpus is delivered");
        stored.Should().HaveCount(expected.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            var message = stored[i];
            var traceLength = TraceLength(message);
            message.AsSpan(traceLength).SequenceEqual(expected[i].Body).Should().BeTrue(expected[i].Name);
        }
    }

    /// <summary>Length of Return-Path, Delivered-To and the folded Received field.</summary>
    internal static int TraceLength(byte[] message)
    {
        var text = Encoding.Latin1.GetString(message);
        text.Should().StartWith("Return-Path: <corpus@remote.example>\r\nDelivered-To: alice@example.org\r\nReceived: from corpus.example ");
        var i = text.IndexOf("Received:", StringComparison.Ordinal);
        while (true)
        {
            var crlf = text.IndexOf("\r\n", i, StringComparison.Ordinal);
            if (text[crlf + 2] is not ('\t' or ' '))
            {
                return crlf + 2;
            }

            i = crlf + 2;
        }
    }

    internal static byte[] DotStuff(byte[] body)
    {
        using var output = new MemoryStream();
        var lineStart = true;
        for (var i = 0; i < body.Length; i++)
        {
            if (lineStart && body[i] == (byte)'.')
            {
                output.WriteByte((byte)'.');
            }

            output.WriteByte(body[i]);
            lineStart = body[i] == (byte)'\n' && i > 0 && body[i - 1] == (byte)'\r';
        }

        return output.ToArray();
    }
}
