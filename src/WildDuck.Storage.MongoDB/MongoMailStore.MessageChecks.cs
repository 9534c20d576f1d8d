// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    /// <summary>
    /// The message-side part of <see cref="IStoreMaintenance.CheckAsync"/> (the SQLite backend's
    /// checks, over MongoDB): attachment reference counts and magic sums against the messages'
    /// <c>attachmentIds</c>, mailbox counters and <c>storageUsed</c> against the messages, UIDs
    /// below UIDNEXT and unique, MODSEQs at most HIGHESTMODSEQ, messages without a mailbox, and
    /// layouts that add up to the size and name only referenced attachments. Adds what it finds to
    /// <paramref name="problems"/>; returns the number of messages and of stored attachments. Driver
    /// errors pass unchanged (call it inside <see cref="ReadAsync{T}"/>).
    /// </summary>
    internal async Task<(long Messages, long Attachments)> CheckMessagesAsync(List<ConsistencyProblem> problems, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(problems);

        // Attachment references: c and m of every file against the messages.
        var expected = new Dictionary<ContentHash, (long C, long M)>();
        await ForEachAsync(_context.Messages.AggregateAsync(AttachmentReferencesPipeline(), cancellationToken: ct), d =>
            expected[ContentHash.FromBytes(d["_id"].AsByteArray)] = (d["c"].ToInt64(), d["m"].ToInt64()), ct).ConfigureAwait(false);
        long attachments = 0;
        await ForEachAsync(GridFs.Files.Find(FilterDefinition<BsonDocument>.Empty).Project(AttachmentCountersProjection).ToCursorAsync(ct), f =>
        {
            attachments++;
            var hash = ContentHash.FromBytes(f["_id"].AsByteArray);
            var metadata = f.GetValue("metadata", new BsonDocument()).AsBsonDocument;
            var (c, m) = (metadata.GetValue("c", 0).ToInt64(), metadata.GetValue("m", 0).ToInt64());
            var (wantC, wantM) = expected.Remove(hash, out var want) ? want : (0, 0);
            if (c != wantC || m != wantM)
            {
                problems.Add(new ConsistencyProblem("refcount", $"attachment {hash} has c {c} and m {m} but {wantC} references with magic sum {wantM}"));
            }
        }, ct).ConfigureAwait(false);
        foreach (var (hash, _) in expected)
        {
            problems.Add(new ConsistencyProblem("refcount", $"messages reference missing attachment {hash}"));
        }

        // Mailbox counters, UID and MODSEQ bounds, messages without a mailbox.
        var totals = new Dictionary<ObjectId, BsonDocument>();
        await ForEachAsync(_context.Messages.AggregateAsync(MailboxTotalsPipeline(), cancellationToken: ct), d => totals[d["_id"].AsObjectId] = d, ct).ConfigureAwait(false);
        var mailboxes = await _context.Mailboxes.Find(FilterDefinition<MailboxDocument>.Empty).ToListAsync(ct).ConfigureAwait(false);
        foreach (var box in mailboxes)
        {
            var (count, unseen, size, maxUid, minUid, maxModSeq) = totals.Remove(box.Id, out var t)
                ? (t["messages"].ToInt64(), t["unseen"].ToInt64(), t["size"].ToInt64(), t["maxUid"].ToInt64(), t["minUid"].ToInt64(), t["maxModSeq"].ToInt64())
                : (0L, 0L, 0L, 0L, 1L, 0L);
            if (box.Messages != count || box.Unseen != unseen || box.Size != size)
            {
                problems.Add(new ConsistencyProblem("counter", $"mailbox '{box.Path}' counters (messages {box.Messages}, unseen {box.Unseen}, size {box.Size}) differ from its messages ({count}, {unseen}, {size})"));
            }

            if (maxUid >= box.UidNext || minUid < 1)
            {
                problems.Add(new ConsistencyProblem("uid", $"mailbox '{box.Path}' has UIDs {minUid}..{maxUid} not within 1..UIDNEXT {box.UidNext}"));
            }

            if (maxModSeq > box.ModifyIndex)
            {
                problems.Add(new ConsistencyProblem("modseq", $"mailbox '{box.Path}' has a message with MODSEQ {maxModSeq} above HIGHESTMODSEQ {box.ModifyIndex}"));
            }
        }

        foreach (var (mailbox, t) in totals)
        {
            problems.Add(new ConsistencyProblem("orphan", $"{t["messages"].ToInt64()} messages belong to no mailbox ({mailbox})"));
        }

        await ForEachAsync(_context.Messages.AggregateAsync(DuplicateUidsPipeline(), cancellationToken: ct), d =>
            problems.Add(new ConsistencyProblem("uid", $"mailbox {d["_id"]["mailbox"]} has UID {d["_id"]["uid"]} {d["count"]} times")), ct).ConfigureAwait(false);

        // Quota usage against the messages.
        var used = new Dictionary<ObjectId, long>();
        await ForEachAsync(_context.Messages.AggregateAsync(UserTotalsPipeline(), cancellationToken: ct), d => used[d["_id"].AsObjectId] = d["size"].ToInt64(), ct).ConfigureAwait(false);
        await ForEachAsync(_context.Users.Find(FilterDefinition<UserDocument>.Empty).Project<UserDocument>(Builders<UserDocument>.Projection.Include(x => x.Username).Include(x => x.StorageUsed)).ToCursorAsync(ct), owner =>
        {
            var actual = used.GetValueOrDefault(owner.Id);
            if (owner.StorageUsed != actual)
            {
                problems.Add(new ConsistencyProblem("quota", $"user '{owner.Username}' storageUsed {owner.StorageUsed} differs from stored messages {actual}"));
            }
        }, ct).ConfigureAwait(false);

        // Layouts: segments add up to the size and the inline bytes; external segments are referenced.
        long messages = 0;
        await ForEachAsync(_context.Messages.AggregateAsync(LayoutPipeline(), cancellationToken: ct), d =>
        {
            messages++;
            var problem = CheckLayout(d["layout"].AsByteArray, d["size"].ToInt64(), d["inlineSize"].ToInt64(), d["attachmentIds"].AsBsonArray.Select(v => ContentHash.FromBytes(v.AsByteArray)).ToHashSet());
            if (problem is not null)
            {
                problems.Add(new ConsistencyProblem(problem.Value.Kind, $"message {d["_id"]}: {problem.Value.Description}"));
            }
        }, ct).ConfigureAwait(false);

        return (messages, attachments);
    }

    /// <summary>What is wrong with a stored layout, or null.</summary>
    internal static (string Kind, string Description)? CheckLayout(byte[] serialized, long size, long inlineSize, IReadOnlySet<ContentHash> referenced)
    {
        MessageLayout layout;
        try
        {
            layout = MessageLayoutSerializer.Deserialize(serialized);
        }
        catch (InvalidDataException ex)
        {
            return ("layout", "unreadable layout: " + ex.Message);
        }

        long total = 0;
        long inline = 0;
        foreach (var segment in layout.Segments)
        {
            total += segment.Length;
            if (!segment.IsExternal)
            {
                inline += segment.Length;
            }
            else if (!referenced.Contains(segment.Hash))
            {
                return ("refcount", $"uses attachment {segment.Hash} without a reference");
            }
        }

        return total != size || layout.Size != total || inline != inlineSize
            ? ("layout", $"layout covers {total} bytes ({inline} inline, {inlineSize} stored) but the size is {size}")
            : null;
    }

    private static async Task ForEachAsync<T>(Task<IAsyncCursor<T>> open, Action<T> action, CancellationToken ct)
    {
        using var cursor = await open.ConfigureAwait(false);
        while (await cursor.MoveNextAsync(ct).ConfigureAwait(false))
        {
            foreach (var item in cursor.Current)
            {
                action(item);
            }
        }
    }

    /// <summary>Per file: how many messages reference it and the sum of their magic numbers.</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> AttachmentReferencesPipeline() => new BsonDocument[]
    {
        new("$unwind", "$attachmentIds"),
        new("$group", new BsonDocument { { "_id", "$attachmentIds" }, { "c", new BsonDocument("$sum", 1) }, { "m", new BsonDocument("$sum", "$magic") } }),
    };

    internal static ProjectionDefinition<BsonDocument> AttachmentCountersProjection => new BsonDocument { { "metadata.c", 1 }, { "metadata.m", 1 } };

    /// <summary>Per mailbox: messages, unseen, size, UID range and highest MODSEQ.</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> MailboxTotalsPipeline() => new BsonDocument[]
    {
        new("$group", new BsonDocument
        {
            { "_id", "$mailbox" },
            { "messages", new BsonDocument("$sum", 1) },
            { "unseen", new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { "$unseen", 1, 0 })) },
            { "size", new BsonDocument("$sum", "$size") },
            { "maxUid", new BsonDocument("$max", "$uid") },
            { "minUid", new BsonDocument("$min", "$uid") },
            { "maxModSeq", new BsonDocument("$max", "$modseq") },
        }),
    };

    /// <summary>(mailbox, uid) pairs held by more than one message.</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> DuplicateUidsPipeline() => new BsonDocument[]
    {
        new("$group", new BsonDocument { { "_id", new BsonDocument { { "mailbox", "$mailbox" }, { "uid", "$uid" } } }, { "count", new BsonDocument("$sum", 1) } }),
        new("$match", new BsonDocument("count", new BsonDocument("$gt", 1))),
    };

    /// <summary>Per user: the bytes of stored messages.</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> UserTotalsPipeline() => new BsonDocument[]
    {
        new("$group", new BsonDocument { { "_id", "$user" }, { "size", new BsonDocument("$sum", "$size") } }),
    };

    /// <summary>Each message's layout, size, references and the size of its inline bytes (not the bytes).</summary>
    internal static PipelineDefinition<MessageDocument, BsonDocument> LayoutPipeline() => new BsonDocument[]
    {
        new("$project", new BsonDocument
        {
            { "layout", 1 },
            { "size", 1 },
            { "attachmentIds", 1 },
            { "inlineSize", new BsonDocument("$binarySize", "$inline") },
        }),
    };
}
