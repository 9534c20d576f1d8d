// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WildDuck.Hosting.Internal;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Hosting.Tests;

public sealed class CertificateProviderTests : IDisposable
{
    private readonly string _dir = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_dir);

    private static CertificateProvider Create(TlsOptions options, TimeProvider? time = null)
        => new(Options.Create(options), Options.Create(new WildDuckOptions { Hostname = "mail.example.test" }), time ?? TimeProvider.System, NullLogger<CertificateProvider>.Instance);

    [Fact]
    public void GeneratesASelfSignedCertificateWhenNoneIsConfigured()
    {
        using var provider = Create(new TlsOptions { SelfSignedDirectory = _dir });
        X509Certificate2 cert = provider.GetCertificate(null);
        cert.Subject.Should().Be("CN=mail.example.test");
        cert.HasPrivateKey.Should().BeTrue();
        (cert.NotAfter - cert.NotBefore).Should().BeCloseTo(TimeSpan.FromDays(365), TimeSpan.FromDays(2));
        string path = Path.Combine(_dir, CertificateProvider.SelfSignedFileName);
        File.Exists(path).Should().BeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "the file holds a private key");
        }
    }

    [Fact]
    public void ReusesTheSelfSignedCertificateOnTheNextStart()
    {
        string first;
        using (var provider = Create(new TlsOptions { SelfSignedDirectory = _dir }))
        {
            first = provider.GetCertificate(null).Thumbprint;
        }

        using var again = Create(new TlsOptions { SelfSignedDirectory = _dir });
        again.GetCertificate(null).Thumbprint.Should().Be(first);
    }

    [Fact]
    public void RegeneratesAnExpiredSelfSignedCertificate()
    {
        string first;
        using (var provider = Create(new TlsOptions { SelfSignedDirectory = _dir }))
        {
            first = provider.GetCertificate(null).Thumbprint;
        }

        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(400));
        using var again = Create(new TlsOptions { SelfSignedDirectory = _dir }, later);
        X509Certificate2 renewed = again.GetCertificate(null);
        renewed.Thumbprint.Should().NotBe(first);
        renewed.NotAfter.ToUniversalTime().Should().BeAfter(later.GetUtcNow().UtcDateTime.AddDays(300));
    }

    [Fact]
    public void ReplacesAnUnreadableSelfSignedFile()
    {
        File.WriteAllText(Path.Combine(_dir, CertificateProvider.SelfSignedFileName), "garbage");
        using var provider = Create(new TlsOptions { SelfSignedDirectory = _dir });
        provider.GetCertificate(null).HasPrivateKey.Should().BeTrue();
    }

    [Fact]
    public void LoadsPemCertificateWithSeparateKey()
    {
        var (certPath, keyPath, thumbprint) = WritePem("pem.example.test", combined: false);
        using var provider = Create(new TlsOptions { CertificatePath = certPath, KeyPath = keyPath, WatchFiles = false });
        X509Certificate2 cert = provider.GetCertificate("pem.example.test");
        cert.Thumbprint.Should().Be(thumbprint);
        cert.HasPrivateKey.Should().BeTrue();
    }

    [Fact]
    public void LoadsPemCertificateAndKeyFromOneFile()
    {
        var (certPath, _, thumbprint) = WritePem("combined.example.test", combined: true);
        using var provider = Create(new TlsOptions { CertificatePath = certPath, WatchFiles = false });
        provider.GetCertificate(null).Thumbprint.Should().Be(thumbprint);
    }

    [Fact]
    public void APemChainIsSentWithTheLeaf()
    {
        // root -> intermediate -> leaf; fullchain.pem carries leaf + intermediate (roots are never sent).
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(3));
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Test Intermediate", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var caPublic = caRequest.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2), [5, 6, 7, 8]);
        using var ca = caPublic.CopyWithPrivateKey(caKey);
        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=chain.example.test", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1), [1, 2, 3, 4]);
        string certPath = Path.Combine(_dir, "fullchain.pem");
        string keyPath = Path.Combine(_dir, "privkey.pem");
        File.WriteAllText(certPath, leaf.ExportCertificatePem() + "\n" + ca.ExportCertificatePem());
        File.WriteAllText(keyPath, leafKey.ExportPkcs8PrivateKeyPem());

        using var provider = Create(new TlsOptions { CertificatePath = certPath, KeyPath = keyPath, WatchFiles = false });
        provider.GetCertificate(null).Thumbprint.Should().Be(leaf.Thumbprint);
        var context = provider.GetCertificateContext(null);
        context.TargetCertificate.Thumbprint.Should().Be(leaf.Thumbprint);
        context.IntermediateCertificates.Should().ContainSingle(c => c.Thumbprint == ca.Thumbprint);
    }

    [Fact]
    public void LoadsAPasswordProtectedPfx()
    {
        using var created = CertificateProvider.CreateSelfSigned("pfx.example.test", DateTimeOffset.UtcNow);
        string path = Path.Combine(_dir, "server.p12");
        File.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12, "s3cret"));
        using var provider = Create(new TlsOptions { CertificatePath = path, Password = "s3cret", WatchFiles = false });
        provider.GetCertificate(null).Thumbprint.Should().Be(created.Thumbprint);
        provider.GetCertificate(null).HasPrivateKey.Should().BeTrue();
    }

    [Fact]
    public void ACertificateWithoutAPrivateKeyIsRejected()
    {
        using var created = CertificateProvider.CreateSelfSigned("nokey.example.test", DateTimeOffset.UtcNow);
        string path = Path.Combine(_dir, "nokey.pem");
        File.WriteAllText(path, created.ExportCertificatePem());
        var act = () => Create(new TlsOptions { CertificatePath = path, WatchFiles = false });
        act.Should().Throw<CryptographicException>();
    }

    [Fact]
    public void AFailedReloadKeepsTheCurrentCertificate()
    {
        var (certPath, keyPath, thumbprint) = WritePem("keep.example.test", combined: false);
        using var provider = Create(new TlsOptions { CertificatePath = certPath, KeyPath = keyPath, WatchFiles = false });
        File.WriteAllText(certPath, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        provider.Reload().Should().BeFalse();
        provider.GetCertificate(null).Thumbprint.Should().Be(thumbprint);
    }

    [Fact]
    public async Task ReloadsWhenTheFilesChangeAndNewConnectionsSeeTheNewCertificate()
    {
        var (certPath, keyPath, firstThumbprint) = WritePem("one.example.test", combined: false);
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler, l => l.TlsMode = TlsMode.Implicit, tls: t =>
        {
            t.CertificatePath = certPath;
            t.KeyPath = keyPath;
            t.ReloadDelay = TimeSpan.FromMilliseconds(100);
        });

        (await PresentedThumbprintAsync(server)).Should().Be(firstThumbprint);

        var (_, _, secondThumbprint) = WritePem("two.example.test", combined: false);
        string? seen = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            seen = await PresentedThumbprintAsync(server);
            if (seen == secondThumbprint)
            {
                break;
            }

            await Task.Delay(100);
        }

        seen.Should().Be(secondThumbprint, "the watcher reloads the certificate without a restart");
    }

    [SkippableFact]
    public async Task ReloadsOnSighup()
    {
        Skip.If(OperatingSystem.IsWindows(), "SIGHUP is a Unix signal");
        var (certPath, keyPath, first) = WritePem("hup-one.example.test", combined: false);

        // WatchFiles off: only the signal can trigger the reload. The provider's registration cancels
        // the default SIGHUP action (terminate) while it is alive.
        using var provider = Create(new TlsOptions { CertificatePath = certPath, KeyPath = keyPath, WatchFiles = false, ReloadOnSighup = true });
        provider.GetCertificate(null).Thumbprint.Should().Be(first);
        var (_, _, second) = WritePem("hup-two.example.test", combined: false);
        provider.GetCertificate(null).Thumbprint.Should().Be(first, "nothing reloads without the signal");

        using (var kill = System.Diagnostics.Process.Start("kill", ["-HUP", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (provider.GetCertificate(null).Thumbprint != second && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        provider.GetCertificate(null).Thumbprint.Should().Be(second);
    }

    private static async Task<string?> PresentedThumbprintAsync(TestServer server)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        string? thumbprint = null;
        await using var ssl = await TestCertificates.AuthenticateClientAsync(tcp.GetStream(), c => thumbprint = c is null ? null : new X509Certificate2(c).Thumbprint);
        return thumbprint;
    }

    private (string CertPath, string KeyPath, string Thumbprint) WritePem(string hostname, bool combined)
    {
        using var created = CertificateProvider.CreateSelfSigned(hostname, DateTimeOffset.UtcNow);
        string certPath = Path.Combine(_dir, "server.crt");
        string keyPath = Path.Combine(_dir, "server.key");
        string certPem = created.ExportCertificatePem();
        string keyPem = created.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();
        if (combined)
        {
            File.WriteAllText(certPath, certPem + "\n" + keyPem);
        }
        else
        {
            // Key first, then the certificate, as an operator replacing both would.
            File.WriteAllText(keyPath, keyPem);
            File.WriteAllText(certPath, certPem);
        }

        return (certPath, keyPath, created.Thumbprint);
    }
}
