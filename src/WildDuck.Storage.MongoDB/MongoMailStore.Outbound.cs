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

/// <remarks>
/// The outbound queue is the <c>outbound</c> collection, one document per message with its content
/// (see <see cref="OutboundDocument"/>). Every operation is a single-document atomic write, so
/// the queue behaves the same with and without transactions. Claiming takes entries one
/// <c>findOneAndUpdate</c> at a time (earliest due first): each is leased to exactly one sender.
/// </remarks>
public sealed partial class MongoMailStore
{
    private const int MaxOutboundPage = 1000;

    /// <inheritdoc />
    /// <remarks>Written with write concern majority: an acknowledged delivery never loses its forward to a failover.</remarks>
    public async Task<EntityId> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken = default) =>
        (await EnqueueAllAsync(new[] { message }, cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public Task<IReadOnlyList<EntityId>> EnqueueAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = _time.GetUtcNow();
        var ids = new List<EntityId>(messages.Count);
        var documents = new List<OutboundDocument>(messages.Count);
        foreach (var message in messages)
        {
            StoreRules.ValidateOutbound(message, _options.Messages);
            var id = EntityId.NewId(_time);
            ids.Add(id);
            documents.Add(ToOutboundDocument(id, message, now));
        }

        if (documents.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<EntityId>>(ids);
        }

        if (documents.Count == 1)
        {
            // One document is atomic on its own.
            return RunDirectAsync<IReadOnlyList<EntityId>>(
                async ct =>
                {
                    await _context.Outbound.WithWriteConcern(WriteConcern.WMajority).InsertOneWithAsync(null, documents[0], ct).ConfigureAwait(false);
                    return ids;
                },
                cancellationToken);
        }

        // Several: one transaction; without transactions, an insert that fails part-way removes
        // the documents it did insert, so none of them is relayed.
        return RunAsync<IReadOnlyList<EntityId>>(
            async (session, ct) =>
            {
                var collection = _context.Outbound.WithWriteConcern(WriteConcern.WMajority);
                try
                {
                    await collection.InsertManyWithAsync(session, documents, ct).ConfigureAwait(false);
                }
                catch when (session is null)
                {
                    await collection.DeleteManyAsync(OutboundIdsFilter(documents), CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                return ids;
            },
            cancellationToken);
    }

    /// <summary>The queue document of a new entry.</summary>
    internal static OutboundDocument ToOutboundDocument(EntityId id, OutboundMessage message, DateTimeOffset now) => new()
    {
        Id = MongoIds.ToObjectId(id),
        State = (int)(message.PreviousAttempts > 0 ? OutboundState.Deferred : OutboundState.Queued),
        Reason = message.Reason,
        User = message.User is { } user ? MongoIds.ToObjectId(user) : null,
        ReturnPath = message.ReturnPath,
        Recipients = message.Recipients.ToList(),
        Route = message.Route,
        Size = message.Content.Length,
        Created = MongoMapping.ToBsonDate(message.FirstQueued ?? now),
        Attempts = Math.Max(0, message.PreviousAttempts),
        NextAttempt = MongoMapping.ToBsonDate(message.NotBefore ?? now),
        Content = message.Content.ToArray(),
    };

    /// <summary>The documents of <paramref name="documents"/> by id (the compensation of a failed batch).</summary>
    internal static FilterDefinition<OutboundDocument> OutboundIdsFilter(IEnumerable<OutboundDocument> documents) =>
        Builders<OutboundDocument>.Filter.In(o => o.Id, documents.Select(d => d.Id));

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboundEntry>> ListEntriesAsync(OutboundListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = Math.Clamp(request.Limit, 1, MaxOutboundPage);
        var filter = OutboundListFilter(request.State, request.User is { } user ? MongoIds.ToObjectId(user) : null, request.After is { } after ? MongoIds.ToObjectId(after) : null);
        return RunDirectAsync<IReadOnlyList<OutboundEntry>>(
            async ct =>
            {
                var documents = await _context.Outbound.FindWith(null, filter, UsersFind())
                    .Project<OutboundDocument>(WithoutContent())
                    .Sort(Builders<OutboundDocument>.Sort.Ascending(o => o.Id))
                    .Limit(limit)
                    .ToListAsync(ct).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                return documents.Select(d => ToOutboundEntry(d, now)).ToList();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<OutboundQueueItem?> GetEntryAsync(EntityId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var document = await _context.Outbound.FindWith(null, OutboundById(MongoIds.ToObjectId(id)), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : new OutboundQueueItem(ToOutboundEntry(document, _time.GetUtcNow()), document.Content);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteEntryAsync(EntityId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Outbound.DeleteOneWithAsync(null, OutboundById(MongoIds.ToObjectId(id)), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>One <c>deleteOne</c> whose filter says "not leased", so a claim cannot slip in between; when it deletes nothing, a count tells a leased entry from none.</remarks>
    public Task<OutboundCancelResult> CancelSubmissionAsync(EntityId id, UserId user, CancellationToken cancellationToken = default)
    {
        var entry = MongoIds.ToObjectId(id);
        var owner = MongoIds.ToObjectId(user);
        return RunDirectAsync(
            async ct =>
            {
                if ((await _context.Outbound.DeleteOneWithAsync(null, OutboundSubmissionNotLeased(entry, owner, Now), ct).ConfigureAwait(false)).DeletedCount > 0)
                {
                    return OutboundCancelResult.Cancelled;
                }

                return await _context.Outbound.CountWithAsync(null, OutboundSubmissionOf(entry, owner), ct).ConfigureAwait(false) > 0
                    ? OutboundCancelResult.Sending
                    : OutboundCancelResult.NotFound;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RequeueAsync(EntityId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Outbound.UpdateOneWithAsync(null, OutboundById(MongoIds.ToObjectId(id)), OutboundRequeue(Now), null, ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboundLease>> ClaimDueAsync(OutboundClaimRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseTime, TimeSpan.Zero);
        var token = Guid.NewGuid();
        return RunDirectAsync<IReadOnlyList<OutboundLease>>(
            async ct =>
            {
                var now = _time.GetUtcNow();
                var until = MongoMapping.ToBsonDate(now + request.LeaseTime);
                var expires = MongoMapping.FromBsonDate(until);
                var options = new FindOneAndUpdateOptions<OutboundDocument>
                {
                    Sort = OutboundDueOrder(),
                    ReturnDocument = ReturnDocument.After,
                    MaxTime = _context.UsersTimeLimit,
                };
                var leases = new List<OutboundLease>();
                while (leases.Count < request.MaxEntries)
                {
                    var document = await _context.Outbound.FindOneAndUpdateWithAsync(
                        null,
                        OutboundDue(MongoMapping.ToBsonDate(now), request.RoutedOnly),
                        OutboundLeaseUpdate(token, until),
                        options,
                        ct).ConfigureAwait(false);
                    if (document is null)
                    {
                        break;
                    }

                    leases.Add(new OutboundLease(ToOutboundEntry(document, now), document.Content, token, expires));
                }

                return leases;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MarkDeliveredAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Outbound.DeleteOneWithAsync(null, OutboundLeased(MongoIds.ToObjectId(id), leaseToken), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> MarkDeferredAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Outbound.UpdateOneWithAsync(
                null,
                OutboundLeased(MongoIds.ToObjectId(id), leaseToken),
                OutboundOutcome(OutboundState.Deferred, MongoMapping.ToBsonDate(nextAttempt), error),
                null,
                ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(EntityId id, Guid leaseToken, string error, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Outbound.UpdateOneWithAsync(
                null,
                OutboundLeased(MongoIds.ToObjectId(id), leaseToken),
                OutboundOutcome(OutboundState.Failed, Now, error),
                null,
                ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    /// <summary><c>{_id, user, reason: 'submission'}</c>.</summary>
    internal static FilterDefinition<OutboundDocument> OutboundSubmissionOf(ObjectId id, ObjectId user) =>
        Builders<OutboundDocument>.Filter.Eq(o => o.Id, id) & Builders<OutboundDocument>.Filter.Eq(o => o.User, user) & Builders<OutboundDocument>.Filter.Eq(o => o.Reason, "submission");

    /// <summary><c>{_id, user, reason: 'submission', $or: [{leaseUntil: null}, {leaseUntil: {$lte: now}}]}</c>: the user's submission no sender holds.</summary>
    internal static FilterDefinition<OutboundDocument> OutboundSubmissionNotLeased(ObjectId id, ObjectId user, DateTime now)
    {
        var f = Builders<OutboundDocument>.Filter;
        return OutboundSubmissionOf(id, user) & f.Or(f.Eq(o => o.LeaseUntil, null), f.Lte(o => o.LeaseUntil, now));
    }

    internal static FilterDefinition<OutboundDocument> OutboundById(ObjectId id) => Builders<OutboundDocument>.Filter.Eq(o => o.Id, id);

    /// <summary>The operator listing: optional state, user and keyset position.</summary>
    internal static FilterDefinition<OutboundDocument> OutboundListFilter(OutboundState? state, ObjectId? user, ObjectId? after)
    {
        var f = Builders<OutboundDocument>.Filter;
        var parts = new List<FilterDefinition<OutboundDocument>>();
        if (state is { } s)
        {
            parts.Add(f.Eq(o => o.State, (int)s));
        }

        if (user is { } u)
        {
            parts.Add(f.Eq(o => o.User, u));
        }

        if (after is { } a)
        {
            parts.Add(f.Gt(o => o.Id, a));
        }

        return parts.Count == 0 ? f.Empty : f.And(parts);
    }

    /// <summary>Everything but the content (listings do not carry it).</summary>
    internal static ProjectionDefinition<OutboundDocument> WithoutContent() => Builders<OutboundDocument>.Projection.Exclude(o => o.Content);

    /// <summary>
    /// Due entries: queued or deferred, next attempt reached, no live lease (none, or ended), and
    /// with a route when <paramref name="routedOnly"/>.
    /// </summary>
    internal static FilterDefinition<OutboundDocument> OutboundDue(DateTime now, bool routedOnly)
    {
        var f = Builders<OutboundDocument>.Filter;
        var due = f.In(o => o.State, new[] { (int)OutboundState.Queued, (int)OutboundState.Deferred })
            & f.Lte(o => o.NextAttempt, now)
            & f.Or(f.Eq(o => o.LeaseUntil, null), f.Lte(o => o.LeaseUntil, now));
        return routedOnly ? due & f.Ne(o => o.Route, null) : due;
    }

    /// <summary>Earliest due first, then oldest.</summary>
    internal static SortDefinition<OutboundDocument> OutboundDueOrder() =>
        Builders<OutboundDocument>.Sort.Ascending(o => o.NextAttempt).Ascending(o => o.Id);

    internal static UpdateDefinition<OutboundDocument> OutboundLeaseUpdate(Guid token, DateTime until) =>
        Builders<OutboundDocument>.Update.Set(o => o.LeaseToken, token).Set(o => o.LeaseUntil, until);

    /// <summary>The entry as long as this claim's token is on it (an expired lease nobody took over still counts).</summary>
    internal static FilterDefinition<OutboundDocument> OutboundLeased(ObjectId id, Guid token) =>
        Builders<OutboundDocument>.Filter.Eq(o => o.Id, id) & Builders<OutboundDocument>.Filter.Eq(o => o.LeaseToken, token);

    /// <summary>Due now, attempts reset, the last error and any live lease kept.</summary>
    internal static UpdateDefinition<OutboundDocument> OutboundRequeue(DateTime now) =>
        Builders<OutboundDocument>.Update.Set(o => o.State, (int)OutboundState.Queued).Set(o => o.Attempts, 0).Set(o => o.NextAttempt, now);

    /// <summary>A deferred or failed attempt: the state, one more attempt, the next attempt (or failure time), the error, the lease released.</summary>
    internal static UpdateDefinition<OutboundDocument> OutboundOutcome(OutboundState state, DateTime next, string error) =>
        Builders<OutboundDocument>.Update
            .Set(o => o.State, (int)state)
            .Inc(o => o.Attempts, 1)
            .Set(o => o.NextAttempt, next)
            .Set(o => o.LastError, error)
            .Unset(o => o.LeaseToken)
            .Unset(o => o.LeaseUntil);

    // ------------------------------------------------------------------ mapping

    internal static OutboundEntry ToOutboundEntry(OutboundDocument document, DateTimeOffset now) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        State = (OutboundState)document.State,
        Reason = document.Reason,
        User = document.User is { } user ? MongoIds.ToUserId(user) : null,
        ReturnPath = document.ReturnPath,
        Recipients = document.Recipients.ToArray(),
        Route = document.Route,
        Size = document.Size,
        Created = MongoMapping.FromBsonDate(document.Created),
        Attempts = document.Attempts,
        NextAttempt = MongoMapping.FromBsonDate(document.NextAttempt),
        LastError = document.LastError,
        LeasedUntil = document.LeaseUntil is { } until && MongoMapping.FromBsonDate(until) > now ? MongoMapping.FromBsonDate(until) : null,
    };
}
