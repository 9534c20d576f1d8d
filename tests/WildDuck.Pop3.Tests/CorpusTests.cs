// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;

namespace WildDuck.Pop3.Tests;

/// <summary>Every corpus message appended to INBOX comes back over POP3 byte for byte.</summary>
public sealed class CorpusTests
{
    [Fact]
    public async Task Every_corpus_message_is_retrieved_byte_identical()
    {
        await using var server = await Pop3TestServer.StartAsync(o => o.MaxMessages = 100_000);
        var expected = new List<byte[]>();
        var names = new List<string>();
        foreach (var name in CorpusMessages.Names())
        {
            // The store keeps the CRLF-normalised form (RFC 5322 §2.3); that is what RETR must return.
            var stored = MessageNormalizer.Normalize(CorpusMessages.Load(name), long.MaxValue).ToArray();
            if (stored.Length == 0)
            {
                continue;
            }

            await server.AppendAsync(stored);
            expected.Add(stored);
            names.Add(name);
        }

        expected.Count.Should().BeGreaterThan(50);
        await using var pop = await RawPop3Connection.OpenAsync(server);
        for (var i = 0; i < expected.Count; i++)
        {
            (await pop.CommandAsync($"RETR {i + 1}")).Should().Be($"+OK {expected[i].Length} octets", names[i]);
            var retrieved = RawPop3Connection.Unstuff(await pop.ReadMultiLineBytesAsync());

            // A message that does not end with CRLF gets one before the terminator (RFC 1939 §3).
            var want = EndsWithCrlf(expected[i]) ? expected[i] : expected[i].Concat("\r\n"u8.ToArray()).ToArray();
            retrieved.Should().Equal(want, names[i]);
        }
    }

    [Fact]
    public async Task Corpus_messages_retrieved_by_MailKit_are_byte_identical()
    {
        await using var server = await Pop3TestServer.StartAsync(o => o.MaxMessages = 100_000);
        var expected = new List<byte[]>();
        foreach (var name in CorpusMessages.Names().Where(n => n.StartsWith("messages/", StringComparison.Ordinal)).Take(60))
        {
            var stored = MessageNormalizer.Normalize(CorpusMessages.Load(name), long.MaxValue).ToArray();
            if (stored.Length > 0 && EndsWithCrlf(stored))
            {
                await server.AppendAsync(stored);
                expected.Add(stored);
            }
        }

        using var client = await server.ConnectClientAsync();
        client.Count.Should().Be(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            (await MailKitInteropTests.RetrieveAsync(client, i)).Should().Equal(expected[i]);
        }
    }

    private static bool EndsWithCrlf(byte[] bytes) => bytes.AsSpan().EndsWith("\r\n"u8);
}
