// SPDX-License-Identifier: MIT
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using WildDuck.Hosting;

namespace WildDuck.Lmtp.Tests;

/// <summary>STARTTLS (RFC 3207), off by default, through the Hosting transport swap.</summary>
public sealed class StartTlsTests
{
    [Fact]
    public async Task Starttls_upgrades_resets_the_session_and_marks_received_lmtps()
    {
        using var certificate = CreateCertificate();
        await using var server = await LmtpTestServer.StartAsync(o => o.EnableStartTls = true);
        var (stream, _) = server.ConnectInMemory(TlsMode.StartTls, certificate);
        await using var client = await LmtpClient.OverStreamAsync(stream);
        (await client.CommandAsync("LHLO mx")).Should().Contain("250-STARTTLS");
        (await client.CommandAsync("STARTTLS")).Should().Be("220 2.0.0 Ready to start TLS");
        var ssl = new SslStream(client.Stream);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "lmtp.test",
            RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHashString() == certificate.GetCertHashString(),
        });
        client.Stream = ssl;

        // RFC 3207 §4.2: the client must LHLO again; STARTTLS is no longer offered.
        (await client.CommandAsync("MAIL FROM:<s@r.example>")).Should().StartWith("503 5.5.1");
        (await client.CommandAsync("LHLO mx")).Should().NotContain("STARTTLS");
        (await client.CommandAsync("STARTTLS")).Should().StartWith("454 4.7.0");
        await client.SendAsync("MAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await client.ReadRepliesAsync(3);
        await client.SendAsync("Subject: secure\r\n\r\nx\r\n.\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0");
        System.Text.Encoding.UTF8.GetString((await server.InboxAsync(server.Alice)).Single()).Should().Contain(" with LMTPS id ");
    }

    [Fact]
    public async Task Plaintext_pipelined_after_starttls_is_refused_and_the_connection_closed()
    {
        using var certificate = CreateCertificate();
        await using var server = await LmtpTestServer.StartAsync(o => o.EnableStartTls = true);
        var (stream, session) = server.ConnectInMemory(TlsMode.StartTls, certificate);
        await using var client = await LmtpClient.OverStreamAsync(stream);
        await client.CommandAsync("LHLO mx");
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("454 4.7.0");
        await session.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Starttls_is_not_offered_by_default()
    {
        using var certificate = CreateCertificate();
        await using var server = await LmtpTestServer.StartAsync();
        var (stream, _) = server.ConnectInMemory(TlsMode.StartTls, certificate);
        await using var client = await LmtpClient.OverStreamAsync(stream);
        (await client.CommandAsync("LHLO mx")).Should().NotContain("STARTTLS");
        (await client.CommandAsync("STARTTLS")).Should().StartWith("454 4.7.0");
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=lmtp.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
