// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Lmtp.Outbound;

/// <summary>Where one queue entry goes, parsed from <see cref="Storage.OutboundEntry.Route"/>.</summary>
internal sealed partial record OutboundRoute
{
    /// <summary>For metrics and logs: <c>smarthost</c>, <c>smtp</c> or <c>http</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>SMTP host, or the URL's host for HTTP.</summary>
    public required string Host { get; init; }

    public int Port { get; init; }

    public OutboundTlsMode Tls { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public bool AllowInvalidCertificate { get; init; }

    /// <summary>
    /// True for routes from users' forward targets: their credentials go only over TLS with a
    /// checked certificate. The operator's smarthost follows its configured TLS mode instead.
    /// </summary>
    public bool CredentialsNeedTls { get; init; }

    /// <summary>For HTTP routes: where to POST.</summary>
    public Uri? Url { get; init; }

    public bool IsHttp => Url is not null;

    /// <summary>The route without credentials, for logs.</summary>
    public string Display => Url is { } url ? url.Scheme + "://" + url.Authority + url.AbsolutePath : Kind + "://" + Host + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static OutboundRoute FromSmarthost(SmarthostOptions smarthost) => new()
    {
        Kind = "smarthost",
        Host = smarthost.Host!,
        Port = smarthost.Port,
        Tls = smarthost.Tls,
        Username = string.IsNullOrEmpty(smarthost.Username) ? null : smarthost.Username,
        Password = smarthost.Password,
        AllowInvalidCertificate = smarthost.AllowInvalidCertificate,
    };

    /// <summary>The route text with any <c>user:password@</c> replaced by <c>***@</c>, for logs and stored errors.</summary>
    public static string Redact(string route) => UserInfo().Replace(route, "***@");

    [System.Text.RegularExpressions.GeneratedRegex("(?<=://)[^/@]*@", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UserInfo();

    /// <summary>
    /// Parses a filter or forwarding target URL (reference §6.7): <c>smtp://</c> (port 25,
    /// opportunistic STARTTLS without certificate checks, as MTAs do between each other, RFC 7435)
    /// and <c>smtps://</c> (port 465, implicit TLS, certificate checked), with optional
    /// <c>user:password@</c>; <c>http(s)://</c> to POST to.
    /// </summary>
    public static bool TryParse(string route, out OutboundRoute? parsed)
    {
        parsed = null;
        if (!Uri.TryCreate(route, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        switch (uri.Scheme)
        {
            case "http":
            case "https":
                parsed = new OutboundRoute { Kind = "http", Host = uri.Host, Port = uri.Port, Url = uri };
                return true;
            case "smtp":
            case "smtps":
                var implicitTls = uri.Scheme == "smtps";
                string? user = null;
                string? password = null;
                if (uri.UserInfo.Length > 0)
                {
                    var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
                    user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                    password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                }

                parsed = new OutboundRoute
                {
                    Kind = "smtp",
                    Host = uri.IdnHost,
                    Port = uri.IsDefaultPort || uri.Port <= 0 ? (implicitTls ? 465 : 25) : uri.Port,
                    Tls = implicitTls ? OutboundTlsMode.Implicit : OutboundTlsMode.StartTlsWhenAvailable,
                    AllowInvalidCertificate = !implicitTls,
                    CredentialsNeedTls = true,
                    Username = user,
                    Password = password,
                };
                return true;
            default:
                return false;
        }
    }
}
