// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>The API host with profile signing: a self-signed test certificate in a password-protected PFX, and non-default servers.</summary>
public sealed class SigningApiHost : ApiHost
{
    public const string PfxPassword = "pfx-password";

    public X509Certificate2 Certificate { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=WildDuck profile signer test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetDirectoryName(DatabasePath)!, "signer.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, PfxPassword));
        Certificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
        services.Configure<ApiOptions>(o =>
        {
            o.Mobileconfig.SigningCertificatePath = path;
            o.Mobileconfig.SigningCertificatePassword = PfxPassword;
            o.Mobileconfig.ImapHost = "imap.example.test";
            o.Mobileconfig.SmtpHost = "smtp.example.test";
            o.Mobileconfig.SmtpPort = 465;
            o.Mobileconfig.SmtpSecure = true;
            o.Mobileconfig.DisplayName = "Example Mail: {email}";
        });
    }
}

/// <summary>Apple configuration profiles from <c>POST /users/:user/asps</c> (reference §7.3 "Apple profiles").</summary>
public sealed class MobileconfigTests : IClassFixture<ApiHost>, IClassFixture<SigningApiHost>
{
    private readonly ApiHost _api;
    private readonly SigningApiHost _signing;

    public MobileconfigTests(ApiHost api, SigningApiHost signing)
    {
        _api = api;
        _signing = signing;
    }

