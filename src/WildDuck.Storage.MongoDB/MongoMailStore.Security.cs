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
/// Application-specific passwords (<c>asps</c>) and the authentication log (<c>authlog</c>), both in the users
/// database as in WildDuck. Every operation is a single-document write or a read, so none needs a transaction.
/// Expired documents are never returned (reads filter on <c>expires</c>); the TTL indexes <c>entry_autoexpire</c>
/// remove them within about a minute.
/// </summary>
public sealed partial class MongoMailStore : IAspStore, IAuthLogStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The user's expired passwords are deleted, the unexpired ones counted, the new one inserted and the user
    /// checked again (a user deleted in between loses it). Two concurrent creations may both pass the count, so the
    /// limit can be exceeded by the number of concurrent requests, as in WildDuck.
    /// </remarks>
    public Task CreateAspAsync(AspRecord asp, int limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        StoreRules.ValidateAsp(asp);
        var document = ToAspDocument(asp);
        var bsonNow = MongoMapping.ToBsonDate(now);
        return RunDirectAsync(
            async ct =>
            {
                await RequireUserAsync(null, document.User, ct).ConfigureAwait(false);
                await _context.Asps.DeleteManyWithAsync(null, AspsExpired(document.User, bsonNow), ct).ConfigureAwait(false);
                if (await _context.Asps.CountWithAsync(null, AspsOfUserValid(document.User, bsonNow), ct).ConfigureAwait(false) >= limit)
                {
                    throw StoreRules.TooManyApplicationPasswords(limit);
                }

                await InsertUniqueAsync(_context.Asps, null, document, "The application password exists.", ct).ConfigureAwait(false);
                if (!await UserExistsAsync(null, document.User, ct).ConfigureAwait(false))
                {
                    await _context.Asps.DeleteOneWithAsync(null, AspOfUser(document.User, document.Id), ct).ConfigureAwait(false);
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AspRecord>> ListAspsAsync(UserId user, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<AspRecord>>(
            async ct =>
            {
                var documents = await _context.Asps.FindWith(null, AspsOfUserValid(MongoIds.ToObjectId(user), MongoMapping.ToBsonDate(now)), UsersFind())
                    .Sort(Builders<AspDocument>.Sort.Ascending(a => a.Id))
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToAspRecord).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<AspRecord?> GetAspAsync(UserId user, EntityId id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var filter = AspOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(id)) & AspUnexpired(MongoMapping.ToBsonDate(now));
                var document = await _context.Asps.FindWith(null, filter, UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToAspRecord(document);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAspAsync(UserId user, EntityId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Asps.DeleteOneWithAsync(null, AspOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(id)), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>The TTL extension reads the stored <c>ttl</c> in the same update (a pipeline), so it is one atomic write.</remarks>
    public Task<bool> RecordAspUseAsync(UserId user, EntityId id, DateTimeOffset time, string? remoteAddress, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var result = await _context.Asps.UpdateOneWithAsync(
                    null,
                    AspOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(id)),
                    AspUse(MongoMapping.ToBsonDate(time), remoteAddress),
                    null,
                    ct).ConfigureAwait(false);
                return result.MatchedCount > 0;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<AuthEventRecord> AddAuthEventAsync(AuthEventRecord entry, TimeSpan mergeWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var document = ToAuthLogDocument(entry, StoreRules.AuthEventMergeKey(entry));
        return RunDirectAsync(
            async ct =>
            {
                if (mergeWindow > TimeSpan.Zero)
                {
                    var merged = await _context.AuthLog.FindOneAndUpdateWithAsync(
                        null,
                        AuthEventMergeTarget(document.User, document.Key, document.Created - mergeWindow),
                        AuthEventRepeat(document.Created, document.Expires),
                        new FindOneAndUpdateOptions<AuthLogDocument>
                        {
                            ReturnDocument = ReturnDocument.After,
                            Sort = Builders<AuthLogDocument>.Sort.Descending(e => e.Created),
                            MaxTime = _context.UsersTimeLimit,
                        },
                        ct).ConfigureAwait(false);
                    if (merged is not null)
                    {
                        return ToAuthEventRecord(merged);
                    }
                }

                await _context.AuthLog.InsertOneWithAsync(null, document, ct).ConfigureAwait(false);
                return ToAuthEventRecord(document);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthEventPage> ListAuthEventsAsync(UserId user, AuthEventQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = AuthEventsOfUser(MongoIds.ToObjectId(user), MongoMapping.ToBsonDate(now), query.Action, query.RemoteAddress);
        var (position, backwards) = AuthEventPosition(query);
        return RunDirectAsync(
            async ct =>
            {
                var total = await _context.AuthLog.CountWithAsync(null, filter, ct).ConfigureAwait(false);
                var sort = backwards ? Builders<AuthLogDocument>.Sort.Ascending(e => e.Id) : Builders<AuthLogDocument>.Sort.Descending(e => e.Id);
                var documents = await _context.AuthLog.FindWith(null, position is null ? filter : filter & position, UsersFind())
                    .Sort(sort)
                    .Limit(Math.Max(0, query.Limit))
                    .ToListAsync(ct).ConfigureAwait(false);
                if (backwards)
                {
                    documents.Reverse();
                }

                return new AuthEventPage(documents.Select(ToAuthEventRecord).ToList(), total);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthEventRecord?> GetAuthEventAsync(UserId user, EntityId id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var filter = Builders<AuthLogDocument>.Filter.Eq(e => e.Id, MongoIds.ToObjectId(id))
                    & AuthEventsOfUser(MongoIds.ToObjectId(user), MongoMapping.ToBsonDate(now), null, null);
                var document = await _context.AuthLog.FindWith(null, filter, UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToAuthEventRecord(document);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<long> DeleteExpiredAuthEventsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.AuthLog.DeleteManyWithAsync(null, Builders<AuthLogDocument>.Filter.Lte(e => e.Expires, MongoMapping.ToBsonDate(now)), ct).ConfigureAwait(false)).DeletedCount,
            cancellationToken);

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    /// <summary><c>{user}</c>: every password of a user (index <c>asps_user</c>).</summary>
    internal static FilterDefinition<AspDocument> AspsOfUser(ObjectId user) => Builders<AspDocument>.Filter.Eq(a => a.User, user);

    /// <summary><c>{_id, user}</c>: one password, only its owner's.</summary>
    internal static FilterDefinition<AspDocument> AspOfUser(ObjectId user, ObjectId id) =>
        Builders<AspDocument>.Filter.Eq(a => a.Id, id) & Builders<AspDocument>.Filter.Eq(a => a.User, user);

    /// <summary><c>{$or: [{expires: null}, {expires: {$gt: now}}]}</c>: never expires (absent) or not yet.</summary>
    internal static FilterDefinition<AspDocument> AspUnexpired(DateTime now) =>
        Builders<AspDocument>.Filter.Or(Builders<AspDocument>.Filter.Eq(a => a.Expires, null), Builders<AspDocument>.Filter.Gt(a => a.Expires, now));

    /// <summary>A user's unexpired passwords.</summary>
    internal static FilterDefinition<AspDocument> AspsOfUserValid(ObjectId user, DateTime now) => AspsOfUser(user) & AspUnexpired(now);

    /// <summary><c>{user, expires: {$lte: now}}</c>: a user's expired passwords.</summary>
    internal static FilterDefinition<AspDocument> AspsExpired(ObjectId user, DateTime now) =>
        AspsOfUser(user) & Builders<AspDocument>.Filter.Lte(a => a.Expires, now);

    /// <summary>
    /// The update after a login: <c>used</c> and <c>authIp</c> set, and <c>expires</c> moved to the use time plus
    /// <c>ttl</c> seconds when the password has a TTL (an update pipeline, so the stored TTL is read atomically).
    /// </summary>
    internal static UpdateDefinition<AspDocument> AspUse(DateTime time, string? remoteAddress)
    {
        var set = new BsonDocument
        {
            { "used", time },
            { "authIp", remoteAddress is null ? BsonNull.Value : remoteAddress },
            {
                "expires",
                new BsonDocument("$cond", new BsonArray
                {
                    new BsonDocument("$gt", new BsonArray { "$ttl", 0 }),
                    new BsonDocument("$add", new BsonArray { time, new BsonDocument("$multiply", new BsonArray { "$ttl", 1000 }) }),
                    "$expires",
                })
            },
        };
        return Builders<AspDocument>.Update.Pipeline(new BsonDocument[] { new("$set", set) });
    }

    /// <summary>
    /// <c>{user, key, created: {$gt: since}}</c>: the entry a repeat merges into (index <c>insert</c>); an absent
    /// user (unknown login name) matches only entries without a user.
    /// </summary>
    internal static FilterDefinition<AuthLogDocument> AuthEventMergeTarget(ObjectId? user, byte[] key, DateTime since) =>
        Builders<AuthLogDocument>.Filter.Eq(e => e.User, user)
        & Builders<AuthLogDocument>.Filter.Eq(e => e.Key, key)
        & Builders<AuthLogDocument>.Filter.Gt(e => e.Created, since);

    /// <summary><c>{$inc: {events: 1}, $set: {last}, $max: {expires}}</c>.</summary>
    internal static UpdateDefinition<AuthLogDocument> AuthEventRepeat(DateTime last, DateTime expires) =>
        Builders<AuthLogDocument>.Update.Inc(e => e.Events, 1).Set(e => e.Last, last).Max(e => e.Expires, expires);

    /// <summary><c>{user, expires: {$gt: now}, action?, ip?}</c>: a user's listed entries (index <c>user</c> or <c>user_by_ip</c>).</summary>
    internal static FilterDefinition<AuthLogDocument> AuthEventsOfUser(ObjectId user, DateTime now, string? action, string? ip)
    {
        var f = Builders<AuthLogDocument>.Filter;
        var filter = f.Eq(e => e.User, user) & f.Gt(e => e.Expires, now);
        if (action is not null)
        {
            filter &= f.Eq(e => e.Action, action);
        }

        if (ip is not null)
        {
            filter &= f.Eq(e => e.Ip, ip);
        }

        return filter;
    }

    /// <summary>The page boundary: <c>{_id: {$lt: before}}</c> (newest first) or <c>{_id: {$gt: after}}</c> (read oldest first, then reversed).</summary>
    internal static (FilterDefinition<AuthLogDocument>? Filter, bool Backwards) AuthEventPosition(AuthEventQuery query)
    {
        var f = Builders<AuthLogDocument>.Filter;
        if (query.Before is { } before)
        {
            return (f.Lt(e => e.Id, MongoIds.ToObjectId(before)), false);
        }

        return query.After is { } after ? (f.Gt(e => e.Id, MongoIds.ToObjectId(after)), true) : (null, false);
    }

    // ------------------------------------------------------------------ mapping

    internal static AspDocument ToAspDocument(AspRecord asp) => new()
    {
        Id = MongoIds.ToObjectId(asp.Id),
        User = MongoIds.ToObjectId(asp.User),
        Description = asp.Description,
        Scopes = asp.Scopes.ToList(),
        Password = asp.PasswordHash,
        Selector = asp.Selector,
        Used = asp.LastUse is { } used ? MongoMapping.ToBsonDate(used) : null,
        AuthIp = asp.LastIp,
        Created = MongoMapping.ToBsonDate(asp.Created),
        Ttl = asp.Ttl is { } ttl ? (long)Math.Ceiling(ttl.TotalSeconds) : null,
        Expires = asp.Expires is { } expires ? MongoMapping.ToBsonDate(expires) : null,
    };

    internal static AspRecord ToAspRecord(AspDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        User = MongoIds.ToUserId(document.User),
        Description = document.Description,
        Scopes = document.Scopes?.ToArray() ?? new[] { "*" },
        PasswordHash = document.Password,
        Selector = document.Selector ?? string.Empty,
        LastUse = document.Used is { } used ? MongoMapping.FromBsonDate(used) : null,
        LastIp = document.AuthIp,
        Created = MongoMapping.FromBsonDate(document.Created),
        Ttl = document.Ttl is > 0 and { } ttl ? TimeSpan.FromSeconds(ttl) : null,
        Expires = document.Expires is { } expires ? MongoMapping.FromBsonDate(expires) : null,
    };

    internal static AuthLogDocument ToAuthLogDocument(AuthEventRecord entry, byte[] key) => new()
    {
        Id = MongoIds.ToObjectId(entry.Id),
        User = entry.User is { } user ? MongoIds.ToObjectId(user) : null,
        Action = entry.Action,
        Result = entry.Result,
        Reason = entry.Reason,
        Protocol = entry.Protocol,
        Session = entry.Session,
        Ip = entry.RemoteAddress,
        RequiredScope = entry.RequiredScope,
        Source = entry.Source,
        Asp = entry.Asp is { } asp ? MongoIds.ToObjectId(asp) : null,
        AspName = entry.AspName,
        Key = key,
        Events = 1,
        Created = MongoMapping.ToBsonDate(entry.Created),
        Last = MongoMapping.ToBsonDate(entry.Created),
        Expires = MongoMapping.ToBsonDate(entry.Expires),
    };

    internal static AuthEventRecord ToAuthEventRecord(AuthLogDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        User = document.User is { } user ? MongoIds.ToUserId(user) : null,
        Action = document.Action,
        Result = document.Result,
        Reason = document.Reason,
        Protocol = document.Protocol,
        Session = document.Session,
        RemoteAddress = document.Ip,
        RequiredScope = document.RequiredScope,
        Source = document.Source,
        Asp = document.Asp is { } asp ? MongoIds.ToEntityId(asp) : null,
        AspName = document.AspName,
        Events = document.Events,
        Created = MongoMapping.FromBsonDate(document.Created),
        Last = MongoMapping.FromBsonDate(document.Last),
        Expires = MongoMapping.FromBsonDate(document.Expires),
    };
}
