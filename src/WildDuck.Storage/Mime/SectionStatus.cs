// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Mime;

/// <summary>The outcome of resolving a <see cref="SectionSpec"/>.</summary>
public enum SectionStatus
{
    /// <summary>The section exists; its bytes are available.</summary>
    Ok,

    /// <summary>
    /// The part does not exist, or the section-text does not apply to it (HEADER/TEXT on a part
    /// that is not message/rfc822, MIME without a part). RFC 3501 servers answer with an empty string.
    /// </summary>
    NotFound,

    /// <summary>
    /// BINARY was asked of a part whose Content-Transfer-Encoding is unknown: the server must
    /// answer NO [UNKNOWN-CTE] (RFC 3516 §4.1, RFC 9051 §7.1).
    /// </summary>
    UnknownTransferEncoding,
}
