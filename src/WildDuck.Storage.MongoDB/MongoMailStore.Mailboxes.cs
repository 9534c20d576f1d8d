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

public sealed partial class MongoMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<MailboxRecord>> ListMailboxesAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<MailboxRecord>>(
            async ct =>
            {
                var documents = await _context.Mailboxes.FindWith(null, MailboxesOfUser(MongoIds.ToObjectId(user)), UsersFind())
                    .Sort(Builders<MailboxDocument>.Sort.Ascending(m => m.Path))
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToMailboxRecord).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<MailboxRecord?> GetMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default) =>
        RunDirectAsync(ct => FindMailboxAsync(null, MailboxFilter(MongoIds.ToObjectId(user), MongoIds.ToObjectId(mailbox)), ct), cancellationToken);

    /// <inheritdoc />
    public Task<MailboxRecord?> FindMailboxAsync(UserId user, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var filter = MailboxByPath(MongoIds.ToObjectId(user), StoreRules.NormalizeMailboxPath(path));
        return RunDirectAsync(ct => FindMailboxAsync(null, filter, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<MailboxRecord?> FindSpecialUseAsync(UserId user, SpecialUse specialUse, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                if (MongoMapping.SpecialUseName(specialUse) is not { } name)
                {
                    return null;
                }

                // The oldest one when several carry the attribute (ids are time-ordered).
                var document = await _context.Mailboxes.FindWith(null, MailboxBySpecialUse(MongoIds.ToObjectId(user), name), UsersFind())
                    .Sort(Builders<MailboxDocument>.Sort.Ascending(m => m.Id))
                    .FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToMailboxRecord(document);
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Without a transaction the mailbox is inserted, then its CREATE entry; when the entry cannot
    /// be written the mailbox is deleted again. The mailbox limit is checked by counting first, so
    /// concurrent creations may pass it by one each (with or without a transaction).
    /// </remarks>
    public async Task<MailboxRecord> CreateMailboxAsync(UserId user, string path, CreateMailboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = StoreRules.ValidateMailboxPath(path, _options.Users);
        var userId = MongoIds.ToObjectId(user);
        var record = await RunAsync(
            async (session, ct) =>
            {
                var owner = await ReadUserAsync(session, userId, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such user.");
                await EnsureMailboxLimitAsync(session, userId, ct).ConfigureAwait(false);
                var effective = options ?? new CreateMailboxOptions();
                if (effective.Retention is null && owner.Retention is not null)
                {
                    effective = effective with { Retention = owner.Retention };
                }

                return await InsertMailboxAsync(session, userId, normalized, effective, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        await NotifyAsync(user).ConfigureAwait(false);
        StoreEvents.MailboxCreated(_events, record);
        return record;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each renamed mailbox gets its new path and a new MODSEQ in one <c>findOneAndUpdate</c>, then
    /// its RENAME entry. Without a transaction a crash part-way leaves some children at their old
    /// paths (paths are flat, so they stay usable); renaming again completes it.
    /// </remarks>
    public async Task<MailboxRecord> RenameMailboxAsync(UserId user, MailboxId mailbox, string newPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newPath);
        var target = StoreRules.ValidateMailboxPath(newPath, _options.Users);
        var userId = MongoIds.ToObjectId(user);
        var mailboxId = MongoIds.ToObjectId(mailbox);
        string? previousPath = null;
        var result = await RunAsync(
            async (session, ct) =>
            {
                var row = await _context.Mailboxes.FindWith(session, MailboxFilter(userId, mailboxId), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false)
                    ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                previousPath = row.Path;
                if (string.Equals(target, "INBOX", StringComparison.Ordinal) || await MailboxExistsAsync(session, userId, target, ct).ConfigureAwait(false))
                {
                    throw new StorageException(StorageError.AlreadyExists, "Target mailbox already exists.");
                }

                if (string.Equals(row.Path, "INBOX", StringComparison.Ordinal))
                {
                    // RFC 3501 §6.3.5: renaming INBOX moves all its messages to a new mailbox with
                    // the given name and leaves INBOX in place, empty. That creates a mailbox, so
                    // the per-user mailbox limit applies as it does to CREATE.
                    await EnsureMailboxLimitAsync(session, userId, ct).ConfigureAwait(false);
                    var owner = await ReadUserAsync(session, userId, ct).ConfigureAwait(false);
                    var created = await InsertMailboxAsync(session, userId, target, new CreateMailboxOptions { Retention = owner?.Retention }, ct).ConfigureAwait(false);
                    var createdId = MongoIds.ToObjectId(created.Id);
                    await MoveAllMessagesAsync(session, userId, mailboxId, createdId, ct).ConfigureAwait(false);
                    return await FindMailboxAsync(session, MailboxFilter(userId, createdId), ct).ConfigureAwait(false) ?? created;
                }

                var oldPath = row.Path;
                if (target.StartsWith(oldPath + "/", StringComparison.Ordinal))
                {
                    throw new StorageException(StorageError.Cannot, "A mailbox cannot be moved into itself.");
                }

                // The mailbox and every mailbox below it (RFC 3501 §6.3.5: inferior names change too).
                var children = await _context.Mailboxes.FindWith(session, MailboxesBelow(userId, oldPath), UsersFind()).ToListAsync(ct).ConfigureAwait(false);
                var renames = new List<(ObjectId Id, string NewPath)> { (row.Id, target) };
                renames.AddRange(children.Select(c => (c.Id, target + c.Path[oldPath.Length..])));
                foreach (var (id, path) in renames.Skip(1))
                {
                    if (await MailboxExistsAsync(session, userId, path, ct).ConfigureAwait(false))
                    {
                        throw new StorageException(StorageError.AlreadyExists, "A mailbox below the target already exists.");
                    }
                }

                var entries = new List<JournalDocument>(renames.Count);
                foreach (var (id, path) in renames)
                {
                    var after = await _context.Mailboxes.FindOneAndUpdateWithAsync(
                        session,
                        MailboxFilter(userId, id),
                        RenameUpdate(path),
                        new FindOneAndUpdateOptions<MailboxDocument> { ReturnDocument = ReturnDocument.After },
                        ct).ConfigureAwait(false);
                    if (after is not null)
                    {
                        entries.Add(NewJournal(userId, id, after.ModifyIndex, JournalCommand.Rename, path: path));
                        if (await TakeOrphanSubscriptionAsync(session, userId, path, ct).ConfigureAwait(false) && !after.Subscribed)
                        {
                            await _context.Mailboxes.UpdateOneWithAsync(session, MailboxFilter(userId, id), SubscribedUpdate(true), null, ct).ConfigureAwait(false);
                        }
                    }
                }

                await AppendJournalAsync(session, entries, ct).ConfigureAwait(false);
                return await FindMailboxAsync(session, MailboxFilter(userId, mailboxId), ct).ConfigureAwait(false)
                    ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
            },
            cancellationToken).ConfigureAwait(false);
        await NotifyAsync(user).ConfigureAwait(false);
        StoreEvents.MailboxRenamed(_events, result, previousPath);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A mailbox of more than <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> messages
    /// is first emptied batch by batch, each batch one change that removes messages as an expunge
    /// does (EXPUNGE entries: the mailbox still exists and may be selected). The last change, the
    /// only one for a smaller mailbox, deletes the mailbox document first (so no append can land
    /// in it any more), then its remaining messages (releasing quota and attachment references),
    /// then writes the DELETE entry. A deletion that fails part-way leaves the mailbox, emptier and
    /// consistent: deleting it again finishes the job. Without a transaction a crash inside the
    /// last change leaves messages of a mailbox that no longer exists; the consistency check
    /// reports them.
    /// </remarks>
    public async Task DeleteMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default)
    {
        var userId = MongoIds.ToObjectId(user);
        var mailboxId = MongoIds.ToObjectId(mailbox);
        string? path = null;
        var size = MaxMessagesPerTransaction;
        await RunInBatchesAsync<bool>(
            user,
            "Mailbox deletion",
            async (session, undo, _, ct) =>
            {
                var row = await _context.Mailboxes.FindWith(session, MailboxFilter(userId, mailboxId), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false)
                    ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                if (string.Equals(row.Path, "INBOX", StringComparison.Ordinal))
                {
                    throw new StorageException(StorageError.Cannot, "INBOX cannot be deleted.");
                }

                if (await HasMoreMessagesThanAsync(session, MessagesOfMailbox(userId, mailboxId), size, ct).ConfigureAwait(false))
                {
                    var removed = await DeleteMessageBatchAsync(session, undo, userId, mailboxId, size, ct).ConfigureAwait(false);
                    if (removed > 0)
                    {
                        return new Batch<bool>(false, removed, More: true, 0);
                    }
                }

                var deleted = await _context.Mailboxes.FindOneAndDeleteWithAsync(session, MailboxFilter(userId, mailboxId), ct).ConfigureAwait(false)
                    ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                if (deleted.Subscribed)
                {
                    // RFC 3501 §6.3.6: the name stays subscribed after its mailbox is gone.
                    await _context.OrphanSubscriptions.UpdateOneWithAsync(session, OrphanSubscription(userId, deleted.Path), OrphanSubscriptionInsert(userId, deleted.Path), new UpdateOptions { IsUpsert = true }, ct).ConfigureAwait(false);
                }

                await DeleteMailboxMessagesAsync(session, undo, userId, mailboxId, ct).ConfigureAwait(false);
                await AppendJournalAsync(session, [NewJournal(userId, mailboxId, deleted.ModifyIndex + 1, JournalCommand.Delete, path: deleted.Path)], ct).ConfigureAwait(false);
                path = deleted.Path;

                // Messages = 1: the deletion itself wakes the user's sessions.
                return new Batch<bool>(true, 1, More: false, 0);
            },
            _ => { },
            null,
            cancellationToken).ConfigureAwait(false);
        StoreEvents.MailboxDeleted(_events, user, mailbox, path);
    }

    /// <summary>
    /// True when <paramref name="filter"/> matches more than <paramref name="limit"/> messages
    /// (a count that stops at <paramref name="limit"/> + 1, on an index prefixed by the filter's field).
    /// </summary>
    private async Task<bool> HasMoreMessagesThanAsync(IClientSessionHandle? session, FilterDefinition<MessageDocument> filter, int limit, CancellationToken ct) =>
        await _context.Messages.CountWithAsync(session, filter, ct, new CountOptions { Limit = limit + 1L, MaxTime = _context.MessagesTimeLimit }).ConfigureAwait(false) > limit;

    /// <inheritdoc />
    public Task SetEncryptMessagesAsync(UserId user, MailboxId mailbox, bool encrypt, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Mailboxes.UpdateOneWithAsync(null, MailboxFilter(MongoIds.ToObjectId(user), MongoIds.ToObjectId(mailbox)), EncryptMessagesUpdate(encrypt), null, ct).ConfigureAwait(false)).MatchedCount == 0
                ? throw new StorageException(StorageError.NotFound, "No such mailbox.")
                : 0,
            cancellationToken);

    /// <inheritdoc />
    public Task SetSubscribedAsync(UserId user, MailboxId mailbox, bool subscribed, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var result = await _context.Mailboxes.UpdateOneWithAsync(
                    null,
                    MailboxFilter(MongoIds.ToObjectId(user), MongoIds.ToObjectId(mailbox)),
                    SubscribedUpdate(subscribed),
                    null,
                    ct).ConfigureAwait(false);
                if (result.MatchedCount == 0)
                {
                    throw new StorageException(StorageError.NotFound, "No such mailbox.");
                }

                return 0;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListOrphanSubscriptionsAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<string>>(
            async ct =>
            {
                var documents = await _context.OrphanSubscriptions.FindWith(null, OrphanSubscriptionsOfUser(MongoIds.ToObjectId(user)), UsersFind())
                    .Sort(Builders<OrphanSubscriptionDocument>.Sort.Ascending(s => s.Path))
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(d => d.Path).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveOrphanSubscriptionAsync(UserId user, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = StoreRules.NormalizeMailboxPath(path);
        return RunDirectAsync(ct => TakeOrphanSubscriptionAsync(null, MongoIds.ToObjectId(user), normalized, ct), cancellationToken);
    }

    private async Task<bool> TakeOrphanSubscriptionAsync(IClientSessionHandle? session, ObjectId user, string path, CancellationToken cancellationToken) =>
        (await _context.OrphanSubscriptions.DeleteOneWithAsync(session, OrphanSubscription(user, path), cancellationToken).ConfigureAwait(false)).DeletedCount > 0;

    internal static FilterDefinition<OrphanSubscriptionDocument> OrphanSubscription(ObjectId user, string path) =>
        Builders<OrphanSubscriptionDocument>.Filter.Eq(s => s.User, user) & Builders<OrphanSubscriptionDocument>.Filter.Eq(s => s.Path, path);

    internal static FilterDefinition<OrphanSubscriptionDocument> OrphanSubscriptionsOfUser(ObjectId user) =>
        Builders<OrphanSubscriptionDocument>.Filter.Eq(s => s.User, user);

    internal static UpdateDefinition<OrphanSubscriptionDocument> OrphanSubscriptionInsert(ObjectId user, string path) =>
        Builders<OrphanSubscriptionDocument>.Update.SetOnInsert(s => s.User, user).SetOnInsert(s => s.Path, path);

    /// <inheritdoc />
    /// <remarks>
    /// In a transaction the mailbox and its UIDs come from one snapshot. Without one the mailbox is
    /// read first and then the messages below its UIDNEXT: a message appended after the first read
    /// has a higher MODSEQ and is announced through the journal. What remains is WildDuck's window:
    /// an append whose UID was allocated before the first read but whose message is not written yet
    /// is seen only after the next SELECT.
    /// </remarks>
    public Task<MailboxSnapshot?> OpenAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default)
    {
        var userId = MongoIds.ToObjectId(user);
        var mailboxId = MongoIds.ToObjectId(mailbox);
        return RunAsync(
            async (session, ct) =>
            {
                var record = await FindMailboxAsync(session, MailboxFilter(userId, mailboxId), ct).ConfigureAwait(false);
                if (record is null)
                {
                    return null;
                }

                // Runs of consecutive UIDs, built while reading: no per-message array.
                var runs = new List<UidRange>();
                uint runStart = 0, runEnd = 0, firstUnseen = 0;
                using (var cursor = await _context.Messages.FindWith(session, MessagesBelowUid(userId, mailboxId, record.UidNext), new FindOptions { MaxTime = _context.MessagesTimeLimit, BatchSize = 10_000 })
                    .Sort(UidOrder())
                    .Project(UidAndUnseen())
                    .ToCursorAsync(ct).ConfigureAwait(false))
                {
                    while (await cursor.MoveNextAsync(ct).ConfigureAwait(false))
                    {
                        foreach (var document in cursor.Current)
                        {
                            var uid = (uint)document["uid"].ToInt64();
                            if (runStart != 0 && uid == runEnd + 1)
                            {
                                runEnd = uid;
                            }
                            else
                            {
                                if (runStart != 0)
                                {
                                    runs.Add(new UidRange(runStart, runEnd));
                                }

                                runStart = runEnd = uid;
                            }

                            if (firstUnseen == 0 && document.TryGetValue("unseen", out var unseen) && unseen.ToBoolean())
                            {
                                firstUnseen = uid;
                            }
                        }
                    }
                }

                if (runStart != 0)
                {
                    runs.Add(new UidRange(runStart, runEnd));
                }

                return new MailboxSnapshot { Mailbox = record, UidSet = UidSet.FromRanges(runs), FirstUnseenUid = firstUnseen };
            },
            cancellationToken);
    }

    // ------------------------------------------------------------------ message hooks

    /// <summary>
    /// Deletes every message of a mailbox (for mailbox and user deletion): releases their attachment
    /// references and the user's <c>storageUsed</c>, and writes no journal entries (the caller writes
    /// DELETE). Without a transaction it works in batches and releases as it goes, so a crash
    /// loses no more than one batch's accounting. Inside a transaction, releases on a users or
    /// attachments database on another connection go to <paramref name="undo"/>'s after-commit
    /// steps (never applied twice by a retried transaction). Implemented by the message store.
    /// </summary>
    private partial Task DeleteMailboxMessagesAsync(IClientSessionHandle? session, Compensation undo, ObjectId user, ObjectId mailbox, CancellationToken cancellationToken);

    /// <summary>
    /// Removes up to <paramref name="limit"/> messages of a mailbox from its lowest UID as an
    /// expunge does (one MODSEQ, EXPUNGE entries, counters, quota and attachment references), in
    /// the caller's change; returns how many. For mailbox and user deletion of more than one
    /// batch. Implemented by the message store.
    /// </summary>
    private partial Task<int> DeleteMessageBatchAsync(IClientSessionHandle? session, Compensation undo, ObjectId user, ObjectId mailbox, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Moves every message of <paramref name="source"/> to <paramref name="target"/> (RENAME INBOX):
    /// new UIDs and a MODSEQ in the target, EXPUNGE entries in the source and EXISTS entries in the
    /// target, both mailboxes' counts adjusted. Implemented by the message store.
    /// </summary>
    private partial Task MoveAllMessagesAsync(IClientSessionHandle? session, ObjectId user, ObjectId source, ObjectId target, CancellationToken cancellationToken);

    // ------------------------------------------------------------------ helpers

    private async Task<MailboxRecord?> FindMailboxAsync(IClientSessionHandle? session, FilterDefinition<MailboxDocument> filter, CancellationToken cancellationToken)
    {
        var document = await _context.Mailboxes.FindWith(session, filter, UsersFind()).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : ToMailboxRecord(document);
    }

    private Task<bool> MailboxExistsAsync(IClientSessionHandle? session, ObjectId user, string path, CancellationToken cancellationToken) =>
        _context.Mailboxes.FindWith(session, MailboxByPath(user, path), UsersFind()).AnyAsync(cancellationToken);

    private async Task EnsureMailboxLimitAsync(IClientSessionHandle? session, ObjectId user, CancellationToken cancellationToken)
    {
        var count = await _context.Mailboxes.CountWithAsync(session, MailboxesOfUser(user), cancellationToken).ConfigureAwait(false);
        if (count >= _options.Users.MaxMailboxes)
        {
            throw new StorageException(StorageError.Limit, "Too many mailboxes.");
        }
    }

    /// <summary>
    /// Inserts a mailbox and its CREATE entry (MODSEQ 1). UIDVALIDITY is the creation time in
    /// seconds (as WildDuck) but strictly increasing per user, so a mailbox deleted and re-created
    /// within one second never reuses a value (RFC 3501 §2.3.1.1).
    /// </summary>
    private async Task<MailboxRecord> InsertMailboxAsync(IClientSessionHandle? session, ObjectId user, string path, CreateMailboxOptions options, CancellationToken cancellationToken)
    {
        var owner = await _context.Users.FindOneAndUpdateWithAsync(
            UsersSession(session),
            UserById(user),
            NextUidValidityUpdate(_time.GetUtcNow().ToUnixTimeSeconds()),
            new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such user.");
        if (await TakeOrphanSubscriptionAsync(session, user, path, cancellationToken).ConfigureAwait(false))
        {
            // The name was subscribed while it had no mailbox: the new mailbox is subscribed.
            options = options with { Subscribed = true };
        }

        var document = NewMailboxDocument(user, path, options, owner.LastUidValidity);
        try
        {
            await _context.Mailboxes.InsertOneWithAsync(session, document, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException ex) when (IsDuplicateKey(ex))
        {
            throw new StorageException(StorageError.AlreadyExists, "Mailbox already exists.", ex);
        }

        try
        {
            await AppendJournalAsync(session, [NewJournal(user, document.Id, document.ModifyIndex, JournalCommand.Create, path: path)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (session is null)
        {
            await _context.Mailboxes.DeleteOneWithAsync(null, MailboxFilter(user, document.Id), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return ToMailboxRecord(document);
    }

    private MailboxDocument NewMailboxDocument(ObjectId user, string path, CreateMailboxOptions options, long uidValidity) => new()
    {
        Id = MongoIds.ToObjectId(MailboxId.NewId(_time)),
        User = user,
        Path = path,
        SpecialUse = MongoMapping.SpecialUseName(options.SpecialUse),
        UidValidity = uidValidity,
        UidNext = 1,

        // RFC 7162 §7: mod-sequence values are positive; a new mailbox starts at 1 so its first
        // HIGHESTMODSEQ is valid and every later change is above it.
        ModifyIndex = 1,
        Subscribed = options.Subscribed,
        Retention = MongoMapping.RetentionMs(options.Retention),
        Hidden = options.Hidden,
        EncryptMessages = options.EncryptMessages,
    };

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    internal static FilterDefinition<MailboxDocument> MailboxesOfUser(ObjectId user) => Builders<MailboxDocument>.Filter.Eq(m => m.User, user);

    internal static FilterDefinition<MailboxDocument> MailboxByPath(ObjectId user, string path) =>
        Builders<MailboxDocument>.Filter.Eq(m => m.User, user) & Builders<MailboxDocument>.Filter.Eq(m => m.Path, path);

    internal static FilterDefinition<MailboxDocument> MailboxBySpecialUse(ObjectId user, string specialUse) =>
        Builders<MailboxDocument>.Filter.Eq(m => m.User, user) & Builders<MailboxDocument>.Filter.Eq(m => m.SpecialUse, specialUse);

    /// <summary>
    /// The mailboxes strictly below <paramref name="path"/>: paths in [<c>path/</c>, <c>path0</c>)
    /// (<c>'0'</c> follows <c>'/'</c>), exactly the paths starting with <c>path/</c>, as an index
    /// range on <c>user_path</c> rather than a regular expression.
    /// </summary>
    internal static FilterDefinition<MailboxDocument> MailboxesBelow(ObjectId user, string path) =>
        Builders<MailboxDocument>.Filter.Eq(m => m.User, user)
        & Builders<MailboxDocument>.Filter.Gte(m => m.Path, path + "/")
        & Builders<MailboxDocument>.Filter.Lt(m => m.Path, path + "0");

    /// <summary><c>{$set: {path}, $inc: {modifyIndex: 1}}</c>: a rename takes a MODSEQ for its journal entry.</summary>
    internal static UpdateDefinition<MailboxDocument> RenameUpdate(string path) =>
        Builders<MailboxDocument>.Update.Set(m => m.Path, path).Inc(m => m.ModifyIndex, 1L);

    internal static UpdateDefinition<MailboxDocument> SubscribedUpdate(bool subscribed) =>
        Builders<MailboxDocument>.Update.Set(m => m.Subscribed, subscribed);

    /// <summary><c>{$set: {encryptMessages}}</c>.</summary>
    internal static UpdateDefinition<MailboxDocument> EncryptMessagesUpdate(bool encrypt) =>
        Builders<MailboxDocument>.Update.Set(m => m.EncryptMessages, encrypt);


    /// <summary>
    /// One pipeline update: <c>lastUidValidity = max(now, lastUidValidity + 1)</c>, so UIDVALIDITY
    /// values of a user strictly increase even within one second.
    /// </summary>
    internal static UpdateDefinition<UserDocument> NextUidValidityUpdate(long nowSeconds) =>
        Builders<UserDocument>.Update.Pipeline(new BsonDocument[]
        {
            new("$set", new BsonDocument("lastUidValidity", new BsonDocument("$max", new BsonArray
            {
                nowSeconds,
                new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$lastUidValidity", 0L }), 1L }),
            }))),
        });

    /// <summary>The messages of one mailbox (WildDuck's queries carry <c>mailbox</c>, the shard key prefix; <c>user</c> guards ownership).</summary>
    internal static FilterDefinition<MessageDocument> MessagesOfMailbox(ObjectId user, ObjectId mailbox) =>
        Builders<MessageDocument>.Filter.Eq("mailbox", mailbox) & Builders<MessageDocument>.Filter.Eq("user", user);

    /// <summary>The messages of a mailbox below a UIDNEXT read before (on <c>mailbox_uid</c>).</summary>
    internal static FilterDefinition<MessageDocument> MessagesBelowUid(ObjectId user, ObjectId mailbox, uint uidNext) =>
        MessagesOfMailbox(user, mailbox) & Builders<MessageDocument>.Filter.Lt("uid", (long)uidNext);

    internal static SortDefinition<MessageDocument> UidOrder() => Builders<MessageDocument>.Sort.Ascending("uid");

    /// <summary>Only <c>uid</c> and <c>unseen</c> (covered by <c>mailbox_uid</c> + a fetch of <c>unseen</c>).</summary>
    internal static ProjectionDefinition<MessageDocument, BsonDocument> UidAndUnseen() =>
        Builders<MessageDocument>.Projection.Include("uid").Include("unseen").Exclude("_id");

    // ------------------------------------------------------------------ mapping

    internal static MailboxRecord ToMailboxRecord(MailboxDocument document) => new()
    {
        Id = MongoIds.ToMailboxId(document.Id),
        User = MongoIds.ToUserId(document.User),
        Path = document.Path,
        SpecialUse = MongoMapping.ParseSpecialUse(document.SpecialUse),
        UidValidity = (uint)document.UidValidity,
        UidNext = (uint)document.UidNext,
        HighestModSeq = document.ModifyIndex,
        Subscribed = document.Subscribed,
        Retention = MongoMapping.Retention(document.Retention),
        Hidden = document.Hidden,
        EncryptMessages = document.EncryptMessages,
        Keywords = document.Flags?.ToArray() ?? Array.Empty<string>(),
        MessageCount = document.Messages,
        UnseenCount = document.Unseen,
        TotalSize = document.Size,
    };
}
