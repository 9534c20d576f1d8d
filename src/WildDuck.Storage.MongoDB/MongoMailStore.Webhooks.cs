// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

/// <summary>
/// Webhooks in the <c>webhooks</c> collection (WildDuck's layout, reference §8.7). Each operation
/// is one single-document write or one query; the limit is counted before the insert, so two
/// concurrent creations may pass it by one each.
/// </summary>
public sealed partial class MongoMailStore : IWebhookStore
{
    /// <inheritdoc />
    public Task<WebhookRecord> CreateWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken = default)
    {
        var saved = StoreRules.PrepareWebhook(webhook, _time);
        var document = ToWebhookDocument(saved);
        return RunDirectAsync(
            async ct =>
            {
                if (document.User is { } user)
                {
                    await RequireUserAsync(null, user, ct).ConfigureAwait(false);
                }

                if (await _context.Webhooks.CountWithAsync(null, Builders<WebhookDocument>.Filter.Empty, ct).ConfigureAwait(false) >= _options.Users.MaxWebhooks)
                {
                    throw StoreRules.TooManyWebhooks(_options.Users.MaxWebhooks);
                }

                await InsertUniqueAsync(_context.Webhooks, null, document, "The webhook id is taken.", ct).ConfigureAwait(false);
                return saved;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(int limit, EntityId? afterId = null, UserId? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunDirectAsync<IReadOnlyList<WebhookRecord>>(
            async ct =>
            {
                var documents = await _context.Webhooks.FindWith(null, WebhooksPage(afterId is { } a ? MongoIds.ToObjectId(a) : null, user is { } u ? MongoIds.ToObjectId(u) : null), MainFind())
                    .Sort(Builders<WebhookDocument>.Sort.Ascending(w => w.Id))
                    .Limit(limit)
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToWebhookRecord).ToList();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookRecord>> FindWebhooksAsync(UserId? user, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<WebhookRecord>>(
            async ct =>
            {
                var documents = await _context.Webhooks.FindWith(null, WebhooksFor(user is { } u ? MongoIds.ToObjectId(u) : null), MainFind())
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToWebhookRecord).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteWebhookAsync(EntityId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Webhooks.DeleteOneWithAsync(null, Builders<WebhookDocument>.Filter.Eq(w => w.Id, MongoIds.ToObjectId(id)), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookDelivery>> EnqueueWebhookDeliveriesAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var now = _time.GetUtcNow();
        var saved = deliveries.Select(d => StoreRules.PrepareWebhookDelivery(d, now, _time)).ToList();
        if (saved.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<WebhookDelivery>>(saved);
        }

        var documents = saved.Select(ToWebhookDeliveryDocument).ToList();
        return RunDirectAsync<IReadOnlyList<WebhookDelivery>>(
            async ct =>
            {
                // Ordered insert of new ids: a retried write that already landed fails on the
                // duplicate id rather than queueing twice.
                await _context.WebhookDeliveries.InsertManyWithAsync(null, documents, ct).ConfigureAwait(false);
                return saved;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookDeliveryLease>> ClaimWebhookDeliveriesAsync(int maxDeliveries, TimeSpan leaseTime, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseTime, TimeSpan.Zero);
        var token = Guid.NewGuid();
        return RunDirectAsync<IReadOnlyList<WebhookDeliveryLease>>(
            async ct =>
            {
                var now = _time.GetUtcNow();
                var until = MongoMapping.ToBsonDate(now + leaseTime);
                var expires = MongoMapping.FromBsonDate(until);
                var options = new FindOneAndUpdateOptions<WebhookDeliveryDocument>
                {
                    Sort = WebhookDeliveriesDueOrder(),
                    ReturnDocument = ReturnDocument.After,
                    MaxTime = _context.UsersTimeLimit,
                };

                // One findOneAndUpdate per delivery: each is atomic on its document, so two
                // instances never lease the same one while the lease is live.
                var leases = new List<WebhookDeliveryLease>();
                while (leases.Count < maxDeliveries)
                {
                    var document = await _context.WebhookDeliveries.FindOneAndUpdateWithAsync(
                        null,
                        WebhookDeliveriesDue(MongoMapping.ToBsonDate(now)),
                        WebhookDeliveryLeaseUpdate(token, until),
                        options,
                        ct).ConfigureAwait(false);
                    if (document is null)
                    {
                        break;
                    }

                    leases.Add(new WebhookDeliveryLease(ToWebhookDelivery(document), token, expires));
                }

                return leases;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CompleteWebhookDeliveryAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.WebhookDeliveries.DeleteOneWithAsync(null, WebhookDeliveryLeased(MongoIds.ToObjectId(id), leaseToken), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RetryWebhookDeliveryAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return RunDirectAsync(
            async ct => (await _context.WebhookDeliveries.UpdateOneWithAsync(
                null,
                WebhookDeliveryLeased(MongoIds.ToObjectId(id), leaseToken),
                WebhookDeliveryRetry(MongoMapping.ToBsonDate(nextAttempt), error),
                null,
                ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);
    }

    private FindOptions MainFind() => new() { MaxTime = _context.UsersTimeLimit };

    // ------------------------------------------------------------------ filters (unit-tested as rendered BSON)

    /// <summary><c>{user: {$in: [null, user]}}</c> (index <c>user</c>): global webhooks and the user's.</summary>
    internal static FilterDefinition<WebhookDocument> WebhooksFor(ObjectId? user) =>
        user is { } u
            ? Builders<WebhookDocument>.Filter.In(w => w.User, new ObjectId?[] { null, u })
            : Builders<WebhookDocument>.Filter.Eq(w => w.User, null);

    /// <summary><c>{_id: {$gt: after}, user}</c>, each part only when given.</summary>
    internal static FilterDefinition<WebhookDocument> WebhooksPage(ObjectId? after, ObjectId? user)
    {
        var filter = Builders<WebhookDocument>.Filter.Empty;
        if (after is { } a)
        {
            filter &= Builders<WebhookDocument>.Filter.Gt(w => w.Id, a);
        }

        if (user is { } u)
        {
            filter &= Builders<WebhookDocument>.Filter.Eq(w => w.User, u);
        }

        return filter;
    }

    /// <summary><c>{user}</c>: a user's webhooks, deleted with the user.</summary>
    internal static FilterDefinition<WebhookDocument> WebhooksOfUser(ObjectId user) =>
        Builders<WebhookDocument>.Filter.Eq(w => w.User, user);

    /// <summary><c>{next: {$lte: now}, $or: [{lockUntil: null}, {lockUntil: {$lte: now}}]}</c> (index <c>due</c>): due, no live lease.</summary>
    internal static FilterDefinition<WebhookDeliveryDocument> WebhookDeliveriesDue(DateTime now)
    {
        var f = Builders<WebhookDeliveryDocument>.Filter;
        return f.Lte(d => d.NextAttempt, now) & f.Or(f.Eq(d => d.LeaseUntil, null), f.Lte(d => d.LeaseUntil, now));
    }

    /// <summary>Earliest due first, then oldest (the <c>due</c> index order).</summary>
    internal static SortDefinition<WebhookDeliveryDocument> WebhookDeliveriesDueOrder() =>
        Builders<WebhookDeliveryDocument>.Sort.Ascending(d => d.NextAttempt).Ascending(d => d.Id);

    /// <summary>The claim: one more attempt, this claim's token and lease end.</summary>
    internal static UpdateDefinition<WebhookDeliveryDocument> WebhookDeliveryLeaseUpdate(Guid token, DateTime until) =>
        Builders<WebhookDeliveryDocument>.Update.Inc(d => d.Attempts, 1).Set(d => d.LeaseToken, token).Set(d => d.LeaseUntil, until);

    /// <summary>The delivery as long as this claim's token is on it.</summary>
    internal static FilterDefinition<WebhookDeliveryDocument> WebhookDeliveryLeased(ObjectId id, Guid token) =>
        Builders<WebhookDeliveryDocument>.Filter.Eq(d => d.Id, id) & Builders<WebhookDeliveryDocument>.Filter.Eq(d => d.LeaseToken, token);

    /// <summary>A failed attempt: due at <paramref name="next"/>, the error kept, the lease released.</summary>
    internal static UpdateDefinition<WebhookDeliveryDocument> WebhookDeliveryRetry(DateTime next, string error) =>
        Builders<WebhookDeliveryDocument>.Update
            .Set(d => d.NextAttempt, next)
            .Set(d => d.LastError, error)
            .Unset(d => d.LeaseToken)
            .Unset(d => d.LeaseUntil);

    // ------------------------------------------------------------------ mapping

    internal static WebhookDeliveryDocument ToWebhookDeliveryDocument(WebhookDelivery delivery) => new()
    {
        Id = MongoIds.ToObjectId(delivery.Id),
        Webhook = MongoIds.ToObjectId(delivery.Webhook),
        Url = delivery.Url,
        Type = delivery.Type,
        Body = delivery.Body.ToArray(),
        Attempts = delivery.Attempts,
        NextAttempt = MongoMapping.ToBsonDate(delivery.NextAttempt),
        LastError = delivery.LastError,
        Created = MongoMapping.ToBsonDate(delivery.Created),
    };

    internal static WebhookDelivery ToWebhookDelivery(WebhookDeliveryDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        Webhook = MongoIds.ToEntityId(document.Webhook),
        Url = document.Url,
        Type = document.Type,
        Body = document.Body,
        Attempts = document.Attempts,
        NextAttempt = MongoMapping.FromBsonDate(document.NextAttempt),
        LastError = document.LastError,
        Created = MongoMapping.FromBsonDate(document.Created),
    };

    internal static WebhookDocument ToWebhookDocument(WebhookRecord webhook) => new()
    {
        Id = MongoIds.ToObjectId(webhook.Id),
        Type = webhook.Types.ToList(),
        User = webhook.User is { } u ? MongoIds.ToObjectId(u) : null,
        Url = webhook.Url,
        Created = MongoMapping.ToBsonDate(webhook.Created),
    };

    internal static WebhookRecord ToWebhookRecord(WebhookDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        Types = document.Type,
        User = document.User is { } u ? MongoIds.ToUserId(u) : null,
        Url = document.Url,
        Created = MongoMapping.FromBsonDate(document.Created),
    };
}
