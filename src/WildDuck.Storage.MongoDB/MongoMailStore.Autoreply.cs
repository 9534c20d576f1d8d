// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    /// <inheritdoc />
    public Task<AutoreplySettings?> GetAutoreplyAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var document = await _context.Autoreplies.FindWith(null, AutoreplyOfUser(MongoIds.ToObjectId(user)), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToAutoreplySettings(document);
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The settings are upserted by user, then the sender log is cleared, then <c>users.autoreply</c>
    /// follows <see cref="AutoreplySettings.Enabled"/> (WildDuck's flag). Without a transaction a
    /// crash between leaves at worst an old sender entry (one reply fewer) or a stale flag, which
    /// this store does not read.
    /// </remarks>
    public Task SetAutoreplyAsync(UserId user, AutoreplySettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var userId = MongoIds.ToObjectId(user);
        return RunAsync(
            async (session, ct) =>
            {
                await RequireUserAsync(session, userId, ct).ConfigureAwait(false);

                await _context.Autoreplies.UpdateOneWithAsync(session, AutoreplyOfUser(userId), AutoreplyUpsert(settings, Now), new UpdateOptions { IsUpsert = true }, ct).ConfigureAwait(false);
                await _context.AutoreplySenders.DeleteManyWithAsync(session, AutoreplySendersOfUser(userId), ct).ConfigureAwait(false);
                await _context.Users.UpdateOneWithAsync(UsersSession(session), UserById(userId), Builders<UserDocument>.Update.Set(u => u.Autoreply, settings.Enabled), null, ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAutoreplyAsync(UserId user, CancellationToken cancellationToken = default)
    {
        var userId = MongoIds.ToObjectId(user);
        return RunAsync(
            async (session, ct) =>
            {
                await _context.AutoreplySenders.DeleteManyWithAsync(session, AutoreplySendersOfUser(userId), ct).ConfigureAwait(false);
                var deleted = await _context.Autoreplies.DeleteManyWithAsync(session, AutoreplyOfUser(userId), ct).ConfigureAwait(false);
                await _context.Users.UpdateOneWithAsync(UsersSession(session), UserById(userId), Builders<UserDocument>.Update.Set(u => u.Autoreply, false), null, ct).ConfigureAwait(false);
                return deleted.DeletedCount > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One atomic upsert: it matches the sender's entry only when that is older than the interval
    /// (and then renews it); when there is a recent entry the upsert's insert hits the unique index
    /// <c>user_sender</c> and the answer is "do not reply". Expired entries leave through the TTL
    /// index on <c>expires</c>.
    /// </remarks>
    public Task<bool> TryRecordAutoreplyAsync(UserId user, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sender);
        var key = sender.Trim().ToLowerInvariant();
        var userId = MongoIds.ToObjectId(user);
        return RunDirectAsync(
            async ct =>
            {
                if (!await UserExistsAsync(null, userId, ct).ConfigureAwait(false))
                {
                    return false;
                }

                return await RecordAutoreplySenderAsync(userId, key, now, interval, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>
    /// The upsert of <see cref="TryRecordAutoreplyAsync"/> for one owner: a user, or a forwarded
    /// address whose id takes the <c>user</c> field (ids are unique across both, as WildDuck's
    /// <c>war:&lt;id&gt;</c> keys).
    /// </summary>
    private async Task<bool> RecordAutoreplySenderAsync(ObjectId owner, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _context.AutoreplySenders.UpdateOneWithAsync(
                null,
                AutoreplySenderDue(owner, sender, MongoMapping.ToBsonDate(now - interval)),
                AutoreplySenderRecord(MongoMapping.ToBsonDate(now), MongoMapping.ToBsonDate(now + interval)),
                new UpdateOptions { IsUpsert = true },
                cancellationToken).ConfigureAwait(false);
            return AutoreplyRecorded(result);
        }
        catch (MongoException ex) when (IsDuplicateKey(ex))
        {
            return false;
        }
    }

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    internal static FilterDefinition<AutoreplyDocument> AutoreplyOfUser(ObjectId user) => Builders<AutoreplyDocument>.Filter.Eq(a => a.User, user);

    /// <summary>
    /// The settings as one upsert by user: <c>$set</c> of every field (open start/end <c>$unset</c>),
    /// <c>$setOnInsert</c> of <c>_id</c> and <c>created</c>.
    /// </summary>
    internal static UpdateDefinition<AutoreplyDocument> AutoreplyUpsert(AutoreplySettings settings, DateTime now)
    {
        var u = Builders<AutoreplyDocument>.Update;
        return u.Combine(
            u.Set(a => a.Status, settings.Enabled),
            SetOrUnset("name", settings.Name),
            SetOrUnset("subject", settings.Subject),
            SetOrUnset("text", settings.Text),
            SetOrUnset("html", settings.Html),
            settings.Start is { } start ? u.Set(a => a.Start, MongoMapping.ToBsonDate(start)) : u.Unset(a => a.Start),
            settings.End is { } end ? u.Set(a => a.End, MongoMapping.ToBsonDate(end)) : u.Unset(a => a.End),
            u.SetOnInsert(a => a.Id, ObjectId.GenerateNewId()),
            u.SetOnInsert(a => a.Created, now));

        static UpdateDefinition<AutoreplyDocument> SetOrUnset(string field, string? value) =>
            value is null ? Builders<AutoreplyDocument>.Update.Unset(field) : Builders<AutoreplyDocument>.Update.Set<string>(field, value);
    }

    internal static FilterDefinition<AutoreplySenderDocument> AutoreplySendersOfUser(ObjectId user) =>
        Builders<AutoreplySenderDocument>.Filter.Eq(s => s.User, user);

    /// <summary>The sender's entry if it is due again: <c>{user, sender, replied: {$lte: now - interval}}</c>.</summary>
    internal static FilterDefinition<AutoreplySenderDocument> AutoreplySenderDue(ObjectId user, string sender, DateTime cutoff) =>
        Builders<AutoreplySenderDocument>.Filter.Eq(s => s.User, user)
        & Builders<AutoreplySenderDocument>.Filter.Eq(s => s.Sender, sender)
        & Builders<AutoreplySenderDocument>.Filter.Lte(s => s.Replied, cutoff);

    /// <summary>
    /// Whether the sender's entry was written: inserted, or an entry due again matched (and was
    /// renewed). Matched, not modified: with a zero interval a second check at the same instant
    /// rewrites identical values, which the server reports as matched but not modified.
    /// </summary>
    internal static bool AutoreplyRecorded(UpdateResult result) =>
        result.UpsertedId is not null || (result.IsAcknowledged && result.MatchedCount > 0);

    internal static UpdateDefinition<AutoreplySenderDocument> AutoreplySenderRecord(DateTime now, DateTime expires) =>
        Builders<AutoreplySenderDocument>.Update.Set(s => s.Replied, now).Set(s => s.Expires, expires);

    // ------------------------------------------------------------------ mapping

    internal static AutoreplySettings ToAutoreplySettings(AutoreplyFieldsDocument document) => new()
    {
        Enabled = document.Status,
        Name = document.Name,
        Subject = document.Subject,
        Text = document.Text,
        Html = document.Html,
        Start = document.Start is { } start ? MongoMapping.FromBsonDate(start) : null,
        End = document.End is { } end ? MongoMapping.FromBsonDate(end) : null,
    };
}
