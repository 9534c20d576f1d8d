// SPDX-License-Identifier: MIT
using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using MimeKit;

namespace WildDuck.Imap.Tests;

internal static class InteropHelpers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static MimeMessage Message(string subject, string body = "Hello", string? from = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from ?? "bob@example.org"));
        message.To.Add(MailboxAddress.Parse("alice@example.org"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>A self-signed server certificate whose private key is usable by SslStream.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=imap.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    public static Task<T> Within<T>(this TaskCompletionSource<T> source) => source.Task.WaitAsync(Timeout);
}
