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
                    throw new StorageException(StorageError.Limit, "Too many webhooks.");
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

    // ------------------------------------------------------------------ mapping

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
