// SPDX-License-Identifier: MIT
namespace WildDuck.Api;

/// <summary>
/// The Apple configuration profile returned by <c>POST /users/:user/asps</c> with <c>generateMobileconfig</c>
/// (reference §7.3 "Apple profiles", §10 setup hints; configuration section <c>WildDuck:Api:Mobileconfig</c>).
/// The server settings are what mail clients should connect to, which behind a proxy or NAT differ from the
/// listeners this process binds, so they are set here. Every value states its default.
/// </summary>
public sealed class MobileconfigOptions
{
    /// <summary>Prefix of the profile's <c>PayloadIdentifier</c> (reverse DNS). Default <c>com.wildduck.mail</c>.</summary>
    public string Identifier { get; set; } = "com.wildduck.mail";

    /// <summary>Name of the profile shown by the device. <c>{email}</c> is replaced by the address. Default <c>{email}</c>.</summary>
    public string DisplayName { get; set; } = "{email}";

    /// <summary>Description of the profile. <c>{email}</c> is replaced by the address. Default <c>Install this profile to set up {email}</c>.</summary>
    public string DisplayDescription { get; set; } = "Install this profile to set up {email}";

    /// <summary>The account's name in Mail. <c>{email}</c> is replaced by the address. Default <c>{email}</c>.</summary>
    public string AccountDescription { get; set; } = "{email}";

    /// <summary>IMAP host clients connect to. Default <c>localhost</c> (WildDuck's <c>imap.setup.hostname</c>).</summary>
    public string ImapHost { get; set; } = "localhost";

    /// <summary>IMAP port. Default 993 (IMAP over implicit TLS, RFC 8314).</summary>
    public int ImapPort { get; set; } = 993;

    /// <summary>Whether the IMAP port uses TLS. Default true.</summary>
    public bool ImapSecure { get; set; } = true;

    /// <summary>POP3 host, used when the password has the pop3 scope but not imap. Default <c>localhost</c>.</summary>
    public string Pop3Host { get; set; } = "localhost";

    /// <summary>POP3 port. Default 995 (POP3 over implicit TLS, RFC 8314).</summary>
    public int Pop3Port { get; set; } = 995;

    /// <summary>Whether the POP3 port uses TLS. Default true.</summary>
    public bool Pop3Secure { get; set; } = true;

    /// <summary>SMTP submission host. Default <c>localhost</c> (WildDuck's <c>smtp.setup.hostname</c>).</summary>
    public string SmtpHost { get; set; } = "localhost";

    /// <summary>SMTP submission port. Default 587 (RFC 6409).</summary>
    public int SmtpPort { get; set; } = 587;

    /// <summary>Whether the SMTP port uses implicit TLS (port 465 style); false means STARTTLS or none. Default false.</summary>
    public bool SmtpSecure { get; set; }

    /// <summary>
    /// A PKCS#12 (.pfx/.p12) file with the certificate and private key that sign profiles (CMS SignedData, so the
    /// device shows the profile as verified). Null (the default) returns unsigned profiles, which devices still
    /// install after a warning.
    /// </summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>Password of <see cref="SigningCertificatePath"/>; null for none.</summary>
    public string? SigningCertificatePassword { get; set; }
}
