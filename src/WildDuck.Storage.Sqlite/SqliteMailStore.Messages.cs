// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    private const string MessageColumns =
        "rid, id, uid, modseq, flags, keywords, internal_date, internal_tz, header_date, header_tz, size, thread_id, subject, message_id_header, has_attachments";

    private const int ListBatchSize = 1000;

    private const string OpenContentSql =
        "SELECT m.layout, m.inline_content FROM messages m JOIN mailboxes b ON b.rid = m.mailbox_rid WHERE b.id = ?1 AND b.user_id = ?2 AND m.uid = ?3";

    /// <summary>Rows per batch when content is read along (bounded further by <see cref="MaxBatchContentBytes"/>).</summary>
    private const int ContentBatchSize = 256;

    /// <summary>Inline bytes one content batch may hold before it ends early.</summary>
    private const long MaxBatchContentBytes = 16L * 1024 * 1024;

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(UserId user, MailboxId mailbox, AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keywords = StoreRules.NormalizeKeywords(request.Keywords);

        // Parsing and hashing happen before the write lock: the transaction only writes.
        var indexed = request.Indexed ?? _indexer.Index(request.Content);
        if (request.Indexed is not null && MessageNormalizer.GetNormalizedLength(request.Content.Span) != indexed.Size)
        {
            throw new StorageException(StorageError.Invalid, "The supplied index does not describe the message.");
        }

        var internalDate = request.InternalDate ?? _time.GetUtcNow();

        // Everything the row needs that is pure computation (serialised layout and parsed parts,
        // copied blobs, search text) is built here as well: the write transaction is the one
        // serial section of the store, so each microsecond spent inside it caps concurrent
        // delivery (docs/benchmarks.md, "LMTP and POP3 vs Dovecot").
        var row = new MessageRowValues(indexed);
        var result = await _db.WriteAsync(
            (c, t) =>
            {
                var mailboxRow = FindMailboxRow(c, t, user, mailbox) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                if (request.EnforceQuota)
                {
                    EnsureQuotaAllows(c, t, user, indexed.Size);
                }

                MergeMailboxKeywords(c, t, mailboxRow, keywords);
                var (uid, modseq) = AllocateUids(c, t, mailboxRow.Rid, 1);
                var threadId = AssignThread(c, t, user, indexed.Metadata);
                var id = MessageId.NewId(_time);
                InsertMessage(c, t, user, mailboxRow.Rid, id, uid, modseq, request.Flags, keywords, internalDate, indexed, row, threadId, request.Source);
                AdjustMailboxCounters(c, t, mailboxRow.Rid, 1, (request.Flags & MessageFlags.Seen) == 0 ? 1 : 0, indexed.Size);
                Execute(c, t, "UPDATE users SET storage_used = storage_used + $s WHERE id = $u", ("$s", indexed.Size), ("$u", Blob(user)));
                InsertJournal(c, t, user, mailbox, modseq, JournalCommand.Exists, uid, id, request.Flags, JoinKeywords(keywords), null);
                return new AppendResult(mailbox, id, mailboxRow.Record.UidValidity, uid, modseq, indexed.Size);
            },
            cancellationToken).ConfigureAwait(false);
        await NotifyAsync(user).ConfigureAwait(false);
        return result;
    }

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

        var mailboxRid = await _db.ReadAsync((c, t) => FindMailboxRow(c, t, user, mailbox)?.Rid, cancellationToken).ConfigureAwait(false);
        if (mailboxRid is null)
        {
            yield break;
        }

        var withContent = (fields & MessageFields.Content) != 0;
        var sql = "SELECT " + MessageColumns
            + ((fields & MessageFields.Envelope) != 0 ? ", envelope" : ", NULL")
            + ((fields & MessageFields.Structure) != 0 ? ", bodystructure, body" : ", NULL, NULL")
            + (withContent ? ", layout, inline_content" : string.Empty)
            + " FROM messages WHERE mailbox_rid = ?1 AND uid > ?2 AND uid <= ?3 ORDER BY uid LIMIT ?4";
        var batchSize = withContent ? ContentBatchSize : ListBatchSize;

        // Few ranges: one bounded scan per range. Many ranges (e.g. "1,3,5,..."): one scan over
        // the covering range, filtered here, so the query count stays small.
        var ranges = uids.Ranges.ToArray();
        if (ranges.Length > 8)
        {
            ranges = new[] { new UidRange(ranges[0].First, ranges[^1].Last) };
        }

        foreach (var range in ranges)
        {
            var query = new ListQuery(sql, mailboxRid.Value, mailbox, uids, (long)range.First - 1, range.Last, batchSize, withContent);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = _db.ReadRaw((Store: this, Query: query), static (reader, s) => s.Store.ReadMessageBatch(reader, s.Query));
                foreach (var message in batch.Messages)
                {
                    yield return message;
                }

                if (!batch.More)
                {
                    break;
                }

                query = query with { After = batch.LastUid };
            }
        }
    }

    /// <summary>
    /// One batch of <see cref="ListMessagesAsync"/>: the rows after <see cref="ListQuery.After"/>,
    /// the requested ones made records (with their content when asked). Per message this allocates
    /// the record, its strings and the content view; the row's blobs are read in place.
    /// </summary>
    private (List<MessageRecord> Messages, long LastUid, bool More) ReadMessageBatch(SqliteReadConnection reader, ListQuery query)
    {
        using var statement = reader.Statement(query.Sql);
        statement.Bind(1, query.MailboxRid);
        statement.Bind(2, query.After);
        statement.Bind(3, (long)query.Last);
        statement.Bind(4, query.BatchSize);
        var list = new List<MessageRecord>();
        var rows = 0;
        var last = query.After;
        long contentBytes = 0;
        SharedInlineBuffer? shared = null;
        try
        {
            while (statement.Step())
            {
                rows++;
                var uid = (uint)statement.Int64(2);
                last = uid;
                if (!query.Uids.Contains(uid))
                {
                    continue;
                }

                MessageContent? content = null;
                if (query.WithContent)
                {
                    content = ReadBatchContent(statement, 18, ref shared);
                    contentBytes += content.InlineContent.Length;
                }

                list.Add(ReadMessage(statement, query.Mailbox, content));
                if (contentBytes >= MaxBatchContentBytes)
                {
                    // Bound the memory one batch holds; the next batch continues after it.
                    return (list, last, true);
                }
            }
        }
        finally
        {
            // The batch's own reference: the buffer goes back once its messages are disposed.
            shared?.Release();
        }

        return (list, last, rows == query.BatchSize);
    }

    /// <summary>The fixed part of a <see cref="ListMessagesAsync"/> scan over one UID range.</summary>
    private sealed record ListQuery(string Sql, long MailboxRid, MailboxId Mailbox, UidSet Uids, long After, uint Last, int BatchSize, bool WithContent);

    /// <inheritdoc />
    public Task<MessageRecord?> GetMessageAsync(UserId user, MailboxId mailbox, uint uid, MessageFields fields = MessageFields.Basic, CancellationToken cancellationToken = default)
    {
        var columns = MessageColumns
            + ((fields & MessageFields.Envelope) != 0 ? ", envelope" : ", NULL")
            + ((fields & MessageFields.Structure) != 0 ? ", bodystructure, body" : ", NULL, NULL");
        return _db.ReadAsync(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox);
                if (row is null)
                {
                    return null;
                }

                using var command = Command(c, t, "SELECT " + columns + " FROM messages WHERE mailbox_rid = $m AND uid = $uid");
                command.Parameters.AddWithValue("$m", row.Rid);
                command.Parameters.AddWithValue("$uid", (long)uid);
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadMessage(reader, mailbox) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<MessageContent?> OpenContentAsync(UserId user, MailboxId mailbox, uint uid, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // A kept read connection and statement, a static lambda with its state passed through, and
        // column bytes read in place: what is allocated is the content view itself (docs/benchmarks.md).
        return Task.FromResult(_db.ReadRaw(
            (Store: this, User: user, Mailbox: mailbox, Uid: uid),
            static (reader, s) =>
            {
                using var statement = reader.Statement(OpenContentSql);
                statement.Bind(1, s.Mailbox.Value);
                statement.Bind(2, s.User.Value);
                statement.Bind(3, s.Uid);
                return statement.Step() ? s.Store.ReadContent(statement, 0) : null;
            }));
    }

    /// <inheritdoc />
    public async Task<FlagUpdateResult> UpdateFlagsAsync(UserId user, MailboxId mailbox, UidSet uids, FlagUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(update);
        var keywords = StoreRules.NormalizeKeywords(update.Keywords);
        var (result, changed) = await _db.WriteAsync(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                var targets = ReadFlagRows(c, t, row.Rid, uids);
                var updated = new List<FlagChange>(targets.Count);
                var modified = new List<uint>();
                var pending = new List<(long Rid, MessageId Id, uint Uid, MessageFlags Flags, string Keywords, int UnseenDelta)>();
                foreach (var m in targets)
                {
                    if (update.UnchangedSince is { } since && m.ModSeq > since)
                    {
                        // RFC 7162 §3.1.3: fails the condition; reported in MODIFIED, not changed.
                        modified.Add(m.Uid);
                        continue;
                    }

                    var newFlags = update.Operation switch
                    {
                        FlagOperation.Add => m.Flags | update.Flags,
                        FlagOperation.Remove => m.Flags & ~update.Flags,
                        _ => update.Flags,
                    };
                    var newKeywords = ApplyKeywords(m.Keywords, keywords, update.Operation);
                    var storedKeywords = JoinKeywords(newKeywords);
                    if (newFlags == m.Flags && string.Equals(storedKeywords, JoinKeywords(m.Keywords), StringComparison.Ordinal))
                    {
                        updated.Add(new FlagChange(m.Uid, m.ModSeq, m.Flags, m.Keywords));
                        continue;
                    }

                    var unseenDelta = ((m.Flags & MessageFlags.Seen) != 0 ? 0 : 1) - ((newFlags & MessageFlags.Seen) != 0 ? 0 : 1);
                    pending.Add((m.Rid, m.Id, m.Uid, newFlags, storedKeywords, -unseenDelta));
                    updated.Add(new FlagChange(m.Uid, 0, newFlags, newKeywords));
                }

                IReadOnlyList<string> newMailboxKeywords = Array.Empty<string>();
                if (pending.Count > 0)
                {
                    if (update.Operation != FlagOperation.Remove)
                    {
                        newMailboxKeywords = MergeMailboxKeywords(c, t, row, keywords);
                    }

                    // At most one new MODSEQ per STORE, shared by every changed message (RFC 7162 §3.1.3).
                    var modseq = BumpModSeq(c, t, row.Rid);
                    var unseenDelta = 0;
                    using var set = Command(c, t, "UPDATE messages SET flags = $f, keywords = $k, modseq = $ms WHERE rid = $r");
                    var pf = set.Parameters.Add("$f", SqliteType.Integer);
                    var pk = set.Parameters.Add("$k", SqliteType.Text);
                    var pr = set.Parameters.Add("$r", SqliteType.Integer);
                    set.Parameters.AddWithValue("$ms", modseq);
                    foreach (var p in pending)
                    {
                        pf.Value = (long)p.Flags;
                        pk.Value = p.Keywords;
                        pr.Value = p.Rid;
                        set.ExecuteNonQuery();
                        unseenDelta += p.UnseenDelta;
                        InsertJournal(c, t, user, mailbox, modseq, JournalCommand.Fetch, p.Uid, p.Id, p.Flags, p.Keywords, null);
                    }

                    if (unseenDelta != 0)
                    {
                        AdjustMailboxCounters(c, t, row.Rid, 0, unseenDelta, 0);
                    }

                    for (var i = 0; i < updated.Count; i++)
                    {
                        if (updated[i].ModSeq == 0)
                        {
                            updated[i] = updated[i] with { ModSeq = modseq };
                        }
                    }
                }

                return (new FlagUpdateResult { Updated = updated, Modified = modified, NewKeywords = newMailboxKeywords }, pending.Count > 0);
            },
            cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await NotifyAsync(user).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc />
    public Task<CopyResult> CopyAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default) =>
        TransferAsync(user, source, uids, target, CopyRows, cancellationToken);

    /// <inheritdoc />
    public Task<CopyResult> MoveAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default) =>
        TransferAsync(user, source, uids, target, MoveRows, cancellationToken);

    /// <summary>COPY and MOVE: resolve both mailboxes and the source rows, run <paramref name="transfer"/> in the same transaction, notify.</summary>
    private async Task<CopyResult> TransferAsync(
        UserId user,
        MailboxId source,
        UidSet uids,
        MailboxId target,
        Func<SqliteConnection, SqliteTransaction, UserId, MailboxRow, MailboxRow, List<FlagRow>, CopyResult> transfer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        MailboxRecord? fromRecord = null, toRecord = null;
        var result = await _db.WriteAsync(
            (c, t) =>
            {
                var from = FindMailboxRow(c, t, user, source) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                var to = FindMailboxRow(c, t, user, target) ?? throw new StorageException(StorageError.NotFound, "No such target mailbox.");
                (fromRecord, toRecord) = (from.Record, to.Record);
                var messages = ReadFlagRows(c, t, from.Rid, uids);
                return messages.Count == 0
                    ? new CopyResult(to.Record.UidValidity, Array.Empty<uint>(), Array.Empty<uint>())
                    : transfer(c, t, user, from, to, messages);
            },
            cancellationToken).ConfigureAwait(false);
        if (result.SourceUids.Count > 0)
        {
            await NotifyAsync(user).ConfigureAwait(false);
            StoreEvents.JunkTransition(_events, user, fromRecord!, toRecord!, result);
        }

        return result;
    }

    private CopyResult CopyRows(SqliteConnection c, SqliteTransaction t, UserId user, MailboxRow from, MailboxRow to, List<FlagRow> messages)
    {
        var target = to.Record.Id;
        var (total, unseen, keywords) = Summarize(messages);

        var owner = ReadUser(c, t, user)!;
        if (owner.StorageUsed + total > EffectiveQuota(owner))
        {
            throw new StorageException(StorageError.OverQuota, "Quota exceeded.");
        }

        MergeMailboxKeywords(c, t, to, StoreRules.NormalizeKeywords(keywords));
        var (firstUid, modseq) = AllocateUids(c, t, to.Rid, messages.Count);
        var sourceUids = new uint[messages.Count];
        var targetUids = new uint[messages.Count];
        var now = NowMs;
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var uid = firstUid + (uint)i;
            var id = MessageId.NewId(_time);
            CopyMessageRow(c, t, m.Rid, id, to.Rid, uid, modseq, now);
            InsertJournal(c, t, user, target, modseq, JournalCommand.Exists, uid, id, m.Flags, JoinKeywords(m.Keywords), null);
            sourceUids[i] = m.Uid;
            targetUids[i] = uid;
        }

        AdjustMailboxCounters(c, t, to.Rid, messages.Count, unseen, total);
        Execute(c, t, "UPDATE users SET storage_used = storage_used + $s WHERE id = $u", ("$s", total), ("$u", Blob(user)));
        return new CopyResult(to.Record.UidValidity, sourceUids, targetUids);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpungedMessage>> ExpungeAsync(UserId user, MailboxId mailbox, UidSet? uids = null, CancellationToken cancellationToken = default) =>
        RemoveAsync(user, mailbox, uids ?? UidSet.All, onlyDeleted: true, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpungedMessage>> DeleteMessagesAsync(UserId user, MailboxId mailbox, UidSet uids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        return RemoveAsync(user, mailbox, uids, onlyDeleted: false, cancellationToken);
    }

    private async Task<IReadOnlyList<ExpungedMessage>> RemoveAsync(UserId user, MailboxId mailbox, UidSet uids, bool onlyDeleted, CancellationToken cancellationToken)
    {
        var removed = await _db.WriteAsync<IReadOnlyList<ExpungedMessage>>(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                var messages = ReadFlagRows(c, t, row.Rid, uids, onlyDeleted);
                var list = new List<ExpungedMessage>(messages.Count);
                long size = 0;
                var unseen = 0;
                long modseq = 0;
                foreach (var m in messages)
                {
                    if (modseq == 0)
                    {
                        // One MODSEQ for the whole expunge; HIGHESTMODSEQ must grow on expunge (RFC 7162 §3.2.10 / RFC 7162 QRESYNC).
                        modseq = BumpModSeq(c, t, row.Rid);
                    }

                    DeleteMessageRows(c, t, m.Rid);
                    InsertJournal(c, t, user, mailbox, modseq, JournalCommand.Expunge, m.Uid, m.Id, m.Flags, string.Empty, null);
                    size += m.Size;
                    unseen += (m.Flags & MessageFlags.Seen) == 0 ? 1 : 0;
                    list.Add(new ExpungedMessage(m.Uid, m.Size));
                }

                if (list.Count > 0)
                {
                    AdjustMailboxCounters(c, t, row.Rid, -list.Count, -unseen, -size);
                    Execute(c, t, "UPDATE users SET storage_used = storage_used - $s WHERE id = $u", ("$s", size), ("$u", Blob(user)));
                }

                return list;
            },
            cancellationToken).ConfigureAwait(false);
        if (removed.Count > 0)
        {
            await NotifyAsync(user).ConfigureAwait(false);
        }

        return removed;
    }

    private long EffectiveQuota(UserRecord user) => user.Quota > 0 ? user.Quota : _options.Users.DefaultQuota;

    /// <summary>
    /// Refuses an append of <paramref name="size"/> bytes that would take the user past the quota;
    /// reads only the two columns it needs, since it runs inside the write transaction.
    /// </summary>
    private void EnsureQuotaAllows(SqliteConnection c, SqliteTransaction t, UserId user, long size)
    {
        using var command = Command(c, t, "SELECT storage_used, quota FROM users WHERE id = $id");
        command.Parameters.AddWithValue("$id", Blob(user));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new StorageException(StorageError.NotFound, "No such user.");
        }

        var quota = reader.GetInt64(1);
        if (reader.GetInt64(0) + size > (quota > 0 ? quota : _options.Users.DefaultQuota))
        {
            throw new StorageException(StorageError.OverQuota, "Quota exceeded.");
        }
    }

    /// <summary>Takes <paramref name="count"/> consecutive UIDs and one new MODSEQ in one statement.</summary>
    private static (uint FirstUid, long ModSeq) AllocateUids(SqliteConnection c, SqliteTransaction t, long mailboxRid, int count)
    {
        using var command = Command(c, t, "UPDATE mailboxes SET uid_next = uid_next + $n, modseq = modseq + 1 WHERE rid = $r RETURNING uid_next - $n, modseq");
        command.Parameters.AddWithValue("$n", count);
        command.Parameters.AddWithValue("$r", mailboxRid);
        using var reader = command.ExecuteReader();
        reader.Read();
        var first = reader.GetInt64(0);
        if (first + count > uint.MaxValue)
        {
            // RFC 3501 §2.3.1.1: UIDs are 32-bit and UIDNEXT must stay representable, so the
            // last usable UID is 2^32 - 2; a mailbox that ran out must be re-created.
            throw new StorageException(StorageError.Limit, "The mailbox has run out of UIDs.");
        }

        return ((uint)first, reader.GetInt64(1));
    }

    private static void AdjustMailboxCounters(SqliteConnection c, SqliteTransaction t, long mailboxRid, long messages, long unseen, long size) =>
        Execute(
            c,
            t,
            "UPDATE mailboxes SET message_count = message_count + $m, unseen_count = unseen_count + $u, total_size = total_size + $s WHERE rid = $r",
            ("$m", messages),
            ("$u", unseen),
            ("$s", size),
            ("$r", mailboxRid));

    private long InsertMessage(
        SqliteConnection c,
        SqliteTransaction t,
        UserId user,
        long mailboxRid,
        MessageId id,
        uint uid,
        long modseq,
        MessageFlags flags,
        IReadOnlyList<string> keywords,
        DateTimeOffset internalDate,
        IndexedMessage indexed,
        MessageRowValues row,
        EntityId threadId,
        string source)
    {
        var now = NowMs;
        for (var i = 0; i < indexed.ExternalBodies.Count; i++)
        {
            AddAttachmentReference(c, t, indexed.ExternalBodies[i], row.AttachmentHashes[i], now);
        }

        var meta = indexed.Metadata;
        var headerDate = meta.HeaderDate ?? internalDate;
        long rid;
        using (var insert = Command(
            c,
            t,
            """
            INSERT INTO messages (id, user_id, mailbox_rid, uid, modseq, flags, keywords, internal_date, internal_tz, header_date, header_tz, size,
                thread_id, subject, message_id_header, has_attachments, source, envelope, bodystructure, body, layout, inline_content, created)
            VALUES ($id, $u, $m, $uid, $ms, $f, $k, $idate, $itz, $hdate, $htz, $size, $thread, $subject, $msgid, $ha, $source, $env, $bs, $body, $layout, $inline, $now)
            RETURNING rid
            """))
        {
            insert.Parameters.AddWithValue("$id", Blob(id));
            insert.Parameters.AddWithValue("$u", Blob(user));
            insert.Parameters.AddWithValue("$m", mailboxRid);
            insert.Parameters.AddWithValue("$uid", (long)uid);
            insert.Parameters.AddWithValue("$ms", modseq);
            insert.Parameters.AddWithValue("$f", (long)flags);
            insert.Parameters.AddWithValue("$k", JoinKeywords(keywords));
            insert.Parameters.AddWithValue("$idate", internalDate.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$itz", (long)internalDate.Offset.TotalMinutes);
            insert.Parameters.AddWithValue("$hdate", headerDate.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$htz", (long)headerDate.Offset.TotalMinutes);
            insert.Parameters.AddWithValue("$size", indexed.Size);
            insert.Parameters.AddWithValue("$thread", Blob(threadId));
            insert.Parameters.AddWithValue("$subject", meta.Subject);
            insert.Parameters.AddWithValue("$msgid", (object?)meta.MessageIdHeader ?? DBNull.Value);
            insert.Parameters.AddWithValue("$ha", meta.HasAttachments);
            insert.Parameters.AddWithValue("$source", source);
            insert.Parameters.AddWithValue("$env", meta.Envelope);
            insert.Parameters.AddWithValue("$bs", meta.BodyStructure);
            insert.Parameters.AddWithValue("$body", meta.Body);
            insert.Parameters.AddWithValue("$layout", row.Layout);
            insert.Parameters.Add("$inline", SqliteType.Blob).Value = row.InlineContent;
            insert.Parameters.AddWithValue("$now", now);
            rid = (long)insert.ExecuteScalar()!;
        }

        foreach (var hash in row.AttachmentHashes)
        {
            Execute(c, t, "INSERT OR IGNORE INTO message_attachments (message_rid, hash) VALUES ($r, $h)", ("$r", rid), ("$h", hash));
        }

        Execute(
            c,
            t,
            "INSERT INTO message_text (rid, from_text, to_text, cc_text, bcc_text, subject, headers, body) VALUES ($r, $from, $to, $cc, $bcc, $subject, $headers, $body)",
            ("$r", rid),
            ("$from", row.FromText),
            ("$to", row.ToText),
            ("$cc", row.CcText),
            ("$bcc", row.BccText),
            ("$subject", meta.Subject),
            ("$headers", meta.SearchHeaders),
            ("$body", meta.SearchBody));
        _db.SearchRowsQueued(1);
        Execute(
            c,
            t,
            "INSERT INTO message_parsed (rid, text, html, intro, attachments) VALUES ($r, $text, $html, $intro, $att)",
            ("$r", rid),
            ("$text", meta.Text),
            ("$html", row.HtmlJson),
            ("$intro", meta.Intro),
            ("$att", row.AttachmentsJson));
        return rid;
    }

    /// <summary>
    /// The values of a new message's rows that depend only on the parsed message, computed before
    /// the write transaction (see <see cref="AppendAsync"/>).
    /// </summary>
    private sealed class MessageRowValues
    {
        public MessageRowValues(IndexedMessage indexed)
        {
            var meta = indexed.Metadata;
            Layout = MessageLayoutSerializer.Serialize(indexed.Layout);
            InlineContent = indexed.InlineContent.ToArray();
            AttachmentHashes = new byte[indexed.ExternalBodies.Count][];
            for (var i = 0; i < AttachmentHashes.Length; i++)
            {
                AttachmentHashes[i] = indexed.ExternalBodies[i].Hash.ToByteArray();
            }

            FromText = AddressText(meta.From);
            ToText = AddressText(meta.To);
            CcText = AddressText(meta.Cc);
            BccText = AddressText(meta.Bcc);
            HtmlJson = JsonSerializer.Serialize(meta.Html, SqliteJsonContext.Default.IReadOnlyListString);
            AttachmentsJson = JsonSerializer.Serialize(ToStored(meta.Attachments), SqliteJsonContext.Default.ListStoredAttachment);
        }

        public byte[] Layout { get; }

        public byte[] InlineContent { get; }

        /// <summary>The content hash of each external body, in the order of <see cref="IndexedMessage.ExternalBodies"/>.</summary>
        public byte[][] AttachmentHashes { get; }

        public string FromText { get; }

        public string ToText { get; }

        public string CcText { get; }

        public string BccText { get; }

        public string HtmlJson { get; }

        public string AttachmentsJson { get; }
    }

    private static List<StoredAttachment> ToStored(IReadOnlyList<AttachmentDescriptor> attachments)
    {
        var list = new List<StoredAttachment>(attachments.Count);
        foreach (var a in attachments)
        {
            list.Add(new StoredAttachment
            {
                Id = a.Id,
                PartNumber = a.PartNumber,
                FileName = a.FileName,
                ContentType = a.ContentType,
                Disposition = a.Disposition,
                TransferEncoding = a.TransferEncoding,
                ContentId = a.ContentId,
                Related = a.Related,
                EncodedSize = a.EncodedSize,
                DecodedSize = a.DecodedSize,
                Hash = a.Hash?.ToString(),
            });
        }

        return list;
    }

    /// <summary>The text indexed for FROM/TO/CC/BCC: display names and addresses, one per line.</summary>
    private static string AddressText(IReadOnlyList<MailAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            return string.Empty;
        }

        var parts = new List<string>(addresses.Count);
        foreach (var a in addresses)
        {
            parts.Add(a.Name is { Length: > 0 } name ? name + " <" + a.Address + ">" : a.Address ?? string.Empty);
        }

        return string.Join('\n', parts);
    }

    private static void AddAttachmentReference(SqliteConnection c, SqliteTransaction t, ExternalBody body, byte[] hash, long now)
    {
        if (Execute(c, t, "UPDATE attachments SET refcount = refcount + 1, updated = $now WHERE hash = $h", ("$h", hash), ("$now", now)) > 0)
        {
            return;
        }

        using var insert = Command(c, t, "INSERT INTO attachments (hash, size, refcount, content_type, transfer_encoding, created, updated, data) VALUES ($h, $size, 1, $ct, $te, $now, $now, $data)");
        insert.Parameters.AddWithValue("$h", hash);
        insert.Parameters.AddWithValue("$size", (long)body.EncodedBytes.Length);
        insert.Parameters.AddWithValue("$ct", body.ContentType);
        insert.Parameters.AddWithValue("$te", body.TransferEncoding);
        insert.Parameters.AddWithValue("$now", now);
        insert.Parameters.Add("$data", SqliteType.Blob).Value = body.EncodedBytes.ToArray();
        insert.ExecuteNonQuery();
    }

    /// <summary>Deletes one message and everything hanging off it, releasing its attachment references.</summary>
    private void DeleteMessageRows(SqliteConnection c, SqliteTransaction t, long rid)
    {
        Execute(c, t, "UPDATE attachments SET refcount = refcount - 1, updated = $now WHERE hash IN (SELECT hash FROM message_attachments WHERE message_rid = $r)", ("$r", rid), ("$now", NowMs));
        Execute(c, t, "DELETE FROM message_attachments WHERE message_rid = $r", ("$r", rid));
        Execute(c, t, "DELETE FROM message_text WHERE rid = $r", ("$r", rid));
        Execute(c, t, "DELETE FROM messages WHERE rid = $r", ("$r", rid));
    }

    /// <summary>Deletes every message of a mailbox (mailbox or user deletion); returns the bytes released.</summary>
    private long DeleteAllMessagesOfMailbox(SqliteConnection c, SqliteTransaction t, long mailboxRid)
    {
        long size;
        using (var sum = Command(c, t, "SELECT COALESCE(SUM(size), 0) FROM messages WHERE mailbox_rid = $m"))
        {
            sum.Parameters.AddWithValue("$m", mailboxRid);
            size = (long)sum.ExecuteScalar()!;
        }

        var now = NowMs;
        Execute(
            c,
            t,
            "UPDATE attachments SET refcount = refcount - (SELECT COUNT(*) FROM message_attachments ma JOIN messages m ON m.rid = ma.message_rid WHERE m.mailbox_rid = $m AND ma.hash = attachments.hash), updated = $now WHERE hash IN (SELECT ma.hash FROM message_attachments ma JOIN messages m ON m.rid = ma.message_rid WHERE m.mailbox_rid = $m)",
            ("$m", mailboxRid),
            ("$now", now));
        Execute(c, t, "DELETE FROM message_attachments WHERE message_rid IN (SELECT rid FROM messages WHERE mailbox_rid = $m)", ("$m", mailboxRid));
        Execute(c, t, "DELETE FROM message_text WHERE rid IN (SELECT rid FROM messages WHERE mailbox_rid = $m)", ("$m", mailboxRid));
        Execute(c, t, "DELETE FROM messages WHERE mailbox_rid = $m", ("$m", mailboxRid));
        Execute(c, t, "UPDATE mailboxes SET message_count = 0, unseen_count = 0, total_size = 0 WHERE rid = $m", ("$m", mailboxRid));
        return size;
    }

    private void CopyMessageRow(SqliteConnection c, SqliteTransaction t, long sourceRid, MessageId id, long targetMailboxRid, uint uid, long modseq, long now)
    {
        long rid;
        using (var copy = Command(
            c,
            t,
            """
            INSERT INTO messages (id, user_id, mailbox_rid, uid, modseq, flags, keywords, internal_date, internal_tz, header_date, header_tz, size,
                thread_id, subject, message_id_header, has_attachments, source, envelope, bodystructure, body, layout, inline_content, created)
            SELECT $id, user_id, $m, $uid, $ms, flags, keywords, internal_date, internal_tz, header_date, header_tz, size,
                thread_id, subject, message_id_header, has_attachments, source, envelope, bodystructure, body, layout, inline_content, $now
            FROM messages WHERE rid = $src
            RETURNING rid
            """))
        {
            copy.Parameters.AddWithValue("$id", Blob(id));
            copy.Parameters.AddWithValue("$m", targetMailboxRid);
            copy.Parameters.AddWithValue("$uid", (long)uid);
            copy.Parameters.AddWithValue("$ms", modseq);
            copy.Parameters.AddWithValue("$now", now);
            copy.Parameters.AddWithValue("$src", sourceRid);
            rid = (long)copy.ExecuteScalar()!;
        }

        Execute(c, t, "INSERT INTO message_text (rid, from_text, to_text, cc_text, bcc_text, subject, headers, body) SELECT $r, from_text, to_text, cc_text, bcc_text, subject, headers, body FROM message_text WHERE rid = $src", ("$r", rid), ("$src", sourceRid));
        _db.SearchRowsQueued(1);
        Execute(c, t, "INSERT INTO message_parsed (rid, text, html, intro, attachments) SELECT $r, text, html, intro, attachments FROM message_parsed WHERE rid = $src", ("$r", rid), ("$src", sourceRid));
        Execute(c, t, "INSERT INTO message_attachments (message_rid, hash) SELECT $r, hash FROM message_attachments WHERE message_rid = $src", ("$r", rid), ("$src", sourceRid));
        Execute(c, t, "UPDATE attachments SET refcount = refcount + 1, updated = $now WHERE hash IN (SELECT hash FROM message_attachments WHERE message_rid = $src)", ("$src", sourceRid), ("$now", now));
    }

    private CopyResult MoveRows(SqliteConnection c, SqliteTransaction t, UserId user, MailboxRow from, MailboxRow to, List<FlagRow> messages)
    {
        var (total, unseen, keywords) = Summarize(messages);

        MergeMailboxKeywords(c, t, to, StoreRules.NormalizeKeywords(keywords));
        var sourceModSeq = BumpModSeq(c, t, from.Rid);
        var (firstUid, targetModSeq) = AllocateUids(c, t, to.Rid, messages.Count);
        var sourceUids = new uint[messages.Count];
        var targetUids = new uint[messages.Count];
        using var move = Command(c, t, "UPDATE messages SET mailbox_rid = $m, uid = $uid, modseq = $ms WHERE rid = $r");
        var puid = move.Parameters.Add("$uid", SqliteType.Integer);
        var pr = move.Parameters.Add("$r", SqliteType.Integer);
        move.Parameters.AddWithValue("$m", to.Rid);
        move.Parameters.AddWithValue("$ms", targetModSeq);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var uid = firstUid + (uint)i;
            puid.Value = (long)uid;
            pr.Value = m.Rid;
            move.ExecuteNonQuery();
            InsertJournal(c, t, user, from.Record.Id, sourceModSeq, JournalCommand.Expunge, m.Uid, m.Id, m.Flags, string.Empty, null);
            InsertJournal(c, t, user, to.Record.Id, targetModSeq, JournalCommand.Exists, uid, m.Id, m.Flags, JoinKeywords(m.Keywords), null);
            sourceUids[i] = m.Uid;
            targetUids[i] = uid;
        }

        AdjustMailboxCounters(c, t, from.Rid, -messages.Count, -unseen, -total);
        AdjustMailboxCounters(c, t, to.Rid, messages.Count, unseen, total);
        return new CopyResult(to.Record.UidValidity, sourceUids, targetUids);
    }

    /// <summary>Size, unseen count and keywords of messages entering a mailbox (COPY, MOVE).</summary>
    private static (long Total, int Unseen, List<string> Keywords) Summarize(List<FlagRow> messages)
    {
        long total = 0;
        var unseen = 0;
        var keywords = new List<string>();
        foreach (var m in messages)
        {
            total += m.Size;
            unseen += (m.Flags & MessageFlags.Seen) == 0 ? 1 : 0;
            keywords.AddRange(m.Keywords);
        }

        return (total, unseen, keywords);
    }

    private void MoveAll(SqliteConnection c, SqliteTransaction t, MailboxRow from, MailboxRow to)
    {
        var messages = ReadFlagRows(c, t, from.Rid, UidSet.All);
        if (messages.Count > 0)
        {
            MoveRows(c, t, from.Record.User, from, to, messages);
        }
    }

    // onlyDeleted (EXPUNGE) filters \Deleted in SQL, so a large mailbox with few deletions does not
    // materialise every row.
    private static List<FlagRow> ReadFlagRows(SqliteConnection c, SqliteTransaction t, long mailboxRid, UidSet uids, bool onlyDeleted = false)
    {
        var list = new List<FlagRow>();
        if (uids.IsEmpty)
        {
            return list;
        }

        var ranges = uids.Ranges;
        using var command = Command(
            c,
            t,
            onlyDeleted
                ? "SELECT rid, id, uid, modseq, flags, keywords, size FROM messages WHERE mailbox_rid = $m AND uid >= $first AND uid <= $last AND (flags & $deleted) != 0 ORDER BY uid"
                : "SELECT rid, id, uid, modseq, flags, keywords, size FROM messages WHERE mailbox_rid = $m AND uid >= $first AND uid <= $last ORDER BY uid");
        command.Parameters.AddWithValue("$m", mailboxRid);
        if (onlyDeleted)
        {
            command.Parameters.AddWithValue("$deleted", (long)MessageFlags.Deleted);
        }

        command.Parameters.AddWithValue("$first", (long)ranges[0].First);
        command.Parameters.AddWithValue("$last", (long)ranges[^1].Last);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var uid = (uint)reader.GetInt64(2);
            if (!uids.Contains(uid))
            {
                continue;
            }

            list.Add(new FlagRow(
                reader.GetInt64(0),
                new MessageId(ReadId(reader, 1)),
                uid,
                reader.GetInt64(3),
                (MessageFlags)reader.GetInt64(4),
                SplitKeywords(reader.GetString(5)),
                reader.GetInt64(6)));
        }

        return list;
    }

    /// <summary>
    /// Reads a layout (its MIME tree left encoded until a section needs it) and its inline bytes
    /// (at <paramref name="ordinal"/> and the next column) into a content view. Both are copied
    /// into one array rented from the pool (returned on dispose); the layout refers to its tree
    /// there instead of copying it.
    /// </summary>
    private MessageContent ReadContent(in SqliteRawStatement row, int ordinal)
    {
        var layoutBlob = row.Blob(ordinal);
        var inline = row.Blob(ordinal + 1);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(inline.Length + layoutBlob.Length, 1));
        inline.CopyTo(buffer);
        layoutBlob.CopyTo(buffer.AsSpan(inline.Length));
        var layout = MessageLayoutSerializer.DeserializeLazyInPlace(buffer.AsMemory(inline.Length, layoutBlob.Length));
        return new MessageContent(layout, buffer, inline.Length, _attachmentSource);
    }

    /// <summary>
    /// As <see cref="ReadContent(in SqliteRawStatement, int)"/> for one message of a batch: small
    /// messages share a pooled buffer with the batch's other messages (<paramref name="shared"/>,
    /// replaced when full), so a batch rents a few buffers rather than one per message.
    /// </summary>
    private MessageContent ReadBatchContent(in SqliteRawStatement row, int ordinal, ref SharedInlineBuffer? shared)
    {
        var layoutBlob = row.Blob(ordinal);
        var inline = row.Blob(ordinal + 1);
        var needed = inline.Length + layoutBlob.Length;
        if (needed > SharedInlineBuffer.DefaultSize / 4)
        {
            return ReadContent(row, ordinal);
        }

        if (shared is null || shared.Available < needed)
        {
            shared?.Release();
            shared = new SharedInlineBuffer(SharedInlineBuffer.DefaultSize);
        }

        var inlineMemory = shared.Append(inline);
        var layout = MessageLayoutSerializer.DeserializeLazyInPlace(shared.Append(layoutBlob));
        return new MessageContent(layout, shared, inlineMemory, _attachmentSource);
    }

    /// <summary>The columns of <see cref="MessageColumns"/> (and the optional ones after them) of a raw row.</summary>
    private static MessageRecord ReadMessage(in SqliteRawStatement row, MailboxId mailbox, MessageContent? content) => new()
    {
        Id = new MessageId(row.Id(1)),
        Mailbox = mailbox,
        Uid = (uint)row.Int64(2),
        ModSeq = row.Int64(3),
        Flags = (MessageFlags)row.Int64(4),
        Keywords = row.Blob(5).IsEmpty ? Array.Empty<string>() : SplitKeywords(row.String(5)),
        InternalDate = FromUnixMs(row.Int64(6), row.Int64(7)),
        HeaderDate = FromUnixMs(row.Int64(8), row.Int64(9)),
        Size = row.Int64(10),
        Thread = row.IsNull(11) ? EntityId.Empty : row.Id(11),
        Subject = row.String(12),
        MessageIdHeader = row.NullableString(13),
        HasAttachments = row.Int64(14) != 0,
        Envelope = row.NullableBytes(15),
        BodyStructure = row.NullableBytes(16),
        Body = row.NullableBytes(17),
        Content = content,
    };

    private static MessageRecord ReadMessage(SqliteDataReader reader, MailboxId mailbox) => new()
    {
        Id = new MessageId(ReadId(reader, 1)),
        Mailbox = mailbox,
        Uid = (uint)reader.GetInt64(2),
        ModSeq = reader.GetInt64(3),
        Flags = (MessageFlags)reader.GetInt64(4),
        Keywords = SplitKeywords(reader.GetString(5)),
        InternalDate = FromUnixMs(reader.GetInt64(6), reader.GetInt64(7)),
        HeaderDate = FromUnixMs(reader.GetInt64(8), reader.GetInt64(9)),
        Size = reader.GetInt64(10),
        Thread = reader.IsDBNull(11) ? EntityId.Empty : ReadId(reader, 11),
        Subject = reader.GetString(12),
        MessageIdHeader = reader.IsDBNull(13) ? null : reader.GetString(13),
        HasAttachments = reader.GetInt64(14) != 0,
        Envelope = reader.IsDBNull(15) ? null : reader.GetFieldValue<byte[]>(15),
        BodyStructure = reader.IsDBNull(16) ? null : reader.GetFieldValue<byte[]>(16),
        Body = reader.IsDBNull(17) ? null : reader.GetFieldValue<byte[]>(17),
    };

    private static bool ContainsKeyword(IReadOnlyList<string> list, string keyword)
    {
        foreach (var k in list)
        {
            if (string.Equals(k, keyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static IReadOnlyList<string> ApplyKeywords(IReadOnlyList<string> current, IReadOnlyList<string> change, FlagOperation operation)
    {
        switch (operation)
        {
            case FlagOperation.Replace:
                return change;
            case FlagOperation.Add:
                {
                    var list = new List<string>(current);
                    foreach (var k in change)
                    {
                        if (!ContainsKeyword(list, k))
                        {
                            list.Add(k);
                        }
                    }

                    return list;
                }

            default:
                {
                    var list = new List<string>(current.Count);
                    foreach (var k in current)
                    {
                        if (!ContainsKeyword(change, k))
                        {
                            list.Add(k);
                        }
                    }

                    return list;
                }
        }
    }

    /// <summary>Adds keywords new to the mailbox to its list; returns the ones that were new.</summary>
    private IReadOnlyList<string> MergeMailboxKeywords(SqliteConnection c, SqliteTransaction t, MailboxRow row, List<string> keywords)
    {
        if (keywords.Count == 0)
        {
            return Array.Empty<string>();
        }

        using var read = Command(c, t, "SELECT keywords FROM mailboxes WHERE rid = $r");
        read.Parameters.AddWithValue("$r", row.Rid);
        var current = new List<string>(SplitKeywords((string)read.ExecuteScalar()!));
        var added = new List<string>();
        foreach (var k in keywords)
        {
            if (!ContainsKeyword(current, k))
            {
                current.Add(k);
                added.Add(k);
            }
        }

        if (added.Count == 0)
        {
            return added;
        }

        if (current.Count > _options.Users.MaxMailboxKeywords)
        {
            throw new StorageException(StorageError.Limit, "Too many keywords in this mailbox.");
        }

        Execute(c, t, "UPDATE mailboxes SET keywords = $k WHERE rid = $r", ("$k", JoinKeywords(current)), ("$r", row.Rid));
        return added;
    }

    /// <summary>
    /// Thread assignment (reference §9.2): the thread of the user that shares a reference id and
    /// the normalised subject; a new thread otherwise.
    /// </summary>
    private EntityId AssignThread(SqliteConnection c, SqliteTransaction t, UserId user, MessageMetadata meta)
    {
        var now = NowMs;
        var refs = meta.ThreadReferences;
        EntityId thread = EntityId.Empty;
        if (refs.Count > 0)
        {
            var placeholders = new string[refs.Count];
            using var find = Command(c, t, string.Empty);
            for (var i = 0; i < refs.Count; i++)
            {
                placeholders[i] = "$r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                find.Parameters.AddWithValue(placeholders[i], refs[i]);
            }

            // Driven by the references (thread_refs' primary key), then each candidate thread by id:
            // the cost follows the message's references, not the number of threads the user has.
            find.CommandText = "SELECT t.id FROM thread_refs r JOIN threads t ON t.id = r.thread_id WHERE r.user_id = $u AND r.ref IN (" + string.Join(", ", placeholders) + ") AND t.user_id = $u AND t.subject = $s ORDER BY t.updated DESC LIMIT 1";
            find.Parameters.AddWithValue("$u", Blob(user));
            find.Parameters.AddWithValue("$s", meta.ThreadSubject);
            if (find.ExecuteScalar() is byte[] found)
            {
                thread = EntityId.FromBytes(found);
                Execute(c, t, "UPDATE threads SET updated = $now WHERE id = $id", ("$now", now), ("$id", found));
            }
        }

        if (thread.IsEmpty)
        {
            thread = EntityId.NewId(_time);
            Execute(c, t, "INSERT INTO threads (id, user_id, subject, updated) VALUES ($id, $u, $s, $now)", ("$id", Blob(thread)), ("$u", Blob(user)), ("$s", meta.ThreadSubject), ("$now", now));
        }

        foreach (var reference in refs)
        {
            Execute(c, t, "INSERT OR IGNORE INTO thread_refs (user_id, ref, thread_id) VALUES ($u, $ref, $id)", ("$u", Blob(user)), ("$ref", reference), ("$id", Blob(thread)));
        }

        return thread;
    }

    private void InsertJournal(SqliteConnection c, SqliteTransaction t, UserId user, MailboxId mailbox, long modseq, JournalCommand command, uint uid, MessageId? message, MessageFlags flags, string keywords, string? path) =>
        Execute(
            c,
            t,
            "INSERT INTO journal (user_id, mailbox_id, modseq, command, uid, message_id, flags, keywords, path, created) VALUES ($u, $m, $ms, $c, $uid, $msg, $f, $k, $p, $now)",
            ("$u", Blob(user)),
            ("$m", Blob(mailbox)),
            ("$ms", modseq),
            ("$c", (int)command),
            ("$uid", (long)uid),
            ("$msg", message is { } id ? Blob(id) : null),
            ("$f", (long)flags),
            ("$k", keywords),
            ("$p", path),
            ("$now", NowMs));

    private sealed record FlagRow(long Rid, MessageId Id, uint Uid, long ModSeq, MessageFlags Flags, IReadOnlyList<string> Keywords, long Size);
}
