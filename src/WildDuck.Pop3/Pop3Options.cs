// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Pop3;

/// <summary>POP3 server options (configuration section <c>WildDuck:Pop3</c>).</summary>
public sealed class Pop3Options
{
    /// <summary>Address the listeners bind to. Default <c>0.0.0.0</c> (all IPv4 interfaces).</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Plain port offering STLS (RFC 2595). Default 1110; 0 disables this listener.</summary>
    public int Port { get; set; } = 1110;

    /// <summary>Implicit-TLS port (POP3S, RFC 8314 §3.2). Default 1995; 0 disables this listener.</summary>
    public int TlsPort { get; set; } = 1995;

    /// <summary>
    /// Refuse USER, PASS and AUTH on the plain port until STLS, even when
    /// <c>WildDuck:Security:AllowInsecureAuth</c> is on. Default false.
    /// </summary>
    public bool RequireStartTls { get; set; }

    /// <summary>Expect a PROXY protocol v1/v2 header on every connection (behind HAProxy). Default false.</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>
    /// How many of the newest INBOX messages the maildrop lists (oldest first). Default 250, as
    /// WildDuck; older messages stay in INBOX but are not offered over POP3.
    /// </summary>
    public int MaxMessages { get; set; } = 250;

    /// <summary>What happens to a DELE'd message at QUIT. Default <see cref="Pop3DeleteBehavior.Trash"/>.</summary>
    public Pop3DeleteBehavior DeleteBehavior { get; set; } = Pop3DeleteBehavior.Trash;

    /// <summary>
    /// Take an exclusive per-user maildrop lock at login (RFC 1939 §4); a second session of the same
    /// user gets <c>-ERR [IN-USE]</c> (RFC 2449 §8.1.1). The lock holds within this process, or across
    /// every instance sharing Redis with <c>UseRedis()</c>.
    /// Default true.
    /// </summary>
    public bool ExclusiveLock { get; set; } = true;

    /// <summary>
    /// Longest command line in octets, CRLF included. Default 255, the limit RFC 2449 §4 sets for
    /// commands; a longer line gets <c>-ERR</c> and the session continues.
    /// </summary>
    public int MaxCommandLength { get; set; } = 255;

    /// <summary>
    /// Longest SASL response line (the base64 line after <c>+ </c>, RFC 5034 §4), CRLF included.
    /// Default 1024.
    /// </summary>
    public int MaxAuthResponseLength { get; set; } = 1024;

    /// <summary>
    /// Inactivity timeout: the connection is closed, without the UPDATE state, after this long
    /// without a command, or when a response could not be sent for this long because the client
    /// stopped reading. Default 10 min, the minimum RFC 1939 §3 allows (WildDuck uses 60 s).
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Inactivity timeout before login (AUTHORIZATION state). Default 60 s, as the IMAP server and
    /// Dovecot's login processes: an unauthenticated connection costs us and gives nothing, and
    /// RFC 1939 §3's ten-minute minimum protects users' sessions, which start at login.
    /// </summary>
    public TimeSpan PreAuthTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Product name in the greeting and the CAPA <c>IMPLEMENTATION</c> line. Default "WildDuck.Core".</summary>
    public string ServerName { get; set; } = "WildDuck.Core";
}

/// <summary>What the UPDATE state (RFC 1939 §6) does with messages marked by DELE.</summary>
public enum Pop3DeleteBehavior
{
    /// <summary>Move them to the user's \Trash mailbox, marked \Seen (as WildDuck); expunge when there is no Trash.</summary>
    Trash,

    /// <summary>Remove them for good.</summary>
    Expunge,
}
