// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using WildDuck.Hosting;
using WildDuck.Imap;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;
using WildDuck.Tests.Shared;

namespace WildDuck.Lmtp.Tests;

/// <summary>
/// OpenPGP at-rest encryption end to end (reference §7.9, §2.10): a user with a public key and
/// encryptMessages gets LMTP deliveries and IMAP APPENDs stored as PGP/MIME; the bytes read back
/// over IMAP decrypt with the private key to the original content.
/// </summary>
public sealed class EncryptionTests
{
    private const string Original =
        "From: Carol <carol@remote.example>\r\n" +
        "To: alice@example.org\r\n" +
        "Subject: Secret plans\r\n" +
        "Message-ID: <plans-1@remote.example>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain;\r\n charset=utf-8\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        "Meet at the old mill at midnight. Grüße!\r\n";

    /// <summary>The encrypted part's plaintext as WildDuck builds it: the content fields, a blank line, the body.</summary>
    private static readonly byte[] ExpectedInner = Encoding.UTF8.GetBytes(
        "Content-Type: text/plain;\r\n charset=utf-8\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        "Meet at the old mill at midnight. Grüße!\r\n");

    [Fact]
    public async Task Mail_delivered_over_lmtp_and_appended_over_imap_is_stored_encrypted_and_decrypts_to_the_original()
    {
        var keys = PgpTestKeys.Generate();
        await using var server = await PgpServer.StartAsync();
        var provider = server.Provider;
        var listeners = server.Listeners;
        try
        {
            var users = provider.GetRequiredService<IUserStore>();
            await users.CreateUserAsync(new CreateUserRequest
            {
                Username = "alice", Password = "alice-password", Address = "alice@example.org", PublicKey = keys.ArmoredPublicKey, EncryptMessages = true,
            });
            await users.CreateUserAsync(new CreateUserRequest { Username = "bob", Password = "bob-password", Address = "bob@example.org" });
            await listeners.StartAsync(CancellationToken.None);

            await using (var lmtp = await LmtpClient.ConnectAsync(listeners.GetBoundEndPoint("lmtp-x")!))
            {
                (await lmtp.CommandAsync("LHLO remote.example")).Should().StartWith("250-");
                await lmtp.SendAsync("MAIL FROM:<carol@remote.example> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
                (await lmtp.ReadRepliesAsync(4))[3].Should().StartWith("354");
                await lmtp.SendAsync([.. Encoding.UTF8.GetBytes(Original), .. ".\r\n"u8]);
                (await lmtp.ReadRepliesAsync(2)).Should().AllSatisfy(r => r.Should().StartWith("250 2.0.0"));
            }

            using var imap = new ImapClient();
            await imap.ConnectAsync(IPAddress.Loopback.ToString(), listeners.GetBoundEndPoint("imap-x")!.Port, SecureSocketOptions.None);
            await imap.AuthenticateAsync("alice", "alice-password");
            var originalMessage = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Original)));
            await imap.Inbox.AppendAsync(new MailKit.AppendRequest(originalMessage));
            await imap.Inbox.AppendAsync(new MailKit.AppendRequest(originalMessage, MailKit.MessageFlags.Draft));
            var encryptedElsewhere = Encoding.ASCII.GetBytes(
                "From: carol@remote.example\r\nSubject: already\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\r\n" +
                "--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nxx\r\n-----END PGP MESSAGE-----\r\n--b--\r\n");
            await imap.Inbox.AppendAsync(new MailKit.AppendRequest(MimeMessage.Load(new MemoryStream(encryptedElsewhere))));

            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var stored = new List<byte[]>();
            foreach (var uid in await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All))
            {
                using var stream = await imap.Inbox.GetStreamAsync(uid, string.Empty);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                stored.Add(buffer.ToArray());
            }

