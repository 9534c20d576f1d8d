// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Lmtp.Outbound;

/// <summary>Where one queue entry goes, parsed from <see cref="Storage.OutboundEntry.Route"/>.</summary>
internal sealed record OutboundRoute
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
                    Username = user,
                    Password = password,
                };
                return true;
            default:
                return false;
        }
    }
}
