// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage;

/// <summary>Options shared by every WildDuck.Core component (configuration section <c>WildDuck</c>).</summary>
public sealed class WildDuckOptions
{
    /// <summary>The server's host name, used in greetings and generated addresses. Default: the machine name.</summary>
    public string Hostname { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Domain for generated addresses (username@EmailDomain); defaults to <see cref="Hostname"/>.</summary>
    public string? EmailDomain { get; set; }

    /// <summary>Message size and structure limits.</summary>
    public MessageLimits Messages { get; set; } = new();

    /// <summary>Per-user limits.</summary>
    public UserLimits Users { get; set; } = new();

    /// <summary>Password hashing settings.</summary>
    public PasswordOptions Passwords { get; set; } = new();

    /// <summary>Transport security policy shared by the protocol engines.</summary>
    public SecurityOptions Security { get; set; } = new();

    /// <summary>Login failure rate limits.</summary>
    public AuthenticationOptions Authentication { get; set; } = new();
}

/// <summary>What happens when a message nests deeper or has more parts than allowed.</summary>
public enum MimeLimitBehavior
{
    /// <summary>Store the message byte-exact; index only up to the limit (deeper entities become opaque leaves).</summary>
    Truncate,

    /// <summary>Refuse the message with <see cref="MessageLimitExceededException"/>.</summary>
    Reject,
}

/// <summary>Limits applied to every ingested message.</summary>
public sealed class MessageLimits
{
    /// <summary>A copy of these limits, for a caller that adjusts one of them (delivery allows room for its trace headers).</summary>
    /// <returns>The copy.</returns>
    public MessageLimits Clone() => (MessageLimits)MemberwiseClone();

    /// <summary>
    /// Largest message accepted, in bytes after CRLF normalisation. Default 64 MiB (WildDuck's
    /// MAX_ALLOWED_MESSAGE_SIZE). Prevents a single upload from exhausting memory or disk.
    /// </summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Deepest MIME nesting indexed. Default 32. Prevents stack and CPU exhaustion from
    /// pathological nesting.
    /// </summary>
    public int MaxMimeDepth { get; set; } = 32;

    /// <summary>Most MIME entities indexed in one message. Default 2,000. Bounds index size and CPU.</summary>
    public int MaxMimeParts { get; set; } = 2000;

    /// <summary>What to do when <see cref="MaxMimeDepth"/> or <see cref="MaxMimeParts"/> is exceeded. Default: truncate.</summary>
    public MimeLimitBehavior StructureLimitBehavior { get; set; } = MimeLimitBehavior.Truncate;

    /// <summary>
    /// Inline text leaves larger than this go to the deduplicating attachment store (non-text
    /// leaves always do). Default 300 KiB, as WildDuck.
    /// </summary>
    public int ExternalizeTextThreshold { get; set; } = 300 * 1024;

    /// <summary>
    /// Non-text leaves smaller than this stay inline (a separate store entry costs more than it saves).
    /// Default 1 KiB.
    /// </summary>
    public int ExternalizeMinimumSize { get; set; } = 1024;

    /// <summary>Most characters of decoded body text kept for search. Default 1 MiB characters.</summary>
    public int MaxSearchTextLength { get; set; } = 1024 * 1024;

    /// <summary>Most characters of decoded plain text kept for the API. Default 100 KiB (WildDuck).</summary>
    public int MaxPlainTextLength { get; set; } = 100 * 1024;

