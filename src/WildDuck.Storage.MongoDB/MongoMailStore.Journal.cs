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
/// Journal entry ids (<see cref="JournalEntry.Id"/>, stored as <c>seq</c>) are a per-user sequence
/// taken with <c>$inc</c> on the <c>counters</c> document <c>journal:&lt;user&gt;</c>: every journal
/// query stays keyed by user (the shard key of a user-hashed collection) and no document is a
/// store-wide hot spot. Ids are therefore unique and increasing per user, not across users; the
/// contract only pages per user. Without transactions a read waits (at most
/// <see cref="JournalSettleTime"/>) at a fresh gap in the sequence or the MODSEQs
/// (<see cref="SettledPrefix"/>), so a reader does not pass over an entry still being written.
/// Entries are removed by whichever comes first: the TTL index
/// <c>journal_autoexpire</c> (<see cref="MongoStorageOptions.JournalExpiry"/>, 3 h as WildDuck) or
/// <see cref="PruneAsync"/> (the sample host's maintenance service, like SQLite's).
/// </remarks>
public sealed partial class MongoMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadSinceAsync(UserId user, MailboxId mailbox, long sinceModSeq, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<JournalEntry>>(
            async ct =>
            {
                var filter = JournalSince(MongoIds.ToObjectId(user), MongoIds.ToObjectId(mailbox), sinceModSeq);
                var documents = await ReadSettledAsync(
                    () => _context.Journal.FindWith(null, filter, UsersFind()).Sort(JournalModSeqOrder()).ToListAsync(ct),
                    page => SettledPrefix(page, sinceModSeq, e => e.ModSeq, Now, JournalSettleTime),
                    ct).ConfigureAwait(false);
                return documents.Select(ToJournalEntry).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadUserAsync(UserId user, long afterId, int limit, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<JournalEntry>>(
            async ct =>
            {
                if (limit <= 0)
                {
                    return Array.Empty<JournalEntry>();
                }

                var filter = JournalAfter(MongoIds.ToObjectId(user), afterId);
                var documents = await ReadSettledAsync(
                    () => _context.Journal.FindWith(null, filter, UsersFind()).Sort(Builders<JournalDocument>.Sort.Ascending(j => j.Seq)).Limit(limit).ToListAsync(ct),
                    page => SettledPrefix(page, afterId, e => e.Seq, Now, JournalSettleTime),
                    ct).ConfigureAwait(false);
                return documents.Select(ToJournalEntry).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The highest <c>seq</c> present (on <c>user_seq</c>). Without transactions an entry with a
    /// lower, earlier allocated <c>seq</c> may still be in flight; it belongs to a change concurrent
    /// with the caller's start, which a reader starting "from now" may miss.
    /// </remarks>
    public Task<long> GetLatestUserIdAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var newest = await _context.Journal.FindWith(null, JournalOfUser(MongoIds.ToObjectId(user)), UsersFind())
                    .Sort(JournalNewestFirst()).Limit(1).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return newest?.Seq ?? 0;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<long> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Journal.DeleteManyWithAsync(null, JournalOlderThan(MongoMapping.ToBsonDate(olderThan)), ct).ConfigureAwait(false)).DeletedCount,
            cancellationToken);

    /// <summary>How long a gap in a user's journal sequence may be an entry still being written (without transactions).</summary>
    internal static readonly TimeSpan JournalSettleTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Without transactions two writers may insert a mailbox's (or user's) entries out of order, so a
    /// reader could pass over an entry that appears a moment later and never see it. A read is
    /// therefore complete only up to a gap in the sequence whose next entry is younger than
    /// <see cref="JournalSettleTime"/>: the read is repeated (every 50 ms) until the gap fills or that
    /// entry is old enough for the gap to be final (a failed write, an expired entry). In a
    /// transaction, entries become visible in order and the first read is returned.
    /// </summary>
    private async Task<List<JournalDocument>> ReadSettledAsync(Func<Task<List<JournalDocument>>> read, Func<IReadOnlyList<JournalDocument>, int> settled, CancellationToken cancellationToken)
    {
        var poll = TimeSpan.FromMilliseconds(50);

        // Bounded by attempts too, so that a clock that does not move (a test's) cannot hold a reader.
        for (var attempt = 0; ; attempt++)
        {
            var page = await read().ConfigureAwait(false);
            if (_context.TransactionsEnabled || attempt * poll >= JournalSettleTime || settled(page) == page.Count)
            {
                return page;
            }

            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How many of <paramref name="page"/> (ascending by <paramref name="key"/>: the per-user
    /// <c>seq</c>, or the mailbox's MODSEQ where several entries may share one) precede the first
    /// fresh gap: a key more than one above the previous one on an entry younger than
    /// <paramref name="settle"/>. Before the first entry of a first read (<paramref name="after"/> 0)
    /// there is no gap to wait for.
    /// </summary>
    internal static int SettledPrefix(IReadOnlyList<JournalDocument> page, long after, Func<JournalDocument, long> key, DateTime now, TimeSpan settle)
    {
        var previous = after;
        for (var i = 0; i < page.Count; i++)
        {
            var entry = page[i];
            var value = key(entry);
            if ((previous > 0 || i > 0) && value > previous + 1 && now - entry.Created < settle)
            {
                return i;
            }

            previous = value;
        }

        return page.Count;
    }

    // ------------------------------------------------------------------ filters (unit-tested as rendered BSON)

    internal static FilterDefinition<JournalDocument> JournalOfUser(ObjectId user) => Builders<JournalDocument>.Filter.Eq(j => j.User, user);

    /// <summary><c>{mailbox, user, modseq: {$gt}}</c> on <c>mailbox_modseq</c>.</summary>
    internal static FilterDefinition<JournalDocument> JournalSince(ObjectId user, ObjectId mailbox, long sinceModSeq) =>
        Builders<JournalDocument>.Filter.Eq(j => j.Mailbox, mailbox)
        & Builders<JournalDocument>.Filter.Eq(j => j.User, user)
        & Builders<JournalDocument>.Filter.Gt(j => j.ModSeq, sinceModSeq);

    /// <summary>Journal order within a mailbox: by MODSEQ, then by entry id.</summary>
    internal static SortDefinition<JournalDocument> JournalModSeqOrder() =>
        Builders<JournalDocument>.Sort.Ascending(j => j.ModSeq).Ascending(j => j.Seq);

    /// <summary><c>{user, seq: {$gt}}</c> on <c>user_seq</c>.</summary>
    internal static FilterDefinition<JournalDocument> JournalAfter(ObjectId user, long afterId) =>
        Builders<JournalDocument>.Filter.Eq(j => j.User, user) & Builders<JournalDocument>.Filter.Gt(j => j.Seq, afterId);

    /// <summary>A user's entries newest first (<c>user_seq</c> read backwards).</summary>
    internal static SortDefinition<JournalDocument> JournalNewestFirst() => Builders<JournalDocument>.Sort.Descending(j => j.Seq);

    internal static FilterDefinition<JournalDocument> JournalOlderThan(DateTime cutoff) => Builders<JournalDocument>.Filter.Lt(j => j.Created, cutoff);

    // ------------------------------------------------------------------ mapping

    internal static JournalEntry ToJournalEntry(JournalDocument document)
    {
        var (flags, keywords) = MongoMapping.SplitFlags(document.Flags);
        return new JournalEntry
        {
            Id = document.Seq,
            User = MongoIds.ToUserId(document.User),
            Mailbox = MongoIds.ToMailboxId(document.Mailbox),
            ModSeq = document.ModSeq,
            Command = MongoMapping.ParseCommand(document.Command),
            Uid = document.Uid is { } uid ? (uint)uid : 0,
            Message = document.Message is { } message ? MongoIds.ToMessageId(message) : null,
            Flags = flags,
            Keywords = keywords,
            Path = document.Path,
            Created = MongoMapping.FromBsonDate(document.Created),
        };
    }
}
