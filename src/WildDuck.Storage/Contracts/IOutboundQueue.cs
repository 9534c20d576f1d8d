// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// The durable queue of mail leaving the store: forwards, autoreplies and (later) API submissions
/// (reference §6.7). An entry is on disk before <see cref="EnqueueAsync"/> returns, so an
/// acknowledged delivery never loses its forward or autoreply.
/// </summary>
/// <remarks>
/// The queue is independent of users, as WildDuck's <c>zone-queue</c> is: deleting a user does not
/// drop mail that user already caused to be queued (a forward accepted before the deletion is
/// still owed to its recipient). Operators drop entries with <see cref="DeleteEntryAsync"/>.
/// Entries leave the queue when delivered or deleted; failed entries stay until deleted.
/// </remarks>
public interface IOutboundQueue
{
    /// <summary>
    /// Stores a message for relay, due at once (or at <see cref="OutboundMessage.NotBefore"/>); returns
    /// its queue id. <see cref="StorageError.Invalid"/> without recipients, content or reason, or with
    /// a line break in an address; <see cref="StorageError.TooBig"/> above the message size limit plus
    /// 64 KiB (a forward carries delivery's trace fields on top of a message of the largest size).
    /// </summary>
    Task<EntityId> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores several messages as <see cref="EnqueueAsync"/> does, all or none: the copies one
    /// delivery owes (a forward to several routes) either all wait for relay or none does, so a
    /// retry after a failure never sends some of them twice. Returns the queue ids in order.
    /// </summary>
    Task<IReadOnlyList<EntityId>> EnqueueAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default);

    // ------------------------------------------------------------------ operators

    /// <summary>Lists entries oldest first, one page at a time (see <see cref="OutboundListRequest"/>).</summary>
    Task<IReadOnlyList<OutboundEntry>> ListEntriesAsync(OutboundListRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets one entry with its content; null when it does not exist (delivered or deleted).</summary>
    Task<OutboundQueueItem?> GetEntryAsync(EntityId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops an entry whatever its state (an operator's delete). A sender holding it may still be
    /// transmitting; its outcome is then ignored. Returns false when there is no such entry.
    /// </summary>
    Task<bool> DeleteEntryAsync(EntityId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// A user withdraws a submission of theirs (reference §8.3 <c>DELETE /users/:user/outbound/:queueId</c>):
    /// removes the entry when it has reason <c>submission</c>, belongs to <paramref name="user"/> and no sender
    /// holds a live lease on it, in one atomic step (a sender cannot claim it in between). An entry being sent
    /// stays (<see cref="OutboundCancelResult.Sending"/>): the remote server may already have it.
    /// </summary>
    Task<OutboundCancelResult> CancelSubmissionAsync(EntityId id, UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes an entry due now: state <see cref="OutboundState.Queued"/>, attempts reset to zero and
    /// the last error kept. A failed entry gets retried. A live lease is left alone, so an entry
    /// being sent is not sent twice; it becomes due again if that attempt is deferred or the lease
    /// runs out. Returns false when there is no such entry.
    /// </summary>
    Task<bool> RequeueAsync(EntityId id, CancellationToken cancellationToken = default);

    // ------------------------------------------------------------------ senders

    /// <summary>
    /// Claims up to <see cref="OutboundClaimRequest.MaxEntries"/> due entries (queued or deferred,
    /// next attempt reached, no live lease), earliest due first, and leases them for
    /// <see cref="OutboundClaimRequest.LeaseTime"/>.
    /// </summary>
    /// <remarks>
    /// Claiming is atomic across every process sharing the store: no entry is handed to two
    /// senders while a lease is live. When a sender crashes, its entries become claimable again
    /// once the lease ends (delivery is therefore at-least-once, as in every MTA: a crash between
    /// the remote server's 250 and <see cref="MarkDeliveredAsync"/> sends the message again).
    /// </remarks>
    Task<IReadOnlyList<OutboundLease>> ClaimDueAsync(OutboundClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>The remote server accepted the message: removes the entry. False when the entry is gone or another sender claimed it since (an expired lease nobody took over still counts).</summary>
    Task<bool> MarkDeliveredAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// A temporary failure: state <see cref="OutboundState.Deferred"/>, attempts + 1, due again at
    /// <paramref name="nextAttempt"/> (the sender computes the backoff), the lease released.
    /// False when the entry is gone or another sender claimed it since (an expired lease nobody took over still counts).
    /// </summary>
    Task<bool> MarkDeferredAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default);

    /// <summary>
    /// A permanent failure: state <see cref="OutboundState.Failed"/>, attempts + 1, the lease
    /// released; the entry stays for operators. False when the entry is gone or another sender claimed it since (an expired lease nobody took over still counts).
    /// </summary>
    Task<bool> MarkFailedAsync(EntityId id, Guid leaseToken, string error, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IOutboundQueue.CancelSubmissionAsync"/>.</summary>
public enum OutboundCancelResult
{
    /// <summary>The entry was removed; it will not be sent.</summary>
    Cancelled,

    /// <summary>No such entry: never queued, already delivered or deleted, another user's, or not a submission.</summary>
    NotFound,

    /// <summary>A sender holds the entry right now; it was left alone.</summary>
    Sending,
}

/// <summary>One message to relay to one route.</summary>
public sealed record OutboundMessage
{
    /// <summary>The envelope sender (MAIL FROM); empty for the null sender <c>&lt;&gt;</c> (autoreplies, RFC 3834 §3.3).</summary>
    public string ReturnPath { get; init; } = string.Empty;

    /// <summary>Envelope recipients (at least one).</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The complete message, CRLF line endings.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>
    /// Where to send it: null for the configured smarthost; an <c>smtp://</c> or <c>smtps://</c>
    /// URL (optionally with <c>user:password@</c>) for a filter's relay target; an <c>http://</c> or
    /// <c>https://</c> URL to POST the message to (reference §6.4 "targets").
    /// </summary>
    public string? Route { get; init; }

    /// <summary>Why it is sent: <c>forward</c>, <c>autoreply</c> or <c>submission</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The user on whose behalf it is sent, when there is one.</summary>
    public UserId? User { get; init; }

    /// <summary>The first attempt is not before this time; null for at once.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// When the mail was first queued, for an entry split off an earlier one (recipients refused
    /// temporarily): its age limit keeps counting from the original. Null for now.
    /// </summary>
    public DateTimeOffset? FirstQueued { get; init; }

    /// <summary>Attempts already made for these recipients (carried over by a split). Default 0.</summary>
    public int PreviousAttempts { get; init; }
}