    private static async Task<JsonObject> CreateAsync(ApiHost api, UserRecord user, params string[] scopes)
    {
        var (status, body) = await api.CallAsync(HttpMethod.Post, $"/users/{user.Id}/asps", json: new JsonObject
        {
            ["description"] = "iPhone",
            ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()),
            ["generateMobileconfig"] = true,
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    /// <summary>The top-level dictionary of a plist, as key → value element.</summary>
    private static Dictionary<string, XElement> Dict(XElement dict)
    {
        var elements = dict.Elements().ToList();
        var result = new Dictionary<string, XElement>(StringComparer.Ordinal);
        for (int i = 0; i < elements.Count; i += 2)
        {
            elements[i].Name.LocalName.Should().Be("key");
            result.Add(elements[i].Value, elements[i + 1]);
        }

        return result;
    }

    private static (Dictionary<string, XElement> Profile, Dictionary<string, XElement> Account) Parse(byte[] plist)
    {
        using var reader = XmlReader.Create(new MemoryStream(plist), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var document = XDocument.Load(reader);
        Encoding.UTF8.GetString(plist).Should().Contain("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">");
        document.Root!.Name.LocalName.Should().Be("plist");
        var profile = Dict(document.Root!.Element("dict")!);
        var account = Dict(profile["PayloadContent"].Elements("dict").Should().ContainSingle().Subject);
        return (profile, account);
    }

    [Fact]
    public async Task An_imap_and_smtp_password_comes_with_an_unsigned_imap_profile_by_default()
    {
        var user = await _api.CreateUserAsync();
        var body = await CreateAsync(_api, user, "imap", "smtp");
        var password = (string)body["password"]!;
        var (profile, account) = Parse(Convert.FromBase64String((string)body["mobileconfig"]!));

        profile["PayloadType"].Value.Should().Be("Configuration");
        profile["PayloadDisplayName"].Value.Should().Be(user.Address);
        profile["PayloadIdentifier"].Value.Should().StartWith("com.wildduck.mail.");
        profile["PayloadVersion"].Value.Should().Be("1");
        account["PayloadType"].Value.Should().Be("com.apple.mail.managed");
        account["EmailAccountType"].Value.Should().Be("EmailTypeIMAP");
        account["EmailAddress"].Value.Should().Be(user.Address);
        account["IncomingMailServerHostName"].Value.Should().Be("localhost");
        account["IncomingMailServerPortNumber"].Value.Should().Be("993");
        account["IncomingMailServerUseSSL"].Name.LocalName.Should().Be("true");
        account["IncomingMailServerUsername"].Value.Should().Be(user.Username);
        account["IncomingPassword"].Value.Should().Be(password);
        account["OutgoingMailServerHostName"].Value.Should().Be("localhost");
        account["OutgoingMailServerPortNumber"].Value.Should().Be("587");
        account["OutgoingMailServerUseSSL"].Name.LocalName.Should().Be("false");
        account["OutgoingPassword"].Value.Should().Be(password);
        Guid.TryParse(account["PayloadUUID"].Value, out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_pop3_and_smtp_password_gets_a_pop3_account_and_star_gets_imap()
    {
        var user = await _api.CreateUserAsync();
        var (_, account) = Parse(Convert.FromBase64String((string)(await CreateAsync(_api, user, "pop3", "smtp"))["mobileconfig"]!));
        account["EmailAccountType"].Value.Should().Be("EmailTypePOP");
        account["IncomingMailServerPortNumber"].Value.Should().Be("995");

        (_, account) = Parse(Convert.FromBase64String((string)(await CreateAsync(_api, user, "*"))["mobileconfig"]!));
        account["EmailAccountType"].Value.Should().Be("EmailTypeIMAP");
    }

    [Fact]
    public async Task A_password_that_cannot_both_receive_and_send_gets_no_profile()
    {
        var user = await _api.CreateUserAsync();
        foreach (var scopes in new[] { new[] { "imap" }, new[] { "smtp" }, new[] { "imap", "pop3" } })
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Post, $"/users/{user.Id}/asps", json: new JsonObject
            {
                ["description"] = "x",
                ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()),
                ["generateMobileconfig"] = true,
            });
            status.Should().Be(HttpStatusCode.BadRequest, string.Join(",", scopes));
            ((string)body["code"]!).Should().Be("InputValidationError");
            body["details"]!["scopes"].Should().NotBeNull();
        }

        (await _api.CallAsync(HttpMethod.Get, $"/users/{user.Id}/asps")).Body["results"]!.AsArray().Should().BeEmpty("nothing was created");
        var (ok, plain) = await _api.CallAsync(HttpMethod.Post, $"/users/{user.Id}/asps", json: new JsonObject { ["description"] = "x", ["scopes"] = new JsonArray("imap") });
        ok.Should().Be(HttpStatusCode.OK);
        plain["mobileconfig"].Should().BeNull("not asked for");
    }

    [Fact]
    public async Task With_a_signing_certificate_the_profile_is_cms_signed_data_over_the_plist()
    {
        var user = await _signing.CreateUserAsync();
        var body = await CreateAsync(_signing, user, "imap", "smtp");
        var cms = new SignedCms();
        cms.Decode(Convert.FromBase64String((string)body["mobileconfig"]!));
        cms.CheckSignature(verifySignatureOnly: true);
        cms.Detached.Should().BeFalse();
        cms.SignerInfos.Count.Should().Be(1);
        cms.SignerInfos[0].Certificate!.Thumbprint.Should().Be(_signing.Certificate.Thumbprint);

        var (profile, account) = Parse(cms.ContentInfo.Content);
        profile["PayloadDisplayName"].Value.Should().Be("Example Mail: " + user.Address);
        account["IncomingMailServerHostName"].Value.Should().Be("imap.example.test");
        account["OutgoingMailServerHostName"].Value.Should().Be("smtp.example.test");
        account["OutgoingMailServerPortNumber"].Value.Should().Be("465");
        account["OutgoingMailServerUseSSL"].Name.LocalName.Should().Be("true");
        account["IncomingPassword"].Value.Should().Be((string)body["password"]!);

        // A changed byte of the content breaks the signature.
        var tampered = Convert.FromBase64String((string)body["mobileconfig"]!);
        var at = tampered.AsSpan().IndexOf(Encoding.UTF8.GetBytes("imap.example.test"));
        tampered[at] ^= 0x20;
        var broken = new SignedCms();
        broken.Decode(tampered);
        var act = () => broken.CheckSignature(verifySignatureOnly: true);
        act.Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Profile_options_have_documented_defaults_and_bad_values_fail_validation()
    {
        var defaults = new MobileconfigOptions();
        (defaults.ImapHost, defaults.ImapPort, defaults.ImapSecure, defaults.Pop3Port, defaults.SmtpPort, defaults.SmtpSecure, defaults.SigningCertificatePath)
            .Should().Be(("localhost", 993, true, 995, 587, false, (string?)null));
        var validator = new WildDuck.Api.Internal.ApiOptionsValidator();
        validator.Validate(null, new ApiOptions()).Succeeded.Should().BeTrue();

        var options = new ApiOptions();
        options.Mobileconfig.SigningCertificatePath = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pfx");
        validator.Validate(null, options).FailureMessage.Should().Contain("SigningCertificatePath");
        options = new ApiOptions();
        options.Mobileconfig.SmtpPort = 0;
        validator.Validate(null, options).Failed.Should().BeTrue();
        options = new ApiOptions();
        options.Mobileconfig.ImapHost = " ";
        validator.Validate(null, options).Failed.Should().BeTrue();
    }
}
