// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Lmtp;

/// <summary>LMTP server options (configuration section <c>WildDuck:Lmtp</c>).</summary>
/// <remarks>
/// LMTP (RFC 2033) is meant for a trusted MTA on the same host or network, so the defaults bind to
/// loopback and offer neither AUTH nor STARTTLS, as WildDuck does (reference §6.1).
/// </remarks>
public sealed class LmtpOptions
{
    /// <summary>Address the listener binds to. Default <c>127.0.0.1</c>: LMTP has no authentication, so keep it off public interfaces.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The LMTP port. Default 2424 (as WildDuck); 0 disables the listener (the handler can still be driven directly).</summary>
    public int Port { get; set; } = 2424;

    /// <summary>Expect a PROXY protocol v1/v2 header on every connection. Default false.</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>
    /// Offer STARTTLS (RFC 3207) with the certificate from <c>WildDuck:Tls</c>. Default false (WildDuck's
    /// <c>disableSTARTTLS=true</c>): LMTP normally runs over loopback or a private network.
    /// </summary>
    public bool EnableStartTls { get; set; }

    /// <summary>
    /// Largest message accepted, advertised as <c>SIZE</c> (RFC 1870). Default 64 MiB. A larger
    /// <c>MAIL FROM SIZE=</c> is refused at once; larger DATA or BDAT content is read and discarded
    /// (so the session stays in sync) and refused with <c>552 5.3.4</c>. Bounds the memory one
    /// transaction can hold.
    /// </summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Octets a <c>MAIL</c> or <c>RCPT</c> command line may have beyond the 512 of RFC 5321 §4.5.3.1.4,
    /// for extension parameters (RFC 5321 §4.5.3.1.4 allows this). Default 512. Other commands stay
    /// at 512 octets including CRLF; longer lines get <c>500 5.5.6</c> and are discarded.
    /// </summary>
    public int MaxCommandExtensionLength { get; set; } = 512;

    /// <summary>
    /// Recipients accepted per transaction. Default 1000 (RFC 5321 §4.5.3.1.8 requires at least 100);
    /// more get <c>452 4.5.3</c>. Bounds per-transaction work.
    /// </summary>
    public int MaxRecipients { get; set; } = 1000;

    /// <summary>
    /// Time the server waits for the next bytes from the client, in any state. Default 5 min
    /// (RFC 5321 §4.5.3.2 command and data-block timeouts); then <c>421 4.4.2</c> and the connection
    /// closes, so idle clients cannot hold connections forever.
    /// </summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Consecutive rejected commands tolerated before <c>421 4.7.0</c> and disconnect. Default 20.</summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>How VRFY (RFC 5321 §3.5.3) answers. Default <see cref="LmtpVrfyMode.CannotVerify"/> (<c>252 2.5.2</c>).</summary>
    public LmtpVrfyMode Vrfy { get; set; } = LmtpVrfyMode.CannotVerify;
}

/// <summary>How the LMTP server answers VRFY.</summary>
public enum LmtpVrfyMode
{
    /// <summary><c>252 2.5.2</c>: cannot verify, but will accept and attempt delivery (RFC 5321 §3.5.3). Leaks nothing.</summary>
    CannotVerify,

    /// <summary><c>502 5.5.1</c>: the command is disabled.</summary>
    Disabled,

    /// <summary>Resolves the address through the delivery agent: <c>250 2.1.5</c> or the agent's refusal. Lets clients enumerate users.</summary>
    Verify,
}
