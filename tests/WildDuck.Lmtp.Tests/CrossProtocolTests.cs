// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Hosting;
using WildDuck.Imap;
using WildDuck.Pop3;
using WildDuck.Storage;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Lmtp.Tests;

/// <summary>
/// One host serving LMTP, IMAP and POP3 on loopback sockets: every corpus message delivered over
/// LMTP comes back over IMAP (MailKit <c>ImapClient</c>) and POP3 (MailKit <c>Pop3Client</c>)
/// byte-identical — the trace fields followed by exactly the bytes that were sent.
/// </summary>
public sealed class CrossProtocolTests
{
    [Fact]
    public async Task Every_corpus_message_delivered_over_lmtp_reads_back_identically_over_imap_and_pop3()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wildduck-cross-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck(o =>
            {
                o.Hostname = LmtpTestServer.Hostname;
                o.Security.AllowInsecureAuth = true;
            })
            .UseSqliteStorage(o =>
            {
                o.Path = Path.Combine(directory, "wildduck.db");
                o.Durability = SqliteDurability.Normal;
            })
            .AddTls(o =>
            {
                o.SelfSignedDirectory = directory;
                o.SelfSignedHostname = "localhost";
                o.WatchFiles = false;
                o.ReloadOnSighup = false;
            })
            .AddImap(o => (o.Port, o.TlsPort) = (0, 0))
            .AddPop3(o => (o.Port, o.TlsPort, o.MaxMessages) = (0, 0, 1000))
            .AddLmtp(o => o.Port = 0)
            .AddListener(new ListenerOptions { Name = "imap-x", Protocol = "imap", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.StartTls }, static sp => sp.GetImapHandler())
            .AddListener(new ListenerOptions { Name = "pop3-x", Protocol = "pop3", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.StartTls }, static sp => sp.GetPop3Handler())
            .AddListener(new ListenerOptions { Name = "lmtp-x", Protocol = "lmtp", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetLmtpHandler());
        var provider = services.BuildServiceProvider();
        var listeners = provider.GetRequiredService<ListenerHostedService>();
        try
        {
            await provider.GetRequiredService<IUserStore>().CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "alice-password", Address = "alice@example.org" });
            await listeners.StartAsync(CancellationToken.None);

            // Deliver the corpus over LMTP.
            var sent = new List<(string Name, byte[] Body)>();
            await using (var lmtp = await LmtpClient.ConnectAsync(listeners.GetBoundEndPoint("lmtp-x")!))
            {
                (await lmtp.CommandAsync("LHLO corpus.example")).Should().StartWith("250-");
                foreach (var name in CorpusMessages.Names())
                {
                    var normalized = MessageNormalizer.Normalize(CorpusMessages.Load(name), long.MaxValue).ToArray();
                    var body = normalized.AsSpan().EndsWith("\r\n"u8) ? normalized : [.. normalized, (byte)'\r', (byte)'\n'];
                    await lmtp.SendAsync("MAIL FROM:<corpus@remote.example> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
                    (await lmtp.ReadRepliesAsync(3))[2].Should().StartWith("354", name);
                    await lmtp.SendAsync([.. CorpusDeliveryTests.DotStuff(body), .. ".\r\n"u8]);
                    (await lmtp.ReadReplyAsync()).Should().StartWith("250 2.0.0 alice@example.org Ok", name);
                    sent.Add((name, body));
                }
            }

            // IMAP: BODY[] of every message, in UID order.
            var overImap = new List<byte[]>();
            using (var imap = new ImapClient())
            {
                await imap.ConnectAsync(IPAddress.Loopback.ToString(), listeners.GetBoundEndPoint("imap-x")!.Port, SecureSocketOptions.None);
                await imap.AuthenticateAsync("alice", "alice-password");
                await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
                foreach (var uid in await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All))
                {
                    using var stream = await imap.Inbox.GetStreamAsync(uid, string.Empty);
                    overImap.Add(await ReadAllAsync(stream));
                }

                await imap.DisconnectAsync(true);
            }

            // POP3: RETR of every message (the maildrop lists oldest first).
            var overPop3 = new List<byte[]>();
            using (var pop3 = new Pop3Client())
            {
                await pop3.ConnectAsync(IPAddress.Loopback.ToString(), listeners.GetBoundEndPoint("pop3-x")!.Port, SecureSocketOptions.None);
                await pop3.AuthenticateAsync("alice", "alice-password");
                for (var i = 0; i < pop3.Count; i++)
                {
                    using var stream = await pop3.GetStreamAsync(i);
                    overPop3.Add(await ReadAllAsync(stream));
                }

                await pop3.DisconnectAsync(true);
            }

            sent.Count.Should().BeGreaterThan(80, "the whole corpus is delivered");
            overImap.Should().HaveCount(sent.Count);
            overPop3.Should().HaveCount(sent.Count);
            for (var i = 0; i < sent.Count; i++)
            {
                var trace = CorpusDeliveryTests.TraceLength(overImap[i]);
                overImap[i].AsSpan(trace).SequenceEqual(sent[i].Body).Should().BeTrue("IMAP returns " + sent[i].Name + " after its trace fields");
                overPop3[i].Should().Equal(overImap[i], "POP3 returns the same bytes as IMAP for " + sent[i].Name);
            }
        }
        finally
        {
            await listeners.StopAsync(CancellationToken.None);
            await provider.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
