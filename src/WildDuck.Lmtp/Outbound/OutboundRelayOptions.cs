// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Lmtp.Outbound;

/// <summary>
/// Settings of the outbound relay (configuration section <c>WildDuck:Outbound</c>), which sends
/// queued forwards and autoreplies through a smarthost or the entry's own route.
/// </summary>
/// <remarks>
/// Retries follow RFC 5321 §4.5.4.1: a failed attempt is retried after a growing delay (doubling
/// from <see cref="BackoffBase"/> up to <see cref="BackoffCap"/>), and a message that could not be
/// delivered within <see cref="MaxAge"/> (default 5 days, as Postfix's
/// <c>maximal_queue_lifetime</c>; the RFC asks for at least 4–5 days) is failed.
/// </remarks>
public sealed class OutboundRelayOptions
{
    /// <summary>
    /// The relay for entries without a route. With no <see cref="SmarthostOptions.Host"/>, such
    /// entries stay queued (visible to operators) and only routed entries are sent.
    /// </summary>
    public SmarthostOptions Smarthost { get; set; } = new();

    /// <summary>How often the queue is polled when there was nothing to send. Default 5 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Entries claimed per poll. Default 20.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Entries sent at the same time by this process. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// How long a claimed entry is reserved for this process. It must exceed one attempt (connect
    /// plus every command timeout); when the process dies, the entry is retried after it. Default 15 minutes.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed attempts after which an entry is failed; 0 for no limit (only <see cref="MaxAge"/> applies). Default 0.</summary>
    public int MaxAttempts { get; set; }

    /// <summary>Age after which a temporary failure becomes permanent. Default 5 days (RFC 5321 §4.5.4.1).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Delay after the first failed attempt; it doubles per attempt. Default 5 minutes (Postfix <c>minimal_backoff_time</c>).</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest delay between attempts. Default 1 hour (Postfix <c>maximal_backoff_time</c> is 4000 s).</summary>
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The name sent in EHLO; null for <c>WildDuck:Hostname</c>.</summary>
    public string? HeloName { get; set; }

    /// <summary>Time to connect (TCP and TLS handshake). Default 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time a command (or an HTTP POST) may take. Default 5 minutes, the RFC 5321 §4.5.3.2
    /// MAIL/RCPT timeout; it also bounds each DATA write.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The smarthost all unrouted mail goes through.</summary>
public sealed class SmarthostOptions
{
    /// <summary>Host name or address; null or empty for no smarthost.</summary>
    public string? Host { get; set; }

    /// <summary>Port. Default 587 (submission, RFC 6409) — use 25 for a plain relay, 465 with <see cref="OutboundTlsMode.Implicit"/>.</summary>
    public int Port { get; set; } = 587;

    /// <summary>How TLS is used. Default <see cref="OutboundTlsMode.StartTls"/> (required, certificate checked).</summary>
    public OutboundTlsMode Tls { get; set; } = OutboundTlsMode.StartTls;

    /// <summary>User name for SMTP AUTH; null for no authentication.</summary>
    public string? Username { get; set; }

    /// <summary>Password for SMTP AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Accept any server certificate (a smarthost on localhost with a self-signed certificate). Default false.</summary>
    public bool AllowInvalidCertificate { get; set; }
}

/// <summary>How the relay protects a connection.</summary>
public enum OutboundTlsMode
{
    /// <summary>Plain text.</summary>
    None,

    /// <summary>STARTTLS (RFC 3207), required: a server that does not offer it is a temporary failure.</summary>
    StartTls,

    /// <summary>TLS from the first byte (RFC 8314), usually port 465.</summary>
    Implicit,

    /// <summary>STARTTLS when the server offers it, otherwise plain text (opportunistic, RFC 7435).</summary>
    StartTlsWhenAvailable,
}
