// SPDX-License-Identifier: MIT
using System.Collections.Generic;
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
    /// <remarks>
    /// Aggregates every message by mailbox in the database (count, unseen, size, UID and MODSEQ
    /// bounds; duplicate UIDs separately) and compares in process with the mailbox and user
    /// documents; the message store adds its own checks (attachment references, layouts). A full
    /// scan, meant for the <c>check</c> command, not for a busy cluster's peak hours.
    /// </remarks>
    public Task<ConsistencyReport> CheckAsync(CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var problems = new List<ConsistencyProblem>();
                var aggregate = new AggregateOptions { AllowDiskUse = true, MaxTime = _context.MessagesTimeLimit };

                var totals = new Dictionary<ObjectId, BsonDocument>();
                using (var cursor = await _context.Messages.AggregateAsync(MessageTotalsPipeline(), aggregate, ct).ConfigureAwait(false))
                {
                    await cursor.ForEachAsync(t => totals[t["_id"].AsObjectId] = t, ct).ConfigureAwait(false);
                }

                long messages = 0;
                var usage = new Dictionary<ObjectId, long>();
                foreach (var t in totals.Values)
                {
                    messages += t["messages"].ToInt64();
                    if (t.TryGetValue("user", out var owner) && owner.IsObjectId)
                    {
                        usage[owner.AsObjectId] = usage.GetValueOrDefault(owner.AsObjectId) + t["size"].ToInt64();
                    }
                }

                long mailboxes = 0;
                var seen = new HashSet<ObjectId>();
                using (var cursor = await _context.Mailboxes.FindWith(null, Builders<MailboxDocument>.Filter.Empty).ToCursorAsync(ct).ConfigureAwait(false))
                {
                    await cursor.ForEachAsync(
                        mailbox =>
                        {
                            mailboxes++;
                            seen.Add(mailbox.Id);
                            CheckMailbox(mailbox, totals.GetValueOrDefault(mailbox.Id), problems);
                        },
                        ct).ConfigureAwait(false);
                }

                foreach (var (mailbox, t) in totals)
                {
                    if (!seen.Contains(mailbox))
                    {
                        problems.Add(new ConsistencyProblem("orphan", $"{t["messages"].ToInt64()} message(s) belong to missing mailbox {mailbox}"));
                    }
                }

                using (var cursor = await _context.Messages.AggregateAsync(DuplicateUidPipeline(), aggregate, ct).ConfigureAwait(false))
                {
                    await cursor.ForEachAsync(
                        d => problems.Add(new ConsistencyProblem("uid", $"mailbox {d["_id"]["mailbox"]} has UID {d["_id"]["uid"]} {d["count"].ToInt64()} times")),
                        ct).ConfigureAwait(false);
                }

                long users = 0;
                using (var cursor = await _context.Users.FindWith(null, Builders<UserDocument>.Filter.Empty)
                    .Project<UserDocument>(Builders<UserDocument>.Projection.Include(u => u.Username).Include(u => u.StorageUsed))
                    .ToCursorAsync(ct).ConfigureAwait(false))
                {
                    await cursor.ForEachAsync(
                        user =>
                        {
                            users++;
                            var actual = usage.GetValueOrDefault(user.Id);
                            if (user.StorageUsed != actual)
                            {
                                problems.Add(new ConsistencyProblem("quota", $"user '{user.Username}' storageUsed {user.StorageUsed} differs from stored messages {actual}"));
                            }
                        },
                        ct).ConfigureAwait(false);
                }

                var attachments = await CheckMessageContentsAsync(problems, ct).ConfigureAwait(false);
                return new ConsistencyReport(problems, users, mailboxes, messages, attachments);
            },
            cancellationToken);

    /// <summary>Compares a mailbox's counts and counters with the totals of its messages (null: none).</summary>
    internal static void CheckMailbox(MailboxDocument mailbox, BsonDocument? totals, List<ConsistencyProblem> problems)
    {
        var count = totals?["messages"].ToInt64() ?? 0;
        var unseen = totals?["unseen"].ToInt64() ?? 0;
        var size = totals?["size"].ToInt64() ?? 0;
        if (mailbox.Messages != count || mailbox.Unseen != unseen || mailbox.Size != size)
        {
            problems.Add(new ConsistencyProblem(
                "counter",
                $"mailbox '{mailbox.Path}' counters (messages {mailbox.Messages}, unseen {mailbox.Unseen}, size {mailbox.Size}) differ from its messages ({count}, {unseen}, {size})"));
        }

        if (totals is null)
        {
            return;
        }

        var maxUid = totals["maxUid"].ToInt64();
        if (maxUid >= mailbox.UidNext || totals["minUid"].ToInt64() < 1)
        {
            problems.Add(new ConsistencyProblem("uid", $"mailbox '{mailbox.Path}' has UIDs {totals["minUid"].ToInt64()}..{maxUid}, not within 1..UIDNEXT {mailbox.UidNext}"));
        }

        var maxModSeq = totals["maxModseq"].ToInt64();
        if (maxModSeq > mailbox.ModifyIndex)
        {
            problems.Add(new ConsistencyProblem("modseq", $"mailbox '{mailbox.Path}' has a message with MODSEQ {maxModSeq} above HIGHESTMODSEQ {mailbox.ModifyIndex}"));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One aggregation sums the user's message sizes (index <c>user_messages_by_thread</c> serves the
    /// <c>user</c> match), then one <c>findOneAndUpdate</c> sets <c>storageUsed</c> and returns the
    /// value before. A message stored between the two is counted by its own <c>$inc</c> only if it
    /// lands after the <c>$set</c> (as in WildDuck's quota task).
    /// </remarks>
    public Task<StorageRecount?> RecalculateStorageAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync<StorageRecount?>(
            async ct =>
            {
                var id = MongoIds.ToObjectId(user);
                if (!await UserExistsAsync(null, id, ct).ConfigureAwait(false))
                {
                    return null;
                }

                var aggregate = new AggregateOptions { MaxTime = _context.MessagesTimeLimit };
                long actual = 0;
                using (var cursor = await _context.Messages.AggregateAsync(UserStoragePipeline(id), aggregate, ct).ConfigureAwait(false))
                {
                    await cursor.ForEachAsync(d => actual = d["size"].ToInt64(), ct).ConfigureAwait(false);
                }

                var before = await _context.Users.FindOneAndUpdateWithAsync(
                    null,
                    UserById(id),
                    Builders<UserDocument>.Update.Set(u => u.StorageUsed, actual),
                    new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.Before },
                    ct).ConfigureAwait(false);
                return before is null ? null : new StorageRecount(before.StorageUsed, actual);
            },
            cancellationToken);

    /// <summary><c>[{$match: {user}}, {$group: {_id: null, size: {$sum: "$size"}}}]</c>: a user's stored bytes.</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> UserStoragePipeline(ObjectId user) =>
        new BsonDocument[]
        {
            new("$match", new BsonDocument("user", user)),
            new("$group", new BsonDocument { { "_id", BsonNull.Value }, { "size", new BsonDocument("$sum", "$size") } }),
        };

    /// <summary>
    /// Totals per mailbox: <c>{_id: mailbox, user, messages, unseen, size, minUid, maxUid, maxModseq}</c>
    /// (WildDuck's message fields: <c>unseen</c> is true without \Seen).
    /// </summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> MessageTotalsPipeline() =>
        new BsonDocument[]
        {
            new("$group", new BsonDocument
            {
                { "_id", "$mailbox" },
                { "user", new BsonDocument("$first", "$user") },
                { "messages", new BsonDocument("$sum", 1) },
                { "unseen", new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$unseen", true }), 1, 0 })) },
                { "size", new BsonDocument("$sum", "$size") },
                { "minUid", new BsonDocument("$min", "$uid") },
                { "maxUid", new BsonDocument("$max", "$uid") },
                { "maxModseq", new BsonDocument("$max", "$modseq") },
            }),
        };

    /// <summary>(mailbox, uid) pairs held by more than one message.</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> DuplicateUidPipeline() =>
        new BsonDocument[]
        {
            new("$group", new BsonDocument
            {
                { "_id", new BsonDocument { { "mailbox", "$mailbox" }, { "uid", "$uid" } } },
                { "count", new BsonDocument("$sum", 1) },
            }),
            new("$match", new BsonDocument("count", new BsonDocument("$gt", 1))),
        };

    /// <summary>
    /// The message store's checks: attachment reference counts against the messages, references
    /// to missing attachments, layouts against sizes. Adds problems; returns how many attachments
    /// were checked.
    /// </summary>
    private partial Task<long> CheckMessageContentsAsync(List<ConsistencyProblem> problems, CancellationToken cancellationToken);
}
