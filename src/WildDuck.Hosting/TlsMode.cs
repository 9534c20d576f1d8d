// SPDX-License-Identifier: MIT
namespace WildDuck.Hosting;

/// <summary>How a listener offers TLS.</summary>
public enum TlsMode
{
    /// <summary>Plaintext only; STARTTLS is not offered.</summary>
    None,

    /// <summary>TLS from the first byte (IMAPS 993, POP3S 995; RFC 8314 §3.2).</summary>
    Implicit,

    /// <summary>Plaintext greeting; STARTTLS is offered and optional (RFC 3501 §6.2.1, RFC 2595).</summary>
    StartTls,

    /// <summary>
    /// Plaintext greeting; STARTTLS is offered and the engine must refuse authentication until the
    /// connection is secure (LOGINDISABLED, RFC 3501 §6.2.3).
    /// </summary>
    StartTlsRequired,
}