    /// <summary>Most characters of HTML kept for the API. Default 640 KiB (WildDuck).</summary>
    public int MaxHtmlLength { get; set; } = 640 * 1024;
}

/// <summary>Per-user defaults and limits.</summary>
public sealed class UserLimits
{
    /// <summary>Quota for users whose own quota is 0. Default 1 GiB (WildDuck const:max:storage).</summary>
    public long DefaultQuota { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most mailboxes per user. Default 1,500 (WildDuck const:max:mailboxes).</summary>
    public int MaxMailboxes { get; set; } = 1500;

    /// <summary>
    /// Forwarded copies allowed per 24 hours (WildDuck's <c>MAX_FORWARDS</c>), for each user and for each
    /// forwarded address without its own <c>forwards</c> limit. Delivery enforces it (past the limit a
    /// user's message is still stored, unforwarded); the API reports it as <c>limits.forwards.allowed</c>.
    /// 0 disables forwarding. Counted by the registered <see cref="IForwardCounter"/>: per process by
    /// default, across every instance with <c>UseRedis()</c>. Default 2000.
    /// </summary>
    public int MaxForwardsPerDay { get; set; } = 2000;

    /// <summary>Most filters per user. Default 400.</summary>
    public int MaxFilters { get; set; } = 400;

    /// <summary>Most webhooks in all (global and per user together; every event reads them). Default 1000.</summary>
    public int MaxWebhooks { get; set; } = 1000;

    /// <summary>Deepest mailbox hierarchy. Default 128 levels.</summary>
    public int MaxMailboxDepth { get; set; } = 128;

    /// <summary>Longest mailbox path segment in characters. Default 512.</summary>
    public int MaxMailboxSegmentLength { get; set; } = 512;

    /// <summary>
    /// Most distinct keywords per mailbox. Default 256. A client cannot grow the PERMANENTFLAGS
    /// list without bound; past the limit new keywords are refused (existing ones still work).
    /// </summary>
    public int MaxMailboxKeywords { get; set; } = 256;

    /// <summary>Retention cap applied to Trash and Junk. Default 30 days.</summary>
    public TimeSpan JunkRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Password hashing settings.</summary>
public sealed class PasswordOptions
{
    /// <summary>PBKDF2-SHA256 iterations for new hashes. Default 100,000 (minimum accepted 100,000).</summary>
    public int Pbkdf2Iterations { get; set; } = 100_000;

    /// <summary>Rehash legacy or weaker hashes after a successful login. Default true.</summary>
    public bool RehashOnLogin { get; set; } = true;
}

/// <summary>
/// Login failure rate limits (reference §7.2). Failures are counted in a fixed window that starts at the first
/// failure; once the limit is reached further attempts are refused until the window ends. A successful login
/// clears the per-user counter. A limit of 0 disables that check.
/// </summary>
public sealed class AuthenticationOptions
{
    /// <summary>Failed logins allowed per user (or per unknown login name) in <see cref="UserFailureWindow"/>. Default 12 (WildDuck 2025).</summary>
    public int UserFailureLimit { get; set; } = 12;

    /// <summary>The per-user window. Default 120 seconds (WildDuck 2025).</summary>
    public TimeSpan UserFailureWindow { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Failed logins allowed per remote IP in <see cref="IpFailureWindow"/>. Default 30; 0 disables the check.</summary>
    public int IpFailureLimit { get; set; } = 30;

    /// <summary>The per-IP window. Default 300 seconds.</summary>
    public TimeSpan IpFailureWindow { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// How long authentication log entries are kept after their latest occurrence. Default 30 days (WildDuck
    /// <c>const:authlog:time</c>); <see cref="TimeSpan.Zero"/> turns the log off.
    /// </summary>
    public TimeSpan AuthLogRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Repeats of the same event within this window are one log entry with a count. Default 6 hours (WildDuck);
    /// bounds the writes a password-guessing client causes. Zero records every event separately.
    /// </summary>
    public TimeSpan AuthLogMergeWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often expired log entries are purged (after a write). Default 1 hour.</summary>
    public TimeSpan AuthLogPurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a temporary password from a password reset works after it is issued. Default 24 hours (WildDuck).</summary>
    public TimeSpan TemporaryPasswordLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Most application-specific passwords per user. Default 50 (WildDuck <c>const:asp:limit</c>); bounds the hashes
    /// a login may have to check.
    /// </summary>
    public int MaxApplicationPasswords { get; set; } = 50;
}

/// <summary>Transport security policy (configuration section <c>WildDuck:Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Allow LOGIN/AUTHENTICATE (and POP3 USER/PASS) over a connection without TLS. Default false:
    /// plaintext connections advertise LOGINDISABLED until STARTTLS (RFC 3501 §6.2.3, RFC 8314
    /// recommends TLS for all mail access), so passwords never cross the network in the clear.
    /// </summary>
    public bool AllowInsecureAuth { get; set; }
}
