// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using WildDuck.Hosting;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class StartTlsTests
{
    [Fact]
    public async Task MailKitNegotiatesStartTlsAndThenLogsIn()
    {
        await using var server = await ImapTestServer.StartAsync(allowInsecureAuth: false);
        using var certificate = InteropHelpers.SelfSignedCertificate();
        var (stream, _) = server.Connect(TlsMode.StartTls, certificate);
        using var log = new System.IO.MemoryStream();
        using var client = new ImapClient(new ProtocolLogger(log, leaveOpen: true)) { ServerCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() };
        await client.ConnectAsync(stream, "imap.test", 143, SecureSocketOptions.StartTls);
        client.IsSecure.Should().BeTrue();

        // RFC 3501 §6.2.1: capabilities are re-read after TLS; LOGINDISABLED is gone.
        client.Capabilities.Should().NotHaveFlag(ImapCapabilities.LoginDisabled);
        // MailKit keeps its StartTLS flag, so look at what the server actually said after the handshake.
        var transcript = System.Text.Encoding.ASCII.GetString(log.ToArray());
        var afterTls = transcript[transcript.IndexOf("Begin TLS", System.StringComparison.Ordinal)..];
        afterTls.Should().Contain("* CAPABILITY ").And.Contain("AUTH=PLAIN").And.NotContain("STARTTLS");
        await client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var uid = await inbox.AppendAsync(InteropHelpers.Message("over tls"));
        (await inbox.GetMessageAsync(uid!.Value)).Subject.Should().Be("over tls");
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task StartTlsIsAdvertisedBeforeTls()
    {
        await using var server = await ImapTestServer.StartAsync(allowInsecureAuth: false);
        using var certificate = InteropHelpers.SelfSignedCertificate();
        var (stream, _) = server.Connect(TlsMode.StartTls, certificate);
        using var client = new ImapClient();
        await client.ConnectAsync(stream, "imap.test", 143, SecureSocketOptions.None);
        client.Capabilities.Should().HaveFlag(ImapCapabilities.StartTLS).And.HaveFlag(ImapCapabilities.LoginDisabled);
    }

    [Fact]
    public async Task PlaintextPipelinedAfterStartTlsIsRefused()
    {
        // RFC 9051 §11.1 / CVE-2011-0411: bytes sent before the handshake must not be executed.
        await using var server = await ImapTestServer.StartAsync(allowInsecureAuth: false);
        using var certificate = InteropHelpers.SelfSignedCertificate();
        var (stream, session) = server.Connect(TlsMode.StartTls, certificate);
        await using var raw = new RawImapConnection(stream);
        await raw.ReadLineAsync();
        await raw.SendAsync("a1 STARTTLS\r\na2 LOGIN alice alice-password\r\n");
        var line = await raw.ReadLineAsync();
        line.Should().StartWith("a1 BAD");
        (await raw.TryReadLineAsync()).Should().BeNull();
        await session.WaitAsync(InteropHelpers.Timeout);
    }

    [Fact]
    public async Task StartTlsWithoutTlsConfiguredIsBad()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server, login: false);
        (await raw.CommandAsync("a1", "STARTTLS"))[^1].Should().StartWith("a1 BAD");
        (await raw.CommandAsync("a2", "NOOP"))[^1].Should().Be("a2 OK NOOP completed");
    }
}
