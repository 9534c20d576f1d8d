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
}

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
