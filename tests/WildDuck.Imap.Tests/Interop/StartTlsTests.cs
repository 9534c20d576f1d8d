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
}