            stored.Should().HaveCount(4);
            foreach (var encrypted in stored.GetRange(0, 2))
            {
                var text = Encoding.ASCII.GetString(encrypted);
                text.Should().NotContain("old mill", "the store holds no plaintext of the body");
                text.Should().Contain("Subject: Secret plans\r\n").And.Contain("Message-ID: <plans-1@remote.example>\r\n").And.Contain("MIME-Version: 1.0\r\n");
                text.Should().Contain("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"nm_");
                text.Should().Contain("Content-Description: OpenPGP encrypted message\r\n").And.Contain("Comment: Plaintext message encrypted by WildDuck Mail Server\r\n");
                text.Should().NotContain("Content-Transfer-Encoding: 8bit", "the content fields moved into the encrypted part");
                keys.DecryptArmoredBlock(encrypted).Should().Equal(ExpectedInner);

                // MimeKit reads the stored form as RFC 3156 PGP/MIME.
                var parsed = MimeMessage.Load(new MemoryStream(encrypted));
                parsed.Body.Should().BeOfType<MimeKit.Cryptography.MultipartEncrypted>();
                parsed.Subject.Should().Be("Secret plans");
            }

            Encoding.UTF8.GetString(stored[2]).Should().EndWith("Meet at the old mill at midnight. Grüße!\r\n", "drafts are never encrypted (reference §7.9)");
            stored[3].Should().Equal(encryptedElsewhere, "an already encrypted message is stored as it is");
            await imap.DisconnectAsync(true);

            // Bob has no key: his copy of the same delivery is plaintext.
            using var bobImap = new ImapClient();
            await bobImap.ConnectAsync(IPAddress.Loopback.ToString(), listeners.GetBoundEndPoint("imap-x")!.Port, SecureSocketOptions.None);
            await bobImap.AuthenticateAsync("bob", "bob-password");
            await bobImap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var bobs = await bobImap.Inbox.GetMessageAsync(0);
            bobs.TextBody.Should().Contain("old mill");
            await bobImap.DisconnectAsync(true);
        }
        finally
        {
            await listeners.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_mailbox_with_encryptMessages_gets_encrypted_mail_from_a_filter_and_append_while_the_user_setting_is_off()
    {
        var keys = PgpTestKeys.Generate();
        await using var server = await PgpServer.StartAsync();
        var users = server.Provider.GetRequiredService<IUserStore>();
        var alice = await users.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "alice-password", Address = "alice@example.org", PublicKey = keys.ArmoredPublicKey });
        var mailboxes = server.Provider.GetRequiredService<IMailboxStore>();
        var secret = await mailboxes.CreateMailboxAsync(alice.Id, "Secret", new CreateMailboxOptions { EncryptMessages = true });
        await server.Provider.GetRequiredService<IFilterStore>().SaveFilterAsync(new FilterDefinition
        {
            Id = EntityId.NewId(),
            User = alice.Id,
            Query = new FilterQuery { Subject = "plans" },
            Action = new FilterAction { Mailbox = secret.Id },
        });
        await server.Listeners.StartAsync(CancellationToken.None);
        try
        {
            await using (var lmtp = await LmtpClient.ConnectAsync(server.Listeners.GetBoundEndPoint("lmtp-x")!))
            {
                (await lmtp.CommandAsync("LHLO remote.example")).Should().StartWith("250-");
                foreach (var message in new[] { Original, Original.Replace("Subject: Secret plans", "Subject: Lunch", StringComparison.Ordinal) })
                {
                    await lmtp.SendAsync("MAIL FROM:<carol@remote.example> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
                    (await lmtp.ReadRepliesAsync(3))[2].Should().StartWith("354");
                    await lmtp.SendAsync([.. Encoding.UTF8.GetBytes(message), .. ".\r\n"u8]);
                    (await lmtp.ReadRepliesAsync(1))[0].Should().StartWith("250 2.0.0");
                }
            }

            using var imap = new ImapClient();
            await imap.ConnectAsync(IPAddress.Loopback.ToString(), server.Listeners.GetBoundEndPoint("imap-x")!.Port, SecureSocketOptions.None);
            await imap.AuthenticateAsync("alice", "alice-password");
            var folder = await imap.GetFolderAsync("Secret");
            var originalMessage = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Original)));
            await folder.AppendAsync(new MailKit.AppendRequest(originalMessage));
            await folder.AppendAsync(new MailKit.AppendRequest(originalMessage, MailKit.MessageFlags.Draft));
            await imap.Inbox.AppendAsync(new MailKit.AppendRequest(originalMessage));

            var inSecret = await ReadAllAsync(folder);
            inSecret.Should().HaveCount(3, "the filtered delivery and two appends");
            foreach (var encrypted in inSecret.GetRange(0, 2))
            {
                Encoding.ASCII.GetString(encrypted).Should().Contain("multipart/encrypted").And.NotContain("old mill");
                keys.DecryptArmoredBlock(encrypted).Should().Equal(ExpectedInner);
            }

            Encoding.UTF8.GetString(inSecret[2]).Should().Contain("old mill", "drafts are never encrypted");
            var inInbox = await ReadAllAsync(imap.Inbox);
            inInbox.Should().HaveCount(2);
            inInbox.Should().AllSatisfy(m => Encoding.UTF8.GetString(m).Should().Contain("old mill", "INBOX does not encrypt and neither does the user"));

            // Turned off: mail added afterwards is stored as it came.
            await mailboxes.SetEncryptMessagesAsync(alice.Id, secret.Id, false);
            await folder.AppendAsync(new MailKit.AppendRequest(originalMessage));
            Encoding.UTF8.GetString((await ReadAllAsync(folder))[3]).Should().Contain("old mill");
            await imap.DisconnectAsync(true);
        }
        finally
        {
            await server.Listeners.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<List<byte[]>> ReadAllAsync(IMailFolder folder)
    {
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var stored = new List<byte[]>();
        foreach (var uid in await folder.SearchAsync(MailKit.Search.SearchQuery.All))
        {
            using var stream = await folder.GetStreamAsync(uid, string.Empty);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            stored.Add(buffer.ToArray());
        }

        await folder.CloseAsync();
        return stored;
    }

    /// <summary>LMTP and IMAP listeners over a fresh SQLite store in a temporary directory.</summary>
    private sealed class PgpServer : IAsyncDisposable
    {
        private readonly string _directory;

        private PgpServer(string directory, ServiceProvider provider)
        {
            _directory = directory;
            Provider = provider;
            Listeners = provider.GetRequiredService<ListenerHostedService>();
        }

        public ServiceProvider Provider { get; }

        public ListenerHostedService Listeners { get; }

        public static Task<PgpServer> StartAsync()
        {
            var directory = Path.Combine(Path.GetTempPath(), "wildduck-pgp-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddWildDuck(o =>
                {
                    o.Hostname = LmtpTestServer.Hostname;
                    o.Security.AllowInsecureAuth = true;
                })
                .UseSqliteStorage(o => o.Path = Path.Combine(directory, "wildduck.db"))
                .AddImap(o => (o.Port, o.TlsPort) = (0, 0))
                .AddLmtp(o => o.Port = 0)
                .AddListener(new ListenerOptions { Name = "imap-x", Protocol = "imap", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetImapHandler())
                .AddListener(new ListenerOptions { Name = "lmtp-x", Protocol = "lmtp", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetLmtpHandler());
            return Task.FromResult(new PgpServer(directory, services.BuildServiceProvider()));
        }

        public async ValueTask DisposeAsync()
        {
            await Provider.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
