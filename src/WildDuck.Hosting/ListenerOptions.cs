// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Hosting;

/// <summary>One socket listener: where to bind, how to offer TLS, and its limits.</summary>
public sealed class ListenerOptions
{
    /// <summary>A name for logs and <see cref="ListenerHostedService.GetBoundEndPoint"/> (e.g. <c>imap</c>). Must be unique. Default <c>"listener"</c>.</summary>
    public string Name { get; set; } = "listener";

    /// <summary>
    /// Protocol name used in logs and metrics (e.g. <c>imap</c>, <c>pop3</c>, <c>lmtp</c>). Default <c>"imap"</c>.
    /// </summary>
    public string Protocol { get; set; } = "imap";

    /// <summary>
    /// Address to bind: an IP address, <c>0.0.0.0</c> (all IPv4), <c>::</c> or <c>*</c> (all IPv6 and
    /// IPv4, dual mode), or a host name (its first address). Default <c>0.0.0.0</c>.
    /// </summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 lets the operating system choose (see <see cref="ListenerHostedService.GetBoundEndPoint"/>). Default 143.</summary>
    public int Port { get; set; } = 143;

    /// <summary>How TLS is offered. Default <see cref="TlsMode.StartTls"/>.</summary>
    public TlsMode TlsMode { get; set; } = TlsMode.StartTls;

    /// <summary>
    /// Expect a PROXY protocol header (v1 text or v2 binary, auto-detected) before anything else.
    /// Default false. Enable only behind a proxy that always sends one: the header decides the client
    /// address used for logs, rate limits and authentication throttling.
    /// </summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>
    /// When <see cref="ProxyProtocol"/> is on and this list is not empty, only connections from these
    /// addresses or networks (<c>10.0.0.5</c>, <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) are accepted;
    /// others are closed before anything is read. Default empty (any peer is trusted, so the port must
    /// not be reachable except through the proxy).
    /// </summary>
    public IList<string> TrustedProxies { get; } = new List<string>();

    /// <summary>
    /// Bound on the PROXY header and the implicit TLS handshake, and on each STARTTLS handshake.
    /// Default 30 s. Prevents idle sockets from holding connection slots before a session starts.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most concurrent connections on this listener; further connections are closed at accept.
    /// Default 10,000. Bounds memory and file descriptors under a connection flood.
    /// </summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Socket listen backlog. Default 512.</summary>
    public int Backlog { get; set; } = 512;
}
