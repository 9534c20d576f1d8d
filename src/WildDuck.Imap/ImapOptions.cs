// SPDX-License-Identifier: MIT
using System;
using WildDuck.Imap.Protocol;

namespace WildDuck.Imap;

/// <summary>IMAP server options (configuration section <c>WildDuck:Imap</c>).</summary>
public sealed class ImapOptions
{
    /// <summary>Address the listeners bind to. Default <c>0.0.0.0</c> (all IPv4 interfaces).</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Plain port offering STARTTLS. Default 1143; 0 disables this listener.</summary>
    public int Port { get; set; } = 1143;

    /// <summary>Implicit-TLS port (IMAPS). Default 1993; 0 disables this listener.</summary>
    public int TlsPort { get; set; } = 1993;

    /// <summary>Require STARTTLS before any command but CAPABILITY, NOOP, LOGOUT and STARTTLS on the plain port. Default false.</summary>
    public bool RequireStartTls { get; set; }

    /// <summary>Expect a PROXY protocol v1/v2 header on every connection (behind HAProxy). Default false.</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>Offer COMPRESS=DEFLATE (RFC 4978). Default true.</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>
    /// Largest APPEND accepted (APPENDLIMIT, RFC 7889). Default 64 MiB. Refused before the
    /// continuation is sent, with <c>NO [TOOBIG]</c>.
    /// </summary>
    public long AppendLimit { get; set; } = 64L * 1024 * 1024;

    /// <summary>Time allowed before login. Default 60 s: an unauthenticated connection cannot be held open.</summary>
    public TimeSpan PreAuthTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Inactivity timeout after login. Default 30 min, the minimum RFC 3501 §5.4 allows for the
    /// autologout timer.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Longest single IDLE before the server ends it with <c>* BYE</c>. Default 30 min (RFC 2177
    /// clients re-issue IDLE at least every 29 minutes).
    /// </summary>
    public TimeSpan MaxIdleDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Consecutive BAD commands tolerated before <c>* BYE</c>. Default 20.</summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>
    /// Concurrent IMAP connections per user. Default 15 (as WildDuck); the sixteenth login gets
    /// <c>NO [LIMIT]</c>. Counted in this process, or on every instance sharing Redis with <c>UseRedis()</c>.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 15;

    /// <summary>Framing limits (line lengths, inline literal size, literals per command).</summary>
    public ImapLimits Limits { get; set; } = new();

    /// <summary>Product name returned by ID (RFC 2971) and in the greeting. Default "WildDuck.Core".</summary>
    public string ServerName { get; set; } = "WildDuck.Core";
}
