// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>
/// Where an outbound queue entry stands. The numeric values are persisted; never renumber them.
/// </summary>
public enum OutboundState
{
    /// <summary>Waiting for its first attempt (or requeued by an operator).</summary>
    Queued = 0,

    /// <summary>An attempt failed temporarily (4xx, connection error); retried at <see cref="OutboundEntry.NextAttempt"/>.</summary>
    Deferred = 1,

    /// <summary>
    /// Failed permanently (5xx, or retries exhausted). Kept for operators, never retried unless
    /// requeued; no bounce is generated.
    /// </summary>
    Failed = 2,
}

/// <summary>One entry of the outbound queue without its content (WildDuck's <c>zone-queue</c> document).</summary>
public sealed record OutboundEntry
{
    /// <summary>The queue id (time-ordered).</summary>
    public required EntityId Id { get; init; }

    /// <summary>Where the entry stands.</summary>
    public required OutboundState State { get; init; }

    /// <summary>Why it is sent: <c>forward</c>, <c>autoreply</c> or <c>submission</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The user on whose behalf it is sent, when there is one.</summary>
    public UserId? User { get; init; }

    /// <summary>The envelope sender; empty for the null sender <c>&lt;&gt;</c>.</summary>
    public string ReturnPath { get; init; } = string.Empty;

    /// <summary>Envelope recipients.</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The route (see <see cref="OutboundMessage.Route"/>); null for the smarthost.</summary>
    public string? Route { get; init; }

    /// <summary>Size of the content in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Delivery attempts that failed so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the entry becomes due (for <see cref="OutboundState.Failed"/>: when it failed).</summary>
    public required DateTimeOffset NextAttempt { get; init; }

    /// <summary>The reply or error of the last failed attempt.</summary>
    public string? LastError { get; init; }

    /// <summary>While a sender holds the entry: when its lease ends; otherwise null.</summary>
    public DateTimeOffset? LeasedUntil { get; init; }
}

/// <summary>A queue entry with its content, for operators.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Content">The complete message as it will be sent.</param>
public sealed record OutboundQueueItem(OutboundEntry Entry, ReadOnlyMemory<byte> Content);

/// <summary>
/// An entry claimed by a sender: nobody else claims it until <see cref="Expires"/>. The
/// <see cref="Token"/> must accompany the outcome, so a sender whose lease ran out (and whose entry
/// another sender took over) cannot overwrite the newer outcome.
/// </summary>
/// <param name="Entry">The entry as claimed.</param>
/// <param name="Content">The complete message to send, unchanged.</param>
/// <param name="Token">Identifies this claim.</param>
/// <param name="Expires">When the lease ends and the entry becomes claimable again.</param>
public sealed record OutboundLease(OutboundEntry Entry, ReadOnlyMemory<byte> Content, Guid Token, DateTimeOffset Expires);

/// <summary>Which entries <see cref="IOutboundQueue.ListEntriesAsync"/> returns, oldest first.</summary>
public sealed record OutboundListRequest
{
    /// <summary>Only entries in this state; null for all.</summary>
    public OutboundState? State { get; init; }

    /// <summary>Only entries of this user; null for all.</summary>
    public UserId? User { get; init; }

    /// <summary>Keyset paging: only entries with an id greater than this (the last id of the previous page).</summary>
    public EntityId? After { get; init; }

    /// <summary>Page size (1–1000, default 100).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>What a sender claims with <see cref="IOutboundQueue.ClaimDueAsync"/>.</summary>
public sealed record OutboundClaimRequest
{
    /// <summary>At most this many entries (at least 1).</summary>
    public int MaxEntries { get; init; } = 10;

    /// <summary>How long nobody else may claim them; longer than one delivery attempt takes.</summary>
    public required TimeSpan LeaseTime { get; init; }

    /// <summary>
    /// Only entries with an explicit <see cref="OutboundEntry.Route"/>: a sender without a smarthost
    /// leaves smarthost mail queued (untouched, attempts not counted) for operators to see.
    /// </summary>
    public bool RoutedOnly { get; init; }
}
