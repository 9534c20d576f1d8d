// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace WildDuck.Api.Internal;

/// <summary>
/// Apple configuration profiles (<c>.mobileconfig</c>) that set up a mail account with an application-specific
/// password (reference §7.3 "Apple profiles"): an XML property list with one <c>com.apple.mail.managed</c>
/// payload (Apple's Configuration Profile Reference, "Mail"), signed as CMS SignedData (RFC 5652) with the
/// configured certificate so the device can show who issued it. The System.Security.Cryptography.Pkcs
/// assembly comes with the ASP.NET Core shared framework the API already uses, so this adds no package.
/// </summary>
internal sealed class AppleProfile
{
    /// <summary>The MIME type a profile is served with (WildDuck's).</summary>
    public const string ContentType = "application/x-apple-aspen-config";

    private readonly MobileconfigOptions _options;
    private readonly X509Certificate2? _signer;

    public AppleProfile(MobileconfigOptions options)
    {
        _options = options;

        // Loaded once at start: a wrong path or password fails the host, not the first user's request.
        _signer = string.IsNullOrEmpty(options.SigningCertificatePath)
            ? null
            : X509CertificateLoader.LoadPkcs12FromFile(options.SigningCertificatePath, options.SigningCertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        if (_signer is { HasPrivateKey: false })
        {
            throw new InvalidOperationException("WildDuck:Api:Mobileconfig:SigningCertificatePath has no private key.");
        }
    }

    /// <summary>Whether profiles are signed.</summary>
    public bool Signs => _signer is not null;

    /// <summary>
    /// The profile: the plist, wrapped in CMS SignedData when a certificate is configured. <paramref name="pop3"/>
    /// chooses a POP3 account instead of IMAP.
    /// </summary>
    public byte[] Build(string address, string username, string? name, string password, bool pop3, Guid profileId, Guid accountId)
    {
        var plist = Plist(address, username, name, password, pop3, profileId, accountId);
        if (_signer is null)
        {
            return plist;
        }

        var cms = new SignedCms(new ContentInfo(plist), detached: false);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _signer) { IncludeOption = X509IncludeOption.ExcludeRoot });
        return cms.Encode();
    }

    private byte[] Plist(string address, string username, string? name, string password, bool pop3, Guid profileId, Guid accountId)
    {
        string Fill(string template) => template.Replace("{email}", address, StringComparison.Ordinal);
        var incomingHost = pop3 ? _options.Pop3Host : _options.ImapHost;
        var incomingPort = pop3 ? _options.Pop3Port : _options.ImapPort;
        var incomingSecure = pop3 ? _options.Pop3Secure : _options.ImapSecure;
        var identifier = _options.Identifier + "." + profileId.ToString("D", CultureInfo.InvariantCulture);

        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "\t" };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteDocType("plist", "-//Apple//DTD PLIST 1.0//EN", "http://www.apple.com/DTDs/PropertyList-1.0.dtd", null);
            xml.WriteStartElement("plist");
            xml.WriteAttributeString("version", "1.0");
            xml.WriteStartElement("dict");

            Key(xml, "PayloadContent");
            xml.WriteStartElement("array");
            xml.WriteStartElement("dict");
            String(xml, "EmailAccountDescription", Fill(_options.AccountDescription));
            if (!string.IsNullOrEmpty(name))
            {
                String(xml, "EmailAccountName", name);
            }

            String(xml, "EmailAccountType", pop3 ? "EmailTypePOP" : "EmailTypeIMAP");
            String(xml, "EmailAddress", address);
            String(xml, "IncomingMailServerAuthentication", "EmailAuthPassword");
            String(xml, "IncomingMailServerHostName", incomingHost);
            Integer(xml, "IncomingMailServerPortNumber", incomingPort);
            Boolean(xml, "IncomingMailServerUseSSL", incomingSecure);
            String(xml, "IncomingMailServerUsername", username);
            String(xml, "IncomingPassword", password);
            String(xml, "OutgoingMailServerAuthentication", "EmailAuthPassword");
            String(xml, "OutgoingMailServerHostName", _options.SmtpHost);
            Integer(xml, "OutgoingMailServerPortNumber", _options.SmtpPort);
            Boolean(xml, "OutgoingMailServerUseSSL", _options.SmtpSecure);
            String(xml, "OutgoingMailServerUsername", username);
            String(xml, "OutgoingPassword", password);
            Boolean(xml, "OutgoingPasswordSameAsIncomingPassword", true);
            String(xml, "PayloadDescription", "Configures the email account " + address);
            String(xml, "PayloadDisplayName", address);
            String(xml, "PayloadIdentifier", identifier + ".account");
            String(xml, "PayloadType", "com.apple.mail.managed");
            String(xml, "PayloadUUID", accountId.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant());
            Integer(xml, "PayloadVersion", 1);
            Boolean(xml, "PreventAppSheet", false);
            Boolean(xml, "PreventMove", false);
            Boolean(xml, "SMIMEEnabled", false);
            xml.WriteEndElement();
            xml.WriteEndElement();

            String(xml, "PayloadDescription", Fill(_options.DisplayDescription));
            String(xml, "PayloadDisplayName", Fill(_options.DisplayName));
            String(xml, "PayloadIdentifier", identifier);
            Boolean(xml, "PayloadRemovalDisallowed", false);
            String(xml, "PayloadType", "Configuration");
            String(xml, "PayloadUUID", profileId.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant());
            Integer(xml, "PayloadVersion", 1);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return stream.ToArray();
    }

    private static void Key(XmlWriter xml, string key) => xml.WriteElementString("key", key);

    private static void String(XmlWriter xml, string key, string value)
    {
        Key(xml, key);
        xml.WriteElementString("string", value);
    }

    private static void Integer(XmlWriter xml, string key, int value)
    {
        Key(xml, key);
        xml.WriteElementString("integer", value.ToString(CultureInfo.InvariantCulture));
    }

    private static void Boolean(XmlWriter xml, string key, bool value)
    {
        Key(xml, key);
        xml.WriteStartElement(value ? "true" : "false");
        xml.WriteEndElement();
    }
}
