// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Webhook subscriptions (WildDuck's <c>webhooks</c> collection, reference §8.7).</summary>
public interface IWebhookStore
{
    /// <summary>
    /// Saves a new webhook. <see cref="StorageError.NotFound"/> when <see cref="WebhookRecord.User"/>
    /// names a user that does not exist; <see cref="StorageError.Limit"/> past
    /// <c>Users.MaxWebhooks</c> webhooks in all.
    /// </summary>
    Task<WebhookRecord> CreateWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists webhooks ordered by id, after <paramref name="afterId"/> when given, at most
    /// <paramref name="limit"/>; only those of <paramref name="user"/> when given.
    /// </summary>
    Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(int limit, EntityId? afterId = null, UserId? user = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The webhooks an event of <paramref name="user"/> may go to: the global ones (no user) and,
    /// when <paramref name="user"/> is given, that user's. The caller matches the types.
    /// </summary>
    Task<IReadOnlyList<WebhookRecord>> FindWebhooksAsync(UserId? user, CancellationToken cancellationToken = default);

    /// <summary>Deletes a webhook; false when it does not exist. Deleting a user deletes its webhooks.</summary>
    Task<bool> DeleteWebhookAsync(EntityId id, CancellationToken cancellationToken = default);

    // ------------------------------------------------------------------ the delivery queue

    /// <summary>
    /// Stores POSTs still to be made (one per event and matching webhook), due at once, in one
    /// write: they are on disk before the task completes and survive a restart. The store assigns
    /// the ids (ascending in enqueue order), <see cref="WebhookDelivery.Attempts"/> 0 and the times;
    /// returns the saved deliveries. A delivery carries its URL and body, so it is posted even if
    /// its webhook is deleted meanwhile (as WildDuck's queued jobs are).
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> EnqueueWebhookDeliveriesAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxDeliveries"/> due deliveries (next attempt reached, no live
    /// lease), earliest due first then oldest, leases them for <paramref name="leaseTime"/> and
    /// counts the attempt (<see cref="WebhookDelivery.Attempts"/> includes the one now starting).
    /// </summary>
    /// <remarks>
    /// Atomic across every process sharing the store: no delivery is handed to two claimers while
    /// a lease is live. A claimer that dies leaves its lease to run out; the delivery is then
    /// claimed again (at-least-once: the event's <c>id</c> lets a receiver drop a repeat).
    /// </remarks>
    Task<IReadOnlyList<WebhookDeliveryLease>> ClaimWebhookDeliveriesAsync(int maxDeliveries, TimeSpan leaseTime, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a claimed delivery: posted, or given up after the last attempt. False when it is gone
    /// or another claimer took it since (an expired lease nobody took over still counts).
    /// </summary>
    Task<bool> CompleteWebhookDeliveryAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// A failed attempt to be retried: due again at <paramref name="nextAttempt"/> (the caller
    /// computes the back-off), <paramref name="error"/> kept, the lease released. False when it is
    /// gone or another claimer took it since.
    /// </summary>
    Task<bool> RetryWebhookDeliveryAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default);
}

/// <summary>One POST of one event to one webhook, waiting in the store (reference §8.7 <c>webhooks_post</c>).</summary>
public sealed record WebhookDelivery
{
    /// <summary>The id (assigned by the store).</summary>
    public EntityId Id { get; init; }

    /// <summary>The webhook it goes to.</summary>
    public required EntityId Webhook { get; init; }

    /// <summary>The URL it is POSTed to (copied from the webhook when queued).</summary>
    public required string Url { get; init; }

    /// <summary>The event name, for logs.</summary>
    public required string Type { get; init; }

    /// <summary>The JSON body, the same at every attempt.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Attempts started so far (set by the store; a claim counts the one it starts).</summary>
    public int Attempts { get; init; }

    /// <summary>When it is due (set by the store).</summary>
    public DateTimeOffset NextAttempt { get; init; }

    /// <summary>Why the last attempt failed; null before any failure.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was queued (set by the store).</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>A claimed delivery: the delivery, the claim's token and when the lease ends.</summary>
/// <param name="Delivery">The delivery, its attempts including the one now starting.</param>
/// <param name="Token">The claim; completing or retrying needs it.</param>
/// <param name="Expires">When the lease ends and another claimer may take the delivery.</param>
public sealed record WebhookDeliveryLease(WebhookDelivery Delivery, Guid Token, DateTimeOffset Expires);

/// <summary>A webhook: POST events whose name matches one of <see cref="Types"/> to <see cref="Url"/>.</summary>
public sealed record WebhookRecord
{
    /// <summary>The id.</summary>
    public required EntityId Id { get; init; }

    /// <summary>Event name patterns: exact names, prefixes like <c>mailbox.*</c>, or <c>*</c>.</summary>
    public required IReadOnlyList<string> Types { get; init; }

    /// <summary>Only events of this user; null for every user's events.</summary>
    public UserId? User { get; init; }

    /// <summary>The <c>http</c> or <c>https</c> URL events are POSTed to.</summary>
    public required string Url { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>True when this webhook receives <paramref name="wildDuckEvent"/> (type pattern and user).</summary>
    /// <param name="wildDuckEvent">The event.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(WildDuckEvent wildDuckEvent)
    {
        ArgumentNullException.ThrowIfNull(wildDuckEvent);
        if (User is { } user && wildDuckEvent.User != user)
        {
            return false;
        }

        foreach (var pattern in Types)
        {
            if (WildDuckEventTypes.Matches(pattern, wildDuckEvent.Type))
            {
                return true;
            }
        }

        return false;
    }
}
