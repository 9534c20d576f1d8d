// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage;

/// <summary>
/// The IMAP system flags (RFC 3501 §2.3.2) as bits. Keywords are kept separately as strings.
/// </summary>
/// <remarks>
/// PERSISTED: these values are stored in databases. Never renumber a member; add new ones at
/// unused bits only (see the persisted-enum stability test).
/// </remarks>
[Flags]
public enum MessageFlags
{
    /// <summary>No system flag.</summary>
    None = 0,

    /// <summary>\Seen.</summary>
    Seen = 1,

    /// <summary>\Answered.</summary>
    Answered = 2,

    /// <summary>\Flagged.</summary>
    Flagged = 4,

    /// <summary>\Deleted.</summary>
    Deleted = 8,

    /// <summary>\Draft.</summary>
    Draft = 16,
}

/// <summary>
/// Special-use attributes of mailboxes (RFC 6154).
/// </summary>
/// <remarks>PERSISTED: values are stored; never renumber.</remarks>
public enum SpecialUse
{
    /// <summary>An ordinary mailbox.</summary>
    None = 0,

    /// <summary>\Sent.</summary>
    Sent = 1,

    /// <summary>\Trash.</summary>
    Trash = 2,

    /// <summary>\Drafts.</summary>
    Drafts = 3,

    /// <summary>\Junk.</summary>
    Junk = 4,

    /// <summary>\Archive.</summary>
    Archive = 5,

    /// <summary>\All (virtual; reserved).</summary>
    All = 6,

    /// <summary>\Flagged (virtual; reserved).</summary>
    Flagged = 7,
}

/// <summary>How a flag update applies (RFC 3501 §6.4.6 STORE FLAGS / +FLAGS / -FLAGS).</summary>
public enum FlagOperation
{
    /// <summary>Replace the flags.</summary>
    Replace,

    /// <summary>Add the flags.</summary>
    Add,

    /// <summary>Remove the flags.</summary>
    Remove,
}
