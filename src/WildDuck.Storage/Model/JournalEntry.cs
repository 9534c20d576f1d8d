// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>What a journal entry records (WildDuck's <c>command</c> field).</summary>
/// <remarks>PERSISTED: values are stored; never renumber.</remarks>
public enum JournalCommand
{
    /// <summary>A message was added.</summary>
    Exists = 1,

    /// <summary>A message was removed.</summary>
    Expunge = 2,

    /// <summary>A message's flags changed.</summary>
    Fetch = 3,

    /// <summary>A mailbox was created.</summary>
    Create = 4,

    /// <summary>A mailbox was renamed.</summary>
    Rename = 5,

    /// <summary>A mailbox was deleted.</summary>
    Delete = 6,
}

/// <summary>
/// One change in a mailbox, written in the same transaction as the change itself. Sessions read
/// entries with a MODSEQ above their last known one after a notifier wake-up.
/// </summary>
public sealed record JournalEntry
{
    /// <summary>Monotonic entry id (per store).</summary>
    public required long Id { get; init; }

    /// <summary>The user.</summary>
    public required UserId User { get; init; }

    /// <summary>The mailbox.</summary>
    public required MailboxId Mailbox { get; init; }

    /// <summary>The MODSEQ the change was given.</summary>
    public required long ModSeq { get; init; }

    /// <summary>What happened.</summary>
    public required JournalCommand Command { get; init; }

    /// <summary>The message UID (EXISTS, EXPUNGE, FETCH).</summary>
    public uint Uid { get; init; }

    /// <summary>The message id (EXISTS, EXPUNGE, FETCH).</summary>
    public MessageId? Message { get; init; }

    /// <summary>New system flags (FETCH, EXISTS).</summary>
    public MessageFlags Flags { get; init; }

    /// <summary>New keywords (FETCH, EXISTS).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = Array.Empty<string>();

    /// <summary>New path (CREATE, RENAME).</summary>
    public string? Path { get; init; }

    /// <summary>When the entry was written.</summary>
    public DateTimeOffset Created { get; init; }
}
