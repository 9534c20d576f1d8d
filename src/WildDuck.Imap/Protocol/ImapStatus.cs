// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>Status response conditions (RFC 3501 §7.1).</summary>
internal enum ImapStatus
{
    /// <summary>OK.</summary>
    Ok,

    /// <summary>NO.</summary>
    No,

    /// <summary>BAD.</summary>
    Bad,

    /// <summary>BYE (untagged only).</summary>
    Bye,

    /// <summary>PREAUTH (untagged greeting only).</summary>
    Preauth,
}
