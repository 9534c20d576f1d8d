// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Filters;

/// <summary>Where a delivered message goes.</summary>
public enum DeliveryTargetKind
{
    /// <summary>The user's INBOX (the default; reference §6.3 step 10).</summary>
    Inbox,

    /// <summary>A mailbox chosen by a filter's <c>mailbox</c> action.</summary>
    Mailbox,

    /// <summary>The user's <see cref="SpecialUse.Junk"/> mailbox.</summary>
    Junk,
}

/// <summary>The target mailbox of a delivery.</summary>
/// <param name="Kind">The kind of target.</param>
/// <param name="MailboxId">The mailbox id when <paramref name="Kind"/> is <see cref="DeliveryTargetKind.Mailbox"/>, else null.</param>
/// <remarks>
/// A <see cref="DeliveryTargetKind.Mailbox"/> id that no longer exists falls back to INBOX at store
/// time (reference §6.3 step 10, <c>inboxDefault</c>); resolving that is the caller's job.
/// </remarks>
public readonly record struct DeliveryTarget(DeliveryTargetKind Kind, MailboxId? MailboxId)
{
    /// <summary>INBOX.</summary>
    public static DeliveryTarget Inbox => new(DeliveryTargetKind.Inbox, null);

    /// <summary>The \Junk special-use mailbox.</summary>
    public static DeliveryTarget Junk => new(DeliveryTargetKind.Junk, null);

    /// <summary>A specific mailbox.</summary>
    /// <param name="id">The mailbox id.</param>
    /// <returns>The target.</returns>
    public static DeliveryTarget ForMailbox(MailboxId id) => new(DeliveryTargetKind.Mailbox, id);
}

/// <summary>What to do with one message for one recipient user (reference §6.3 steps 5–10).</summary>
public sealed record DeliveryPlan
{
    /// <summary>
    /// True when a filter's <c>delete</c> action applies: nothing is stored ("dropped by policy").
    /// Filter forward targets are still in <see cref="ForwardTargets"/>; user-level ones are not.
    /// </summary>
    public bool Drop { get; init; }

    /// <summary>The target mailbox (ignored when <see cref="Drop"/> is true).</summary>
    public DeliveryTarget Target { get; init; } = DeliveryTarget.Inbox;

    /// <summary>System flags to set on the stored copy (\Seen, \Flagged).</summary>
    public MessageFlags Flags { get; init; }

    /// <summary>The final spam verdict.</summary>
    public bool IsSpam { get; init; }

    /// <summary>Where the spam verdict came from.</summary>
    public SpamVerdictSource SpamSource { get; init; }

    /// <summary>Distinct forward targets (filter targets first, then user-level ones); empty for spam.</summary>
    public IReadOnlyList<string> ForwardTargets { get; init; } = Array.Empty<string>();

    /// <summary>Ids of the filters that matched, in evaluation order.</summary>
    public IReadOnlyList<EntityId> MatchedFilters { get; init; } = Array.Empty<EntityId>();

    /// <summary>
    /// False when the message is spam (reference §6.3 step 8). The caller still applies
    /// <see cref="AutoreplyPolicy.ShouldReply"/>, the user's autoreply window and the per-sender interval.
    /// </summary>
    public bool AutoreplyAllowed { get; init; }
}

/// <summary>Which rule produced <see cref="DeliveryPlan.IsSpam"/>.</summary>
public enum SpamVerdictSource
{
    /// <summary>No rule marked the message as spam or ham; it is not spam.</summary>
    None,

    /// <summary>A filter's <c>spam</c> action (true or false) decided.</summary>
    Filter,

    /// <summary>Spam level 100: never spam, overriding filters.</summary>
    SpamLevelNever,

    /// <summary>Spam level 0: always spam unless a filter decided.</summary>
    SpamLevelAlways,

    /// <summary>A trusted spam header's verdict or score, compared with the spam level.</summary>
    Header,
}
