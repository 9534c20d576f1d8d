// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>A mailbox (WildDuck's <c>mailboxes</c> document).</summary>
public sealed record MailboxRecord
{
    /// <summary>The id.</summary>
    public required MailboxId Id { get; init; }

    /// <summary>The owner.</summary>
    public required UserId User { get; init; }

    /// <summary>Unicode path with "/" as the hierarchy separator; "INBOX" for the inbox.</summary>
    public required string Path { get; init; }

    /// <summary>The special-use attribute.</summary>
    public SpecialUse SpecialUse { get; init; }

    /// <summary>UIDVALIDITY (RFC 3501 §2.3.1.1); never changes for the life of the mailbox.</summary>
    public required uint UidValidity { get; init; }

    /// <summary>The next UID to assign.</summary>
    public required uint UidNext { get; init; }

    /// <summary>Highest MODSEQ (RFC 7162); WildDuck <c>modifyIndex</c>.</summary>
    public required long HighestModSeq { get; init; }

    /// <summary>Subscribed (LSUB).</summary>
    public bool Subscribed { get; init; } = true;

    /// <summary>Retention for new messages, or null.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Hidden mailboxes are not listed or selectable over IMAP.</summary>
    public bool Hidden { get; init; }

    /// <summary>
    /// Store mail added to this mailbox encrypted to the user's key even when the user's own
    /// <see cref="UserRecord.EncryptMessages"/> is off (WildDuck's mailbox <c>encryptMessages</c>, reference §2.10 step 2).
    /// </summary>
    public bool EncryptMessages { get; init; }

    /// <summary>Keywords seen in this mailbox (for FLAGS / PERMANENTFLAGS).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = Array.Empty<string>();

    /// <summary>Number of messages, maintained in the same transaction as every change.</summary>
    public long MessageCount { get; init; }

    /// <summary>Number of messages without \Seen, maintained transactionally.</summary>
    public long UnseenCount { get; init; }

    /// <summary>Sum of message sizes, maintained transactionally.</summary>
    public long TotalSize { get; init; }
}

/// <summary>Options for a new mailbox.</summary>
public sealed record CreateMailboxOptions
{
    /// <summary>Special use.</summary>
    public SpecialUse SpecialUse { get; init; }

    /// <summary>Subscribed.</summary>
    public bool Subscribed { get; init; } = true;

    /// <summary>Retention; null takes the user's default.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Hidden.</summary>
    public bool Hidden { get; init; }

    /// <summary>Encrypt mail added to the mailbox (<see cref="MailboxRecord.EncryptMessages"/>).</summary>
    public bool EncryptMessages { get; init; }
}

/// <summary>The state an IMAP session keeps when it selects a mailbox.</summary>
public sealed record MailboxSnapshot
{
    /// <summary>The mailbox as it was at the snapshot.</summary>
    public required MailboxRecord Mailbox { get; init; }

    /// <summary>
    /// Every UID, as ranges of consecutive UIDs (a mailbox's UIDs are mostly consecutive, so this
    /// stays small however many messages there are).
    /// </summary>
    public required UidSet UidSet { get; init; }

    /// <summary>Every UID in ascending order (index + 1 = sequence number); expanded on each call.</summary>
    public uint[] Uids
    {
        get
        {
            var count = 0L;
            foreach (var range in UidSet.Ranges)
            {
                count += (long)range.Last - range.First + 1;
            }

            var uids = new uint[count];
            var i = 0;
            foreach (var range in UidSet.Ranges)
            {
                for (var uid = range.First; ; uid++)
                {
                    uids[i++] = uid;
                    if (uid == range.Last)
                    {
                        break;
                    }
                }
            }

            return uids;
        }
    }

    /// <summary>UID of the first message without \Seen, or 0.</summary>
    public uint FirstUnseenUid { get; init; }
}
