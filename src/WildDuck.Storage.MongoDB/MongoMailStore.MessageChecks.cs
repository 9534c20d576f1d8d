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
    /// The message store's part of <see cref="IStoreMaintenance.CheckAsync"/> (the SQLite backend's
    /// checks, over MongoDB): every file's <c>metadata.c</c> and <c>metadata.m</c> against the
    /// number of messages referencing it and the sum of their magic numbers, references to missing
    /// files, and layouts that add up to the size and the inline bytes and name only referenced
    /// attachments. (Counters, quota, UIDs and MODSEQs are checked by the mailbox side.) Adds what
    /// it finds to <paramref name="problems"/>; returns the number of attachments checked. Driver
    /// errors pass unchanged (call it inside <see cref="RunDirectAsync{T}"/>).
    /// </summary>
    internal async Task<long> CheckMessageContentsCoreAsync(List<ConsistencyProblem> problems, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var aggregate = new AggregateOptions { AllowDiskUse = true, MaxTime = _context.MessagesTimeLimit };

        // Attachment references: c and m of every file against the messages.
        var expected = new Dictionary<ContentHash, (long C, long M)>();
        await ForEachAsync(_context.Messages.AggregateAsync(AttachmentReferencesPipeline(), aggregate, ct), d =>
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

        // Layouts: segments add up to the size and the inline bytes; external segments are referenced.
        await ForEachAsync(_context.Messages.AggregateAsync(LayoutPipeline(), aggregate, ct), d =>
        {
            var problem = CheckLayout(d["layout"].AsByteArray, d["size"].ToInt64(), d["inlineSize"].ToInt64(), d["attachmentIds"].AsBsonArray.Select(v => ContentHash.FromBytes(v.AsByteArray)).ToHashSet());
            if (problem is not null)
            {
                problems.Add(new ConsistencyProblem(problem.Value.Kind, $"message {d["_id"]}: {problem.Value.Description}"));
            }
        }, ct).ConfigureAwait(false);

        return attachments;
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
