// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    /// <summary>Messages per query when listing metadata.</summary>
    private const int ListBatchSize = 1000;

    /// <summary>Messages per query when content is read along.</summary>
    private const int ContentBatchSize = 64;

    /// <summary>Attachments up to this size are read along with a content batch.</summary>
    private const long MaxPrefetchedAttachment = 1024 * 1024;

    /// <summary>Attachment bytes one content batch may prefetch.</summary>
    private const long MaxBatchPrefetchBytes = 16L * 1024 * 1024;

    /// <summary>Above this many ranges a UID set is read as one covering range, filtered here.</summary>
    private const int MaxListRanges = 8;

    /// <summary>Attempts at one message's conditional flag write under concurrent changes (no transaction).</summary>
    private const int MaxFlagAttempts = 50;

    /// <summary>Writes per bulk write inside a transaction.</summary>
    private const int BulkBatchSize = 1000;

    /// <summary>Messages copied per insert.</summary>
    private const int CopyBatchSize = 100;

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(UserId user, MailboxId mailbox, AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keywords = StoreRules.NormalizeKeywords(request.Keywords);

        // Parsing and hashing happen before any write.
        var indexed = request.Indexed ?? Indexer.Index(request.Content);
        if (request.Indexed is not null && MessageNormalizer.GetNormalizedLength(request.Content.Span) != indexed.Size)
        {
            throw new StorageException(StorageError.Invalid, "The supplied index does not describe the message.");
        }

        var u = MongoIds.ToObjectId(user);
        var mb = MongoIds.ToObjectId(mailbox);
        var internalDate = request.InternalDate ?? _time.GetUtcNow();

        // A missing mailbox or an exceeded quota stores nothing, not even attachments (both are
        // checked again in the change itself).
        await RunDirectAsync(
            async ct =>
            {
                _ = await _context.Mailboxes.Find(MailboxFilter(u, mb)).Project(new BsonDocument("_id", 1)).FirstOrDefaultAsync(ct).ConfigureAwait(false)
                    ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                if (request.EnforceQuota)
                {
                    await CheckQuotaAsync(null, u, indexed.Size, ct).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);

        // Reference §2.7 step 3: the attachment bodies first, outside any transaction (GridFS
        // writes are not transactional); released again if the message is not stored.
        var magic = NewMagic();
        var referenced = new List<byte[]>();
        AppendResult result;
        try
        {
            await RunDirectAsync(
                async ct =>
                {
                    await GridFs.AddAsync(indexed.ExternalBodies, magic, () => Now, referenced, ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            result = await RunCompensatedAsync(
                (s, undo, ct) => AppendCoreAsync(s, undo, u, mb, mailbox, request, keywords, indexed, internalDate, magic, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (referenced.Count > 0 && !MayHaveCommitted(ex))
        {
            // A commit whose outcome is unknown may have stored the message: its references are
            // then kept (a leak the check reports) rather than released under a stored message,
            // whose attachments garbage collection would delete.
            await CompensateAsync(() => GridFs.AdjustAsync(null, referenced.Select(id => (id, magic)), -1, Now, CancellationToken.None)).ConfigureAwait(false);
            throw;
        }

        await NotifyAsync(user).ConfigureAwait(false);
        return result;
    }

    private async Task<AppendResult> AppendCoreAsync(
        IClientSessionHandle? s,
        Compensation undo,
        ObjectId u,
        ObjectId mb,
        MailboxId mailbox,
        AppendRequest request,
        List<string> keywords,
        IndexedMessage indexed,
        DateTimeOffset internalDate,
        int magic,
        CancellationToken ct)
    {
        var box = await FindMailboxAsync(s, u, mb, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");

        // §2.7 step 4: quota, then storageUsed.
        await ReserveStorageAsync(s, undo, u, indexed.Size, request.EnforceQuota, ct).ConfigureAwait(false);
        await MergeMailboxKeywordsAsync(s, box, keywords, ct).ConfigureAwait(false);

        // Step 5: UID and MODSEQ in one atomic $inc (a UID lost to a later failure is a gap, never reused).
        var (uid, modseq, before) = await AllocateUidsAsync(s, u, mb, 1, ct).ConfigureAwait(false);

        // Step 6: the thread; step 7: the message.
        var thread = await AssignThreadAsync(s, u, indexed.Metadata, ct).ConfigureAwait(false);
        var id = MongoIds.ToObjectId(MessageId.NewId(_time));
        var document = MessageMapping.Create(id, u, mb, uid, modseq, request.Flags, keywords, internalDate, indexed, thread, request.Source, magic, Now);
        await _context.Messages.InsertOneWithAsync(s, document, ct).ConfigureAwait(false);
        undo.Add(() => _context.Messages.DeleteOneAsync(MessageFilter(id, mb, uid)));

        var unseen = (request.Flags & MessageFlags.Seen) == 0 ? 1 : 0;
        await AdjustMailboxCountersAsync(s, undo, u, mb, 1, unseen, indexed.Size, ct).ConfigureAwait(false);

        // Step 10: the journal (the last step: nothing after it can fail the append).
        await AppendJournalAsync(s, new[] { NewJournal(u, mb, modseq, JournalCommand.Exists, uid, id, request.Flags, keywords) }, ct).ConfigureAwait(false);
        return new AppendResult(mailbox, MongoIds.ToMessageId(id), (uint)before.UidValidity, uid, modseq, indexed.Size);
    }

    /// <summary>
    /// True when a failed change may nevertheless have committed: the driver gave up on a commit
    /// whose result it could not learn (error label <c>UnknownTransactionCommitResult</c>, also
    /// when wrapped in a <see cref="StorageException"/>).
    /// </summary>
    internal static bool MayHaveCommitted(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is MongoException mongo && mongo.HasErrorLabel("UnknownTransactionCommitResult"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A random 16-bit magic number (reference §2.5), never 0.</summary>
    private static int NewMagic() => RandomNumberGenerator.GetInt32(1, 0x10000);

    /// <inheritdoc />
    public async IAsyncEnumerable<MessageRecord> ListMessagesAsync(
        UserId user,
        MailboxId mailbox,
        UidSet uids,
        MessageFields fields = MessageFields.Basic,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        if (uids.IsEmpty)
        {
            yield break;
        }

        var u = MongoIds.ToObjectId(user);
        var mb = MongoIds.ToObjectId(mailbox);
        var withContent = (fields & MessageFields.Content) != 0;
        var projection = ListProjection(fields);
        var batchSize = withContent ? ContentBatchSize : ListBatchSize;
        var ranges = uids.Ranges.ToArray();
        if (ranges.Length > MaxListRanges)
        {
            ranges = new[] { new UidRange(ranges[0].First, ranges[^1].Last) };
        }

        foreach (var range in ranges)
        {
            long after = (long)range.First - 1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var filter = RangeFilter(u, mb, after, range.Last);
                var batch = await RunDirectAsync(
                    ct => _context.Messages.Find(filter, MessageQueryOptions).Project<MessageDocument>(projection).Sort(ByUid).Limit(batchSize).ToListAsync(ct),
                    cancellationToken).ConfigureAwait(false);
                var source = withContent ? await PrefetchAsync(batch, uids, cancellationToken).ConfigureAwait(false) : null;
                foreach (var document in batch)
                {
                    if (!uids.Contains((uint)document.Uid))
                    {
                        continue;
                    }

                    var record = MessageMapping.ToRecord(document, mailbox, (fields & MessageFields.Envelope) != 0, (fields & MessageFields.Structure) != 0);
                    yield return source is null ? record : record with { Content = OpenContent(document, source) };
                }

                if (batch.Count < batchSize)
                {
                    break;
                }

                after = batch[^1].Uid;
            }
        }
    }

    /// <summary>An attachment source for a content batch, holding its small attachments (up to a byte budget) in memory.</summary>
    private async Task<GridFsAttachmentSource> PrefetchAsync(List<MessageDocument> batch, UidSet uids, CancellationToken cancellationToken)
    {
        var source = new GridFsAttachmentSource(GridFs);
        var wanted = new Dictionary<ContentHash, long>();
        long budget = MaxBatchPrefetchBytes;
        foreach (var document in batch)
        {
            if (!uids.Contains((uint)document.Uid) || document.AttachmentIds.Count == 0)
            {
                continue;
            }

            foreach (var segment in MessageLayoutSerializer.Deserialize(document.Layout).Segments)
            {
                if (segment.IsExternal && segment.Length <= MaxPrefetchedAttachment && segment.Length <= budget && wanted.TryAdd(segment.Hash, segment.Length))
                {
                    budget -= segment.Length;
                }
            }
        }

        if (wanted.Count > 0)
        {
            var files = wanted.Select(w => (w.Key, w.Value)).ToList();
            var bodies = await RunDirectAsync(ct => GridFs.ReadWholeAsync(files, ct), cancellationToken).ConfigureAwait(false);
            foreach (var (hash, bytes) in bodies)
            {
                source.Add(hash, bytes);
            }
        }

        return source;
    }

    private static MessageContent OpenContent(MessageDocument document, IAttachmentContentSource source) =>
        new(MessageLayoutSerializer.Deserialize(document.Layout), document.Inline, source);

    /// <inheritdoc />
    public Task<MessageRecord?> GetMessageAsync(UserId user, MailboxId mailbox, uint uid, MessageFields fields = MessageFields.Basic, CancellationToken cancellationToken = default)
    {
        var filter = RangeFilter(MongoIds.ToObjectId(user), MongoIds.ToObjectId(mailbox), (long)uid - 1, uid);
        var projection = ListProjection(fields & ~MessageFields.Content);
        return RunDirectAsync<MessageRecord?>(
            async ct =>
            {
                var document = await _context.Messages.Find(filter, MessageQueryOptions).Project<MessageDocument>(projection).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null
                    ? null
                    : MessageMapping.ToRecord(document, mailbox, (fields & MessageFields.Envelope) != 0, (fields & MessageFields.Structure) != 0);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<MessageContent?> OpenContentAsync(UserId user, MailboxId mailbox, uint uid, CancellationToken cancellationToken = default)
    {
        var filter = RangeFilter(MongoIds.ToObjectId(user), MongoIds.ToObjectId(mailbox), (long)uid - 1, uid);
        return RunDirectAsync<MessageContent?>(
            async ct =>
            {
                var document = await _context.Messages.Find(filter, MessageQueryOptions).Project<MessageDocument>(ContentProjection).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : OpenContent(document, new GridFsAttachmentSource(GridFs));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<FlagUpdateResult> UpdateFlagsAsync(UserId user, MailboxId mailbox, UidSet uids, FlagUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(update);
        var keywords = StoreRules.NormalizeKeywords(update.Keywords);
        var u = MongoIds.ToObjectId(user);
        var mb = MongoIds.ToObjectId(mailbox);
        var (result, changed) = await RunCompensatedAsync(
            (s, undo, ct) => UpdateFlagsCoreAsync(s, u, mb, uids, update, keywords, ct),
            cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await NotifyAsync(user).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<(FlagUpdateResult Result, bool Changed)> UpdateFlagsCoreAsync(
        IClientSessionHandle? s,
        ObjectId u,
        ObjectId mb,
        UidSet uids,
        FlagUpdate update,
        List<string> keywords,
        CancellationToken ct)
    {
        var box = await FindMailboxAsync(s, u, mb, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
        var targets = await ReadRowsAsync(s, mb, uids, onlyDeleted: false, ct).ConfigureAwait(false);
        var updated = new List<FlagChange>(targets.Count);
        var modified = new List<uint>();
        var pending = new List<(int Index, MessageRow Row, MessageFlags Flags, IReadOnlyList<string> Keywords)>();
        foreach (var m in targets)
        {
            switch (Plan(m, update, keywords))
            {
                case (FlagPlan.Modified, _, _):
                    // RFC 7162 §3.1.3: fails UNCHANGEDSINCE; reported in MODIFIED, not changed.
                    modified.Add(m.Uid);
                    break;
                case (FlagPlan.Unchanged, _, _):
                    updated.Add(new FlagChange(m.Uid, m.ModSeq, m.Flags, m.Keywords));
                    break;
                case (_, var flags, var newKeywords):
                    pending.Add((updated.Count, m, flags, newKeywords));
                    updated.Add(new FlagChange(m.Uid, 0, flags, newKeywords));
                    break;
            }
        }

        IReadOnlyList<string> newMailboxKeywords = Array.Empty<string>();
        if (pending.Count == 0)
        {
            return (new FlagUpdateResult { Updated = updated, Modified = modified }, false);
        }

        if (update.Operation != FlagOperation.Remove)
        {
            newMailboxKeywords = await MergeMailboxKeywordsAsync(s, box, keywords, ct).ConfigureAwait(false);
        }

        // At most one new MODSEQ per STORE, shared by every changed message (RFC 7162 §3.1.3).
        var modseq = await BumpModSeqAsync(s, u, mb, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
        var unseenDelta = 0;
        var journal = new List<JournalDocument>(pending.Count);
        var gone = new List<int>();
        foreach (var (index, row, flags, newKeywords) in pending)
        {
            var (applied, appliedFlags, appliedKeywords, previous) = await ApplyFlagsAsync(s, mb, row, update, keywords, flags, newKeywords, modseq, ct).ConfigureAwait(false);
            switch (applied)
            {
                case FlagPlan.Change:
                    unseenDelta += SeenDelta(previous.Flags, appliedFlags);
                    // $max: a message whose concurrent change (no transaction) took a later MODSEQ keeps it.
                    updated[index] = new FlagChange(row.Uid, Math.Max(modseq, previous.ModSeq), appliedFlags, appliedKeywords);
                    journal.Add(NewJournal(u, mb, modseq, JournalCommand.Fetch, row.Uid, row.Id, appliedFlags, appliedKeywords));
                    break;
                case FlagPlan.Unchanged:
                    updated[index] = new FlagChange(row.Uid, previous.ModSeq, previous.Flags, previous.Keywords);
                    break;
                case FlagPlan.Modified:
                    updated[index] = null!;
                    modified.Add(row.Uid);
                    break;
                default:
                    gone.Add(index);
                    updated[index] = null!;
                    break;
            }
        }

        if (unseenDelta != 0)
        {
            await _context.Mailboxes.UpdateOneWithAsync(s, MailboxFilter(u, mb), MailboxCountersUpdate(0, unseenDelta, 0), null, ct).ConfigureAwait(false);
        }

        await AppendJournalAsync(s, journal, ct).ConfigureAwait(false);
        modified.Sort();
        return (new FlagUpdateResult { Updated = updated.Where(c => c is not null).ToList(), Modified = modified, NewKeywords = newMailboxKeywords }, journal.Count > 0);
    }

    /// <summary>What a STORE does to one message.</summary>
    internal enum FlagPlan
    {
        /// <summary>The flags change.</summary>
        Change,

        /// <summary>Nothing changes; the message keeps its MODSEQ.</summary>
        Unchanged,

        /// <summary>Fails UNCHANGEDSINCE.</summary>
        Modified,

        /// <summary>The message is gone.</summary>
        Gone,
    }

    /// <summary>The outcome of a STORE for one message in its current state (the SQLite backend's rule).</summary>
    internal static (FlagPlan Plan, MessageFlags Flags, IReadOnlyList<string> Keywords) Plan(MessageRow m, FlagUpdate update, IReadOnlyList<string> keywords)
    {
        if (update.UnchangedSince is { } since && m.ModSeq > since)
        {
            return (FlagPlan.Modified, m.Flags, m.Keywords);
        }

        var flags = update.Operation switch
        {
            FlagOperation.Add => m.Flags | update.Flags,
            FlagOperation.Remove => m.Flags & ~update.Flags,
            _ => update.Flags,
        };
        var newKeywords = ApplyKeywords(m.Keywords, keywords, update.Operation);
        return flags == m.Flags && newKeywords.SequenceEqual(m.Keywords, StringComparer.Ordinal)
            ? (FlagPlan.Unchanged, m.Flags, m.Keywords)
            : (FlagPlan.Change, flags, newKeywords);
    }

    /// <summary>
    /// Writes one message's new flags, conditioned on its stored <c>flags[]</c> being the ones read
    /// (the flags, not the MODSEQ: the MODSEQ is raised with <c>$max</c> and may stay put). Without a
    /// transaction a concurrent change makes the condition fail: the message is read again and
    /// the STORE re-planned on its current state, so no concurrent change is lost. (Inside a
    /// transaction a concurrent writer is a write conflict and the driver retries the whole change.)
    /// </summary>
    private async Task<(FlagPlan Plan, MessageFlags Flags, IReadOnlyList<string> Keywords, MessageRow Previous)> ApplyFlagsAsync(
        IClientSessionHandle? s,
        ObjectId mb,
        MessageRow row,
        FlagUpdate update,
        IReadOnlyList<string> keywords,
        MessageFlags flags,
        IReadOnlyList<string> newKeywords,
        long modseq,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await _context.Messages.UpdateOneWithAsync(s, ConditionalMessageFilter(row.Id, mb, row.Uid, row.StoredFlags), FlagSetUpdate(flags, newKeywords, modseq), null, ct).ConfigureAwait(false);
            if (result.MatchedCount > 0)
            {
                return (FlagPlan.Change, flags, newKeywords, row);
            }

            if (attempt >= MaxFlagAttempts)
            {
                throw new StorageException(StorageError.Conflict, "The message's flags keep changing concurrently; retry.");
            }

            var current = await _context.Messages.FindWith(s, MessageFilter(row.Id, mb, row.Uid)).Project<MessageDocument>(RowProjection).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (current is null)
            {
                return (FlagPlan.Gone, flags, newKeywords, row);
            }

            row = MessageRow.From(current);
            var (plan, again, againKeywords) = Plan(row, update, keywords);
            if (plan != FlagPlan.Change)
            {
                return (plan, row.Flags, row.Keywords, row);
            }

            (flags, newKeywords) = (again, againKeywords);
        }
    }

    private static int SeenDelta(MessageFlags before, MessageFlags after) =>
        ((before & MessageFlags.Seen) != 0 ? 1 : 0) - ((after & MessageFlags.Seen) != 0 ? 1 : 0);

    /// <inheritdoc />
    /// <remarks>
    /// More messages than <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> are copied in
    /// consecutive batches (docs/storage.md, "Large operations in batches"). When a later batch
    /// fails, the copies already made are removed again (RFC 3501 §6.4.7: a failed COPY leaves the
    /// destination as it was, apart from the UIDs it used) and the error is thrown.
    /// </remarks>
    public Task<CopyResult> CopyAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default) =>
        TransferAsync(user, source, uids, target, CopyCoreAsync, copy: true, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// More messages than <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> are moved in
    /// consecutive batches, each atomic on its own (docs/storage.md, "Large operations in batches").
    /// When a later batch fails, the earlier ones stay moved — their EXPUNGE and EXISTS journal
    /// entries tell every session — and the error says how many were moved before it.
    /// </remarks>
    public Task<CopyResult> MoveAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default) =>
        TransferAsync(user, source, uids, target, MoveCoreAsync, copy: false, cancellationToken);

    private delegate Task<CopyResult> Transfer(IClientSessionHandle? session, Compensation undo, ObjectId user, MailboxDocument from, MailboxDocument to, List<MessageRow> messages, CancellationToken cancellationToken);

    /// <summary>The most messages one transaction of a large operation touches.</summary>
    private int MaxMessagesPerTransaction => _context.Options.MaxMessagesPerTransaction;

    /// <summary>
    /// COPY and MOVE: per batch (one change each; a single one when everything fits) resolve both
    /// mailboxes, read the next source messages after the last UID handled and run
    /// <paramref name="transfer"/> on them; notify after each committed batch.
    /// </summary>
    private async Task<CopyResult> TransferAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, Transfer transfer, bool copy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var u = MongoIds.ToObjectId(user);
        MailboxDocument? fromDocument = null, toDocument = null;
        var size = MaxMessagesPerTransaction;
        uint uidValidity = 0;
        var sourceUids = new List<uint>();
        var targetUids = new List<uint>();
        uint? ceiling = null;
        await RunInBatchesAsync<(CopyResult Result, uint Ceiling)>(
            user,
            copy ? "COPY" : "MOVE",
            async (s, undo, after, ct) =>
            {
                var from = await FindMailboxAsync(s, u, MongoIds.ToObjectId(source), ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                var to = await FindMailboxAsync(s, u, MongoIds.ToObjectId(target), ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such target mailbox.");
                (fromDocument, toDocument) = (from, to);

                // Only messages that existed when the first batch ran: a later batch of a COPY or
                // MOVE into the source mailbox itself must not take the copies of an earlier one.
                var below = ceiling ?? (uint)from.UidNext;
                var (messages, more) = TransactionBatches.Cut(await ReadRowsAsync(s, from.Id, uids, onlyDeleted: false, ct, after, size + 1, below).ConfigureAwait(false), size);
                var result = messages.Count == 0
                    ? new CopyResult((uint)to.UidValidity, Array.Empty<uint>(), Array.Empty<uint>())
                    : await transfer(s, undo, u, from, to, messages, ct).ConfigureAwait(false);
                return new Batch<(CopyResult, uint)>((result, below), result.SourceUids.Count, more, messages.Count == 0 ? after : messages[^1].Uid);
            },
            batch =>
            {
                ceiling = batch.Ceiling;
                uidValidity = batch.Result.UidValidity;
                sourceUids.AddRange(batch.Result.SourceUids);
                targetUids.AddRange(batch.Result.TargetUids);
            },
            copy ? () => RemoveCopiesAsync(user, target, targetUids) : null,
            cancellationToken).ConfigureAwait(false);
        var result = new CopyResult(uidValidity, sourceUids, targetUids);
        if (result.SourceUids.Count > 0 && fromDocument is not null && toDocument is not null)
        {
            // marked.spam / marked.ham for mail moved or copied into or out of Junk (reference §8.7).
            StoreEvents.JunkTransition(_events, user, ToMailboxRecord(fromDocument), ToMailboxRecord(toDocument), result);
        }

        return result;
    }

    /// <summary>Removes the copies a COPY stopped by a failing batch had made (in batches, with EXPUNGE entries).</summary>
    private async Task RemoveCopiesAsync(UserId user, MailboxId target, IReadOnlyList<uint> copies) =>
        _ = await RemoveAsync(user, target, UidSet.FromUids(copies), onlyDeleted: false, CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// COPY: quota, target keywords, a block of target UIDs with one MODSEQ, attachment references
    /// (+1, +magic, before the copies exist), the copies (new ids), counters, journal.
    /// </summary>
    private async Task<CopyResult> CopyCoreAsync(IClientSessionHandle? s, Compensation undo, ObjectId u, MailboxDocument from, MailboxDocument to, List<MessageRow> messages, CancellationToken ct)
    {
        var (total, unseen, keywords) = Summarize(messages);
        await ReserveStorageAsync(s, undo, u, total, enforceQuota: true, ct).ConfigureAwait(false);
        await MergeMailboxKeywordsAsync(s, to, StoreRules.NormalizeKeywords(keywords), ct).ConfigureAwait(false);
        var (firstUid, modseq, _) = await AllocateUidsAsync(s, u, to.Id, messages.Count, ct).ConfigureAwait(false);

        var references = References(messages);
        if (references.Count > 0)
        {
            await StepAsync(s, undo, AttachmentsSession(s), a => GridFs.AdjustAsync(a, references, 1, Now, ct), () => GridFs.AdjustAsync(null, references, -1, Now, CancellationToken.None)).ConfigureAwait(false);
        }

        var sourceUids = new uint[messages.Count];
        var targetUids = new uint[messages.Count];
        var journal = new List<JournalDocument>(messages.Count);
        for (var start = 0; start < messages.Count; start += CopyBatchSize)
        {
            var slice = messages.Skip(start).Take(CopyBatchSize).ToList();
            var ids = slice.Select(m => m.Id).ToList();
            var originals = await _context.Messages.FindWith(s, IdsFilter(from.Id, ids)).ToListAsync(ct).ConfigureAwait(false);
            var byId = originals.ToDictionary(d => d.Id);
            var copies = new List<MessageDocument>(slice.Count);
            for (var i = 0; i < slice.Count; i++)
            {
                var m = slice[i];
                var uid = firstUid + (uint)(start + i);
                if (!byId.TryGetValue(m.Id, out var copy))
                {
                    // Removed since it was read (only without a transaction): copied as nothing.
                    throw new StorageException(StorageError.Conflict, "A message was removed during the copy; retry.");
                }

                copy.Id = MongoIds.ToObjectId(MessageId.NewId(_time));
                copy.Mailbox = to.Id;
                copy.Uid = uid;
                copy.ModSeq = modseq;
                copies.Add(copy);
                journal.Add(NewJournal(u, to.Id, modseq, JournalCommand.Exists, uid, copy.Id, m.Flags, m.Keywords));
                sourceUids[start + i] = m.Uid;
                targetUids[start + i] = uid;
            }

            await _context.Messages.InsertManyWithAsync(s, copies, ct).ConfigureAwait(false);
            var inserted = copies.Select(c => c.Id).ToList();
            undo.Add(() => _context.Messages.DeleteManyAsync(IdsFilter(to.Id, inserted)));
        }

        await AdjustMailboxCountersAsync(s, undo, u, to.Id, messages.Count, unseen, total, ct).ConfigureAwait(false);
        await AppendJournalAsync(s, journal, ct).ConfigureAwait(false);
        return new CopyResult((uint)to.UidValidity, sourceUids, targetUids);
    }

    /// <summary>
    /// MOVE (RFC 6851): target keywords, one source MODSEQ, a block of target UIDs with one MODSEQ,
    /// each message re-homed in place (same id, like the SQLite backend; attachment references and
    /// quota unchanged), counters, EXPUNGE and EXISTS journal entries.
    /// </summary>
    private async Task<CopyResult> MoveCoreAsync(IClientSessionHandle? s, Compensation undo, ObjectId u, MailboxDocument from, MailboxDocument to, List<MessageRow> messages, CancellationToken ct)
    {
        var (_, _, keywords) = Summarize(messages);
        await MergeMailboxKeywordsAsync(s, to, StoreRules.NormalizeKeywords(keywords), ct).ConfigureAwait(false);
        var sourceModSeq = await BumpModSeqAsync(s, u, from.Id, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
        var (firstUid, targetModSeq, _) = await AllocateUidsAsync(s, u, to.Id, messages.Count, ct).ConfigureAwait(false);
        var planned = messages.Select((m, i) => (Row: m, Uid: firstUid + (uint)i)).ToList();
        var done = new List<(MessageRow Row, uint Uid)>(planned.Count);
        if (s is not null)
        {
            // In a transaction every message read is still there: one bulk write per batch.
            foreach (var batch in planned.Chunk(BulkBatchSize))
            {
                await _context.Messages.BulkWriteAsync(s, batch.Select(p => new UpdateOneModel<MessageDocument>(MessageFilter(p.Row.Id, from.Id, p.Row.Uid), MoveUpdate(to.Id, p.Uid, targetModSeq))), new BulkWriteOptions { IsOrdered = false }, ct).ConfigureAwait(false);
            }

            done.AddRange(planned);
        }
        else
        {
            foreach (var (m, uid) in planned)
            {
                var result = await _context.Messages.UpdateOneAsync(MessageFilter(m.Id, from.Id, m.Uid), MoveUpdate(to.Id, uid, targetModSeq), cancellationToken: ct).ConfigureAwait(false);
                if (result.MatchedCount == 0)
                {
                    // Expunged since it was read: not moved (its UID in the target stays unused).
                    continue;
                }

                undo.Add(() => _context.Messages.UpdateOneAsync(MessageFilter(m.Id, to.Id, uid), MoveUpdate(from.Id, m.Uid, m.ModSeq)));
                done.Add((m, uid));
            }
        }

        var moved = done.Select(d => d.Row).ToList();
        var journal = new List<JournalDocument>(done.Count * 2);
        journal.AddRange(done.Select(d => NewJournal(u, from.Id, sourceModSeq, JournalCommand.Expunge, d.Row.Uid, d.Row.Id)));
        journal.AddRange(done.Select(d => NewJournal(u, to.Id, targetModSeq, JournalCommand.Exists, d.Uid, d.Row.Id, d.Row.Flags, d.Row.Keywords)));
        var sourceUids = done.Select(d => d.Row.Uid).ToList();
        var targetUids = done.Select(d => d.Uid).ToList();

        var (total, unseen, _) = Summarize(moved);
        await AdjustMailboxCountersAsync(s, undo, u, from.Id, -moved.Count, -unseen, -total, ct).ConfigureAwait(false);
        await AdjustMailboxCountersAsync(s, undo, u, to.Id, moved.Count, unseen, total, ct).ConfigureAwait(false);
        await AppendJournalAsync(s, journal, ct).ConfigureAwait(false);
        return new CopyResult((uint)to.UidValidity, sourceUids, targetUids);
    }

    /// <summary>Every attachment reference of the messages: one (file, magic) per message and file.</summary>
    internal static List<(byte[] Id, int Magic)> References(IEnumerable<MessageRow> messages) =>
        messages.SelectMany(m => m.AttachmentIds.Select(id => (id, m.Magic))).ToList();

    /// <summary>Size, unseen count and keywords of messages entering or leaving a mailbox.</summary>
    private static (long Total, int Unseen, List<string> Keywords) Summarize(List<MessageRow> messages) =>
        (messages.Sum(m => m.Size), messages.Count(m => (m.Flags & MessageFlags.Seen) == 0), messages.SelectMany(m => m.Keywords).ToList());

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpungedMessage>> ExpungeAsync(UserId user, MailboxId mailbox, UidSet? uids = null, CancellationToken cancellationToken = default) =>
        RemoveAsync(user, mailbox, uids ?? UidSet.All, onlyDeleted: true, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpungedMessage>> DeleteMessagesAsync(UserId user, MailboxId mailbox, UidSet uids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        return RemoveAsync(user, mailbox, uids, onlyDeleted: false, cancellationToken);
    }

    /// <summary>
    /// EXPUNGE and message deletion: per batch of at most
    /// <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> messages (one change each; a
    /// single one when everything fits) the next matching messages after the last UID handled are
    /// removed with one new MODSEQ. When a later batch fails, the earlier removals stand (their
    /// EXPUNGE entries are written) and the error says how many there were.
    /// </summary>
    private async Task<IReadOnlyList<ExpungedMessage>> RemoveAsync(UserId user, MailboxId mailbox, UidSet uids, bool onlyDeleted, CancellationToken cancellationToken)
    {
        var u = MongoIds.ToObjectId(user);
        var mb = MongoIds.ToObjectId(mailbox);
        var size = MaxMessagesPerTransaction;
        var removed = new List<ExpungedMessage>();
        await RunInBatchesAsync<List<MessageRow>>(
            user,
            onlyDeleted ? "EXPUNGE" : "Message deletion",
            async (s, undo, after, ct) =>
            {
                _ = await FindMailboxAsync(s, u, mb, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                var (messages, more) = TransactionBatches.Cut(await ReadRowsAsync(s, mb, uids, onlyDeleted, ct, after, size + 1).ConfigureAwait(false), size);
                if (messages.Count == 0)
                {
                    return new Batch<List<MessageRow>>(messages, 0, More: false, after);
                }

                var deleted = await RemoveRowsAsync(s, undo, u, mb, messages, ct).ConfigureAwait(false);
                return new Batch<List<MessageRow>>(deleted, deleted.Count, more, messages[^1].Uid);
            },
            deleted => removed.AddRange(deleted.Select(m => new ExpungedMessage(m.Uid, m.Size))),
            null,
            cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>
    /// Removes messages of one mailbox in the caller's change: one MODSEQ for them all (HIGHESTMODSEQ
    /// grows on expunge, RFC 7162 §3.2.10), the messages and their attachment references, then the
    /// mailbox counters, <c>storageUsed</c> and the EXPUNGE entries. Returns the messages actually
    /// deleted (without a transaction a concurrent expunge may have taken some).
    /// </summary>
    private async Task<List<MessageRow>> RemoveRowsAsync(IClientSessionHandle? s, Compensation undo, ObjectId u, ObjectId mb, List<MessageRow> messages, CancellationToken ct)
    {
        var modseq = await BumpModSeqAsync(s, u, mb, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
        var deleted = await DeleteRowsAsync(s, undo, mb, messages, ct).ConfigureAwait(false);
        if (deleted.Count > 0)
        {
            var release = Release.Of(deleted);
            await _context.Mailboxes.UpdateOneWithAsync(s, MailboxFilter(u, mb), release.MailboxUpdate, null, ct).ConfigureAwait(false);
            await StepAsync(s, undo, UsersSession(s), us => _context.Users.UpdateOneWithAsync(us, UserFilter(u), release.QuotaUpdate, null, ct), null).ConfigureAwait(false);
            await AppendJournalAsync(s, deleted.Select(m => NewJournal(u, mb, modseq, JournalCommand.Expunge, m.Uid, m.Id)).ToList(), ct).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>
    /// For mailbox and user deletion of more than one batch (the mailbox side's
    /// <c>DeleteMessageBatchAsync</c>): removes up to <paramref name="limit"/> messages of the
    /// mailbox from its lowest UID as an expunge does — with EXPUNGE entries, since the mailbox
    /// still exists and may be selected — in the caller's change. Returns how many were removed.
    /// </summary>
    internal async Task<int> DeleteMessageBatchCoreAsync(IClientSessionHandle? s, Compensation undo, ObjectId user, ObjectId mailbox, int limit, CancellationToken ct)
    {
        var messages = await ReadRowsAsync(s, mailbox, UidSet.All, onlyDeleted: false, ct, 0, limit).ConfigureAwait(false);
        return messages.Count == 0 ? 0 : (await RemoveRowsAsync(s, undo, user, mailbox, messages, ct).ConfigureAwait(false)).Count;
    }

    /// <summary>
    /// Deletes messages one by one (each delete carries <c>_id</c>, <c>mailbox</c> and <c>uid</c>:
    /// one shard), then releases their attachment references — after the messages are gone, so a
    /// failure in between leaks references (never collected) rather than losing bytes still
    /// referenced. Returns the messages actually deleted (without a transaction a concurrent
    /// expunge may have taken some).
    /// </summary>
    private async Task<List<MessageRow>> DeleteRowsAsync(IClientSessionHandle? s, Compensation undo, ObjectId mb, List<MessageRow> messages, CancellationToken ct)
    {
        var deleted = new List<MessageRow>(messages.Count);
        if (s is not null)
        {
            // In a transaction every message read is still there (a concurrent delete is a write
            // conflict, retried by the driver): one unordered bulk write per batch.
            foreach (var batch in messages.Chunk(BulkBatchSize))
            {
                await _context.Messages.BulkWriteAsync(s, batch.Select(m => new DeleteOneModel<MessageDocument>(MessageFilter(m.Id, mb, m.Uid))), new BulkWriteOptions { IsOrdered = false }, ct).ConfigureAwait(false);
            }

            deleted.AddRange(messages);
        }
        else
        {
            foreach (var m in messages)
            {
                var result = await _context.Messages.DeleteOneAsync(MessageFilter(m.Id, mb, m.Uid), ct).ConfigureAwait(false);
                if (result.DeletedCount > 0)
                {
                    deleted.Add(m);
                }
            }
        }

        var references = References(deleted);
        if (references.Count > 0)
        {
            await StepAsync(s, undo, AttachmentsSession(s), a => GridFs.AdjustAsync(a, references, -1, Now, ct), null).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>
    /// For mailbox and user deletion (the mailbox side's <c>DeleteMailboxMessagesAsync</c>):
    /// deletes every message of a mailbox in batches of UIDs, each batch releasing its attachment
    /// references, the mailbox counters and the user's <c>storageUsed</c> as it goes (without a
    /// transaction a crash loses no more than one batch's accounting). Writes no journal entries.
    /// Inside a transaction, the releases on a users or attachments database on another connection
    /// are deferred to <paramref name="undo"/>'s after-commit steps, so a retried transaction never
    /// applies them twice.
    /// </summary>
    internal async Task DeleteMailboxMessagesCoreAsync(IClientSessionHandle? s, Compensation undo, ObjectId user, ObjectId mailbox, CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var batch = await _context.Messages.FindWith(s, RowsFilter(mailbox, after + 1, uint.MaxValue, onlyDeleted: false), MessageQueryOptions)
                .Project<MessageDocument>(RowProjection).Sort(ByUid).Limit(BulkBatchSize).ToListAsync(ct).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return;
            }

            var release = Release.Of(await DeleteRowsAsync(s, undo, mailbox, batch.Select(MessageRow.From).ToList(), ct).ConfigureAwait(false));
            await _context.Mailboxes.UpdateOneWithAsync(s, MailboxFilter(user, mailbox), release.MailboxUpdate, null, ct).ConfigureAwait(false);
            await StepAsync(s, undo, UsersSession(s), us => _context.Users.UpdateOneWithAsync(us, UserFilter(user), release.QuotaUpdate, null, ct), null).ConfigureAwait(false);
            after = batch[^1].Uid;
        }
    }

    /// <summary>
    /// For RENAME INBOX (the mailbox side's <c>MoveAllMessagesAsync</c>): moves every message of
    /// <paramref name="source"/> to <paramref name="target"/> as MOVE does, inside the caller's
    /// change — new UIDs and one MODSEQ in the target, EXPUNGE entries in the source and EXISTS
    /// entries in the target, both mailboxes' counters adjusted.
    /// </summary>
    internal async Task MoveAllMessagesCoreAsync(IClientSessionHandle? s, ObjectId user, ObjectId source, ObjectId target, CancellationToken ct)
    {
        var from = await FindMailboxAsync(s, user, source, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
        var to = await FindMailboxAsync(s, user, target, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such target mailbox.");
        var messages = await ReadRowsAsync(s, source, UidSet.All, onlyDeleted: false, ct).ConfigureAwait(false);
        if (messages.Count > 0)
        {
            await MoveCoreAsync(s, new Compensation(active: false), user, from, to, messages, ct).ConfigureAwait(false);
        }
    }

    // ------------------------------------------------------------------ shared steps

    /// <summary>
    /// Runs a change through <see cref="RunAsync{T}"/> with a <see cref="Compensation"/> that is
    /// active only without a transaction; on failure the registered undo steps run newest first.
    /// </summary>
    private async Task<T> RunCompensatedAsync<T>(Func<IClientSessionHandle?, Compensation, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        Compensation? current = null;
        T result;
        try
        {
            result = await RunAsync(
                (s, ct) =>
                {
                    current = new Compensation(active: s is null);
                    return work(s, current, ct);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (current is { Count: > 0 })
        {
            var undo = current;
            await CompensateAsync(undo.RunAsync).ConfigureAwait(false);
            throw;
        }

        if (current is { DeferredCount: > 0 })
        {
            // Committed: the change stands; a deferred write that fails is logged (CheckAsync reports it).
            await CompensateAsync(current.RunAfterCommitAsync).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// A step on a database that may be on another connection: without a transaction it runs now
    /// and registers <paramref name="inverse"/> (when given); inside a transaction it runs in it
    /// when the database shares the connection, and otherwise after the commit (never inside an
    /// attempt that the driver may retry, which would apply it twice).
    /// </summary>
    internal static async Task StepAsync(IClientSessionHandle? s, Compensation undo, IClientSessionHandle? sessionForStep, Func<IClientSessionHandle?, Task> step, Func<Task>? inverse)
    {
        ArgumentNullException.ThrowIfNull(undo);
        if (s is null)
        {
            await step(null).ConfigureAwait(false);
            if (inverse is not null)
            {
                undo.Add(inverse);
            }
        }
        else if (sessionForStep is not null)
        {
            await step(sessionForStep).ConfigureAwait(false);
        }
        else
        {
            undo.AfterCommit(() => step(null));
        }
    }

    /// <summary>Runs compensation; its own failures are logged, never thrown over the original error.</summary>
    private async Task CompensateAsync(Func<Task> compensate)
    {
        try
        {
            await compensate().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCompensationFailed(_logger, ex);
        }
    }

    private async Task CompensateAsync(Func<Task<List<Exception>>> compensate)
    {
        foreach (var error in await compensate().ConfigureAwait(false))
        {
            LogCompensationFailed(_logger, error);
        }
    }

    [LoggerMessage(EventId = 2130, Level = LogLevel.Warning, Message = "Undoing part of a failed change without a transaction failed; the maintenance check reports what is left.")]
    private static partial void LogCompensationFailed(ILogger logger, Exception exception);

    private Task<MailboxDocument> FindMailboxAsync(IClientSessionHandle? s, ObjectId u, ObjectId mb, CancellationToken ct) =>
        _context.Mailboxes.FindWith(s, MailboxFilter(u, mb)).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Checks the quota (when enforced) and adds <paramref name="size"/> to <c>storageUsed</c>
    /// (reference §2.7 step 4). Without a transaction the check and the <c>$inc</c> are two
    /// steps, as in WildDuck; the <c>$inc</c> is undone on a later failure.
    /// </summary>
    private async Task ReserveStorageAsync(IClientSessionHandle? s, Compensation undo, ObjectId u, long size, bool enforceQuota, CancellationToken ct)
    {
        if (enforceQuota)
        {
            await CheckQuotaAsync(s, u, size, ct).ConfigureAwait(false);
        }

        await StepAsync(s, undo, UsersSession(s), us => _context.Users.UpdateOneWithAsync(us, UserFilter(u), StorageUsedUpdate(size), null, ct), () => _context.Users.UpdateOneAsync(UserFilter(u), StorageUsedUpdate(-size))).ConfigureAwait(false);
    }

    /// <summary>Refuses with <see cref="StorageError.OverQuota"/> when <paramref name="size"/> more bytes exceed the user's quota (0: the default).</summary>
    private async Task CheckQuotaAsync(IClientSessionHandle? s, ObjectId u, long size, CancellationToken ct)
    {
        var owner = await _context.Users.FindWith(UsersSession(s), UserFilter(u)).Project<UserDocument>(QuotaProjection).FirstOrDefaultAsync(ct).ConfigureAwait(false)
            ?? throw new StorageException(StorageError.NotFound, "No such user.");
        var quota = owner.Quota > 0 ? owner.Quota : _options.Users.DefaultQuota;
        if (owner.StorageUsed + size > quota)
        {
            throw new StorageException(StorageError.OverQuota, "Quota exceeded.");
        }
    }

    private async Task AdjustMailboxCountersAsync(IClientSessionHandle? s, Compensation undo, ObjectId u, ObjectId mb, long messages, long unseen, long size, CancellationToken ct)
    {
        await _context.Mailboxes.UpdateOneWithAsync(s, MailboxFilter(u, mb), MailboxCountersUpdate(messages, unseen, size), null, ct).ConfigureAwait(false);
        undo.Add(() => _context.Mailboxes.UpdateOneAsync(MailboxFilter(u, mb), MailboxCountersUpdate(-messages, -unseen, -size)));
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive UIDs and one new MODSEQ in one atomic <c>$inc</c>
    /// (reference §2.7 step 5): the first UID is <c>uidNext</c> before, the MODSEQ
    /// <c>modifyIndex</c> before + 1.
    /// </summary>
    private async Task<(uint FirstUid, long ModSeq, MailboxDocument Before)> AllocateUidsAsync(IClientSessionHandle? s, ObjectId u, ObjectId mb, int count, CancellationToken ct)
    {
        // The UID bound is part of the filter: a mailbox that has run out is not incremented at
        // all (without a transaction nothing would take an increment past 2^32 - 1 back, and every
        // later read would show a wrapped UIDNEXT).
        var before = await _context.Mailboxes.FindOneAndUpdateWithAsync(
            s,
            AllocateUidsFilter(u, mb, count),
            AllocateUidsUpdate(count),
            new FindOneAndUpdateOptions<MailboxDocument> { ReturnDocument = ReturnDocument.Before },
            ct).ConfigureAwait(false);
        if (before is null)
        {
            // RFC 3501 §2.3.1.1: UIDs are 32-bit and UIDNEXT must stay representable.
            throw await FindMailboxAsync(s, u, mb, ct).ConfigureAwait(false) is null
                ? new StorageException(StorageError.NotFound, "No such mailbox.")
                : new StorageException(StorageError.Limit, "The mailbox has run out of UIDs.");
        }

        return ((uint)before.UidNext, before.ModifyIndex + 1, before);
    }

    /// <summary>
    /// Adds keywords new to the mailbox (case-insensitively) to its <c>flags</c> with
    /// <c>$addToSet</c>; returns the ones that were new. Refused beyond the per-mailbox limit.
    /// </summary>
    private async Task<IReadOnlyList<string>> MergeMailboxKeywordsAsync(IClientSessionHandle? s, MailboxDocument box, List<string> keywords, CancellationToken ct)
    {
        var added = keywords.Where(k => !box.Flags.Contains(k, Flags.KeywordComparer)).ToList();
        if (added.Count == 0)
        {
            return added;
        }

        if (box.Flags.Count + added.Count > _options.Users.MaxMailboxKeywords)
        {
            throw new StorageException(StorageError.Limit, "Too many keywords in this mailbox.");
        }

        await _context.Mailboxes.UpdateOneWithAsync(s, MailboxFilter(box.User, box.Id), MailboxKeywordsUpdate(added), null, ct).ConfigureAwait(false);
        box.Flags.AddRange(added);
        return added;
    }

    /// <summary>
    /// Thread assignment (reference §1.2 threads; the SQLite backend's rule): the most recently
    /// updated thread of the user that shares a reference id and the normalised subject, which
    /// gains the message's reference ids; a new thread otherwise.
    /// </summary>
    private async Task<ObjectId> AssignThreadAsync(IClientSessionHandle? s, ObjectId u, MessageMetadata meta, CancellationToken ct)
    {
        var refs = meta.ThreadReferences;
        var subject = MessageMapping.WellFormed(meta.ThreadSubject);
        if (refs.Count > 0)
        {
            var found = await _context.Threads.FindOneAndUpdateWithAsync(
                s,
                ThreadFilter(u, refs, subject),
                ThreadUpdate(refs, Now),
                new FindOneAndUpdateOptions<ThreadDocument> { Sort = ThreadOrder, ReturnDocument = ReturnDocument.After },
                ct).ConfigureAwait(false);
            if (found is not null)
            {
                return found.Id;
            }
        }

        var thread = new ThreadDocument
        {
            Id = MongoIds.ToObjectId(EntityId.NewId(_time)),
            User = u,
            Subject = subject,
            Ids = refs.ToList(),
            Updated = Now,
        };
        await _context.Threads.InsertOneWithAsync(s, thread, ct).ConfigureAwait(false);
        return thread.Id;
    }

    /// <summary>
    /// The messages of <paramref name="uids"/> above UID <paramref name="after"/> and below
    /// <paramref name="below"/> (ascending), at most <paramref name="limit"/>, light fields only; with <paramref name="onlyDeleted"/> those flagged
    /// \Deleted. The covering UID range is read with a cursor that stops once the limit is reached.
    /// </summary>
    private async Task<List<MessageRow>> ReadRowsAsync(IClientSessionHandle? s, ObjectId mb, UidSet uids, bool onlyDeleted, CancellationToken ct, uint after = 0, int limit = int.MaxValue, uint below = uint.MaxValue)
    {
        var list = new List<MessageRow>();
        if (TransactionBatches.Remaining(uids, after, below) is not { } range)
        {
            return list;
        }

        using var cursor = await _context.Messages.FindWith(s, RowsFilter(mb, range.First, range.Last, onlyDeleted), MessageQueryOptions)
            .Project<MessageDocument>(RowProjection).Sort(ByUid).ToCursorAsync(ct).ConfigureAwait(false);
        while (await cursor.MoveNextAsync(ct).ConfigureAwait(false))
        {
            if (TransactionBatches.Collect(cursor.Current.Select(MessageRow.From), r => r.Uid, uids, limit, list))
            {
                break;
            }
        }

        return list;
    }

    /// <summary>STORE on keywords: replace, add the missing ones (case-insensitively) or remove the given ones.</summary>
    internal static IReadOnlyList<string> ApplyKeywords(IReadOnlyList<string> current, IReadOnlyList<string> change, FlagOperation operation) => operation switch
    {
        FlagOperation.Replace => change,
        FlagOperation.Add => current.Concat(change.Where(k => !current.Contains(k, Flags.KeywordComparer))).ToList(),
        _ => current.Where(k => !change.Contains(k, Flags.KeywordComparer)).ToList(),
    };

    // ------------------------------------------------------------------ definitions (rendered by the unit tests)

    private FindOptions MessageQueryOptions => new() { MaxTime = _context.MessagesTimeLimit };

    /// <summary>One message by its full shard-friendly identity: <c>{_id, mailbox, uid}</c>.</summary>
    internal static FilterDefinition<MessageDocument> MessageFilter(ObjectId id, ObjectId mailbox, long uid) =>
        Builders<MessageDocument>.Filter.Eq(m => m.Id, id) & Builders<MessageDocument>.Filter.Eq(m => m.Mailbox, mailbox) & Builders<MessageDocument>.Filter.Eq(m => m.Uid, uid);

    /// <summary><see cref="MessageFilter"/> that also requires the stored <c>flags[]</c> read (STORE's optimistic guard).</summary>
    internal static FilterDefinition<MessageDocument> ConditionalMessageFilter(ObjectId id, ObjectId mailbox, long uid, IReadOnlyList<string> storedFlags) =>
        MessageFilter(id, mailbox, uid) & Builders<MessageDocument>.Filter.Eq(m => m.Flags, storedFlags.ToList());

    /// <summary>A user's messages of a mailbox with <c>after &lt; uid ≤ last</c> (index <c>mailbox_uid</c>).</summary>
    internal static FilterDefinition<MessageDocument> RangeFilter(ObjectId user, ObjectId mailbox, long after, long last) =>
        Builders<MessageDocument>.Filter.Eq(m => m.Mailbox, mailbox)
        & Builders<MessageDocument>.Filter.Gt(m => m.Uid, after)
        & Builders<MessageDocument>.Filter.Lte(m => m.Uid, last)
        & Builders<MessageDocument>.Filter.Eq(m => m.User, user);

    /// <summary>Messages of a mailbox with <c>first ≤ uid ≤ last</c>, optionally only \Deleted ones (<c>undeleted: false</c>).</summary>
    internal static FilterDefinition<MessageDocument> RowsFilter(ObjectId mailbox, long first, long last, bool onlyDeleted)
    {
        var filter = Builders<MessageDocument>.Filter.Eq(m => m.Mailbox, mailbox)
            & Builders<MessageDocument>.Filter.Gte(m => m.Uid, first)
            & Builders<MessageDocument>.Filter.Lte(m => m.Uid, last);
        return onlyDeleted ? filter & Builders<MessageDocument>.Filter.Eq(m => m.Undeleted, false) : filter;
    }

    /// <summary>Messages of a mailbox by id.</summary>
    internal static FilterDefinition<MessageDocument> IdsFilter(ObjectId mailbox, IEnumerable<ObjectId> ids) =>
        Builders<MessageDocument>.Filter.Eq(m => m.Mailbox, mailbox) & Builders<MessageDocument>.Filter.In(m => m.Id, ids);

    internal static SortDefinition<MessageDocument> ByUid => Builders<MessageDocument>.Sort.Ascending(m => m.Uid);

    /// <summary>The fields of a <see cref="MessageRecord"/>, plus ENVELOPE, structure and content when asked for.</summary>
    internal static ProjectionDefinition<MessageDocument> ListProjection(MessageFields fields)
    {
        var p = Builders<MessageDocument>.Projection
            .Include(m => m.Id).Include(m => m.Uid).Include(m => m.ModSeq).Include(m => m.Flags)
            .Include(m => m.InternalDate).Include(m => m.InternalOffset).Include(m => m.HeaderDate).Include(m => m.HeaderOffset)
            .Include(m => m.Size).Include(m => m.Thread).Include(m => m.Subject).Include(m => m.MessageIdHeader).Include(m => m.HasAttachments);
        if ((fields & MessageFields.Envelope) != 0)
        {
            p = p.Include(m => m.Envelope);
        }

        if ((fields & MessageFields.Structure) != 0)
        {
            p = p.Include(m => m.BodyStructure).Include(m => m.Body);
        }

        if ((fields & MessageFields.Content) != 0)
        {
            p = p.Include(m => m.Layout).Include(m => m.Inline).Include(m => m.AttachmentIds);
        }

        return p;
    }

    /// <summary>What recomposing a message needs.</summary>
    internal static ProjectionDefinition<MessageDocument> ContentProjection =>
        Builders<MessageDocument>.Projection.Include(m => m.Layout).Include(m => m.Inline);

    /// <summary>What flag changes, copies, moves and expunges need of each message.</summary>
    internal static ProjectionDefinition<MessageDocument> RowProjection =>
        Builders<MessageDocument>.Projection.Include(m => m.Id).Include(m => m.Uid).Include(m => m.ModSeq).Include(m => m.Flags)
            .Include(m => m.Size).Include(m => m.AttachmentIds).Include(m => m.Magic);

    /// <summary>
    /// <c>$set</c> of <c>flags[]</c> and the denormalised booleans, <c>$max</c> of the MODSEQ (a
    /// message's MODSEQ never decreases, even when a concurrent STORE without a transaction took a
    /// later one first).
    /// </summary>
    internal static UpdateDefinition<MessageDocument> FlagSetUpdate(MessageFlags flags, IReadOnlyList<string> keywords, long modseq) =>
        Builders<MessageDocument>.Update
            .Set(m => m.Flags, MongoMapping.FlagList(flags, keywords))
            .Set(m => m.Unseen, (flags & MessageFlags.Seen) == 0)
            .Set(m => m.Flagged, (flags & MessageFlags.Flagged) != 0)
            .Set(m => m.Undeleted, (flags & MessageFlags.Deleted) == 0)
            .Set(m => m.Draft, (flags & MessageFlags.Draft) != 0)
            .Max(m => m.ModSeq, modseq);

    /// <summary>MOVE: <c>$set {mailbox, uid, modseq}</c>.</summary>
    internal static UpdateDefinition<MessageDocument> MoveUpdate(ObjectId mailbox, long uid, long modseq) =>
        Builders<MessageDocument>.Update.Set(m => m.Mailbox, mailbox).Set(m => m.Uid, uid).Set(m => m.ModSeq, modseq);

    /// <summary>
    /// The mailbox, while <paramref name="count"/> more UIDs fit: <c>uidNext + count ≤ 2^32 - 1</c>
    /// (UIDNEXT itself stays a 32-bit value, as in the SQLite backend).
    /// </summary>
    internal static FilterDefinition<MailboxDocument> AllocateUidsFilter(ObjectId user, ObjectId mailbox, int count) =>
        MailboxFilter(user, mailbox) & Builders<MailboxDocument>.Filter.Lte(m => m.UidNext, (long)uint.MaxValue - count);

    /// <summary><c>{$inc: {uidNext: count, modifyIndex: 1}}</c>, read before.</summary>
    internal static UpdateDefinition<MailboxDocument> AllocateUidsUpdate(int count) =>
        Builders<MailboxDocument>.Update.Inc(m => m.UidNext, (long)count).Inc(m => m.ModifyIndex, 1L);

    /// <summary><c>{$inc: {messages, unseen, size}}</c> on the mailbox.</summary>
    internal static UpdateDefinition<MailboxDocument> MailboxCountersUpdate(long messages, long unseen, long size) =>
        Builders<MailboxDocument>.Update.Inc(m => m.Messages, messages).Inc(m => m.Unseen, unseen).Inc(m => m.Size, size);

    /// <summary><c>{$addToSet: {flags: {$each: added}}}</c> on the mailbox.</summary>
    internal static UpdateDefinition<MailboxDocument> MailboxKeywordsUpdate(IEnumerable<string> added) =>
        Builders<MailboxDocument>.Update.AddToSetEach(m => m.Flags, added);

    internal static FilterDefinition<UserDocument> UserFilter(ObjectId user) => Builders<UserDocument>.Filter.Eq(x => x.Id, user);

    /// <summary><c>{$inc: {storageUsed: delta}}</c>.</summary>
    internal static UpdateDefinition<UserDocument> StorageUsedUpdate(long delta) => Builders<UserDocument>.Update.Inc(x => x.StorageUsed, delta);

    internal static ProjectionDefinition<UserDocument> QuotaProjection =>
        Builders<UserDocument>.Projection.Include(x => x.Quota).Include(x => x.StorageUsed);

    /// <summary>A thread of the user with one of the reference ids and the subject (index <c>thread</c>).</summary>
    internal static FilterDefinition<ThreadDocument> ThreadFilter(ObjectId user, IEnumerable<string> refs, string subject) =>
        Builders<ThreadDocument>.Filter.Eq(t => t.User, user) & Builders<ThreadDocument>.Filter.AnyIn(t => t.Ids, refs) & Builders<ThreadDocument>.Filter.Eq(t => t.Subject, subject);

    /// <summary><c>{$set: {updated}, $addToSet: {ids: {$each: refs}}}</c>.</summary>
    internal static UpdateDefinition<ThreadDocument> ThreadUpdate(IEnumerable<string> refs, DateTime now) =>
        Builders<ThreadDocument>.Update.Set(t => t.Updated, now).AddToSetEach(t => t.Ids, refs);

    internal static SortDefinition<ThreadDocument> ThreadOrder => Builders<ThreadDocument>.Sort.Descending(t => t.Updated);

    /// <summary>
    /// A message as flag changes, copies, moves and expunges see it; <c>StoredFlags</c> is the
    /// stored <c>flags[]</c> as read (STORE's guard compares it exactly).
    /// </summary>
    internal sealed record MessageRow(ObjectId Id, uint Uid, long ModSeq, MessageFlags Flags, IReadOnlyList<string> Keywords, long Size, List<byte[]> AttachmentIds, int Magic, IReadOnlyList<string> StoredFlags)
    {
        public static MessageRow From(MessageDocument d)
        {
            var (flags, keywords) = MongoMapping.SplitFlags(d.Flags);
            return new MessageRow(d.Id, (uint)d.Uid, d.ModSeq, flags, keywords, d.Size, d.AttachmentIds, d.Magic, d.Flags);
        }
    }
}
