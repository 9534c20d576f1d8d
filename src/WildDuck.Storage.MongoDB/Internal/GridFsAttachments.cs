// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// The deduplicating attachment store on WildDuck's GridFS bucket (reference §2.5): files are
/// keyed by the 32-byte SHA-256 of the encoded body and carry <c>metadata.c</c> (references) and
/// <c>metadata.m</c> (the sum of the referencing messages' magic numbers). The files and chunks
/// documents are written with plain inserts in GridFS's layout (readable by any GridFS client)
/// rather than through the driver's upload stream, whose abort deletes every chunk with the same
/// <c>files_id</c> — another writer's chunks of the same hash included.
/// </summary>
internal sealed class GridFsAttachments
{
    /// <summary>GridFS chunk size (WildDuck: 255 KiB).</summary>
    public const int ChunkSize = 255 * 1024;

    /// <summary>Attempts at increment-or-insert before a racing upload is reported as a conflict.</summary>
    public const int MaxAttempts = 10;

    /// <summary>Chunks without a files document older than this are debris of a failed upload (WildDuck: 5 min).</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(5);

    /// <summary>Files collected per garbage-collection query.</summary>
    public const int CollectBatch = 1000;

    public GridFsAttachments(IMongoDatabase database, string bucket)
    {
        Files = database.GetCollection<BsonDocument>(bucket + ".files");
        Chunks = database.GetCollection<BsonDocument>(bucket + ".chunks");
    }

    public IMongoCollection<BsonDocument> Files { get; }

    public IMongoCollection<BsonDocument> Chunks { get; }

    // ------------------------------------------------------------------ definitions (unit-tested)

    public static BsonBinaryData Id(ContentHash hash) => new(hash.ToByteArray(), BsonBinarySubType.Binary);

    public static BsonBinaryData Id(byte[] hash) => new(hash, BsonBinarySubType.Binary);

    public static FilterDefinition<BsonDocument> FileFilter(BsonBinaryData id) => new BsonDocument("_id", id);

    /// <summary><c>{$inc: {metadata.c: count, metadata.m: magic}, $set: {metadata.cu: now}}</c>: count and magic are negative to release.</summary>
    public static UpdateDefinition<BsonDocument> ReferenceUpdate(long count, long magic, DateTime now) => new BsonDocument
    {
        { "$inc", new BsonDocument { { "metadata.c", count }, { "metadata.m", magic } } },
        { "$set", new BsonDocument("metadata.cu", now) },
    };

    /// <summary>The files document of a new attachment with its first reference.</summary>
    public static BsonDocument FileDocument(ExternalBody body, int magic, DateTime now) => new()
    {
        { "_id", Id(body.Hash) },
        { "length", (long)body.EncodedBytes.Length },
        { "chunkSize", ChunkSize },
        { "uploadDate", now },
        { "filename", body.Hash.ToString() },
        { "contentType", body.ContentType },
        {
            "metadata", new BsonDocument
            {
                { "c", 1L },
                { "m", (long)magic },
                { "cu", now },
                { "esize", (long)body.EncodedBytes.Length },
                { "transferEncoding", body.TransferEncoding },
                { "decoded", false },
            }
        },
    };

    /// <summary>The chunks of a body, <see cref="ChunkSize"/> bytes each (the last one shorter; none for an empty body).</summary>
    public static List<BsonDocument> ChunkDocuments(BsonBinaryData id, ReadOnlyMemory<byte> bytes)
    {
        var chunks = new List<BsonDocument>((bytes.Length + ChunkSize - 1) / ChunkSize);
        for (int offset = 0, n = 0; offset < bytes.Length; offset += ChunkSize, n++)
        {
            var length = Math.Min(ChunkSize, bytes.Length - offset);
            chunks.Add(new BsonDocument
            {
                { "_id", ObjectId.GenerateNewId() },
                { "files_id", id },
                { "n", n },
                { "data", new BsonBinaryData(bytes.Slice(offset, length).ToArray()) },
            });
        }

        return chunks;
    }

    /// <summary>Chunks of <paramref name="id"/> written before <paramref name="before"/> (their ObjectId's time).</summary>
    public static FilterDefinition<BsonDocument> OldChunksFilter(BsonBinaryData id, DateTime before) => new BsonDocument
    {
        { "files_id", id },
        { "_id", new BsonDocument("$lt", SmallestObjectId(before)) },
    };

    /// <summary>The smallest ObjectId of a second: its timestamp and eight zero bytes.</summary>
    public static ObjectId SmallestObjectId(DateTime time)
    {
        var seconds = (uint)new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds();
        var bytes = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, seconds);
        return new ObjectId(bytes);
    }

    /// <summary>Every chunk of a file.</summary>
    public static FilterDefinition<BsonDocument> ChunksFilter(BsonValue id) => new BsonDocument("files_id", id);

    /// <summary>Chunks <c>first</c>..<c>last</c> of a file, in order.</summary>
    public static FilterDefinition<BsonDocument> ChunkRangeFilter(BsonBinaryData id, long first, long last) => new BsonDocument
    {
        { "files_id", id },
        { "n", new BsonDocument { { "$gte", first }, { "$lte", last } } },
    };

    public static SortDefinition<BsonDocument> ChunkOrder => new BsonDocument { { "files_id", 1 }, { "n", 1 } };

    /// <summary>Files that may be collected: no reference, magic sum zero, untouched since the cutoff (or never stamped).</summary>
    public static FilterDefinition<BsonDocument> CollectableFilter(DateTime cutoff) => new BsonDocument
    {
        { "metadata.c", 0 },
        { "metadata.m", 0 },
        { "$or", new BsonArray { new BsonDocument("metadata.cu", new BsonDocument("$lte", cutoff)), new BsonDocument("metadata.cu", new BsonDocument("$exists", false)) } },
    };

    /// <summary>The delete of one collectable file, still conditioned on both counters being zero.</summary>
    public static FilterDefinition<BsonDocument> CollectFilter(BsonValue id) => new BsonDocument
    {
        { "_id", id },
        { "metadata.c", 0 },
        { "metadata.m", 0 },
    };

    /// <summary>Counts and sizes of the bucket in one <c>$group</c>.</summary>
    public static PipelineDefinition<BsonDocument, BsonDocument> StatisticsPipeline() => new BsonDocument[]
    {
        new("$group", new BsonDocument
        {
            { "_id", BsonNull.Value },
            { "attachments", new BsonDocument("$sum", 1) },
            { "stored", new BsonDocument("$sum", "$length") },
            { "referenced", new BsonDocument("$sum", new BsonDocument("$multiply", new BsonArray { "$length", new BsonDocument("$max", new BsonArray { "$metadata.c", 0 }) })) },
            { "unreferenced", new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$lte", new BsonArray { "$metadata.c", 0 }), 1, 0 })) },
        }),
    };

    /// <summary>The <c>length</c> and <c>chunkSize</c> of a file.</summary>
    public static ProjectionDefinition<BsonDocument> FileInfoProjection => new BsonDocument { { "length", 1 }, { "chunkSize", 1 } };

    // ------------------------------------------------------------------ references

    /// <summary>
    /// Takes one reference on every body (reference §2.5 step 2): increments an existing file or
    /// uploads a new one, retrying the increment on a duplicate-key race. Returns the ids
    /// referenced so far through <paramref name="referenced"/> (for compensation), also on failure.
    /// </summary>
    public async Task AddAsync(IReadOnlyList<ExternalBody> bodies, int magic, Func<DateTime> now, List<byte[]> referenced, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            await AddOneAsync(body, magic, now, cancellationToken).ConfigureAwait(false);
            referenced.Add(body.Hash.ToByteArray());
        }
    }

    private async Task AddOneAsync(ExternalBody body, int magic, Func<DateTime> now, CancellationToken cancellationToken)
    {
        var id = Id(body.Hash);
        for (var attempt = 1; ; attempt++)
        {
            var hit = await Files.UpdateOneAsync(FileFilter(id), ReferenceUpdate(1, magic, now()), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (hit.MatchedCount > 0)
            {
                return;
            }

            if (await TryUploadAsync(id, body, magic, now(), cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (attempt >= MaxAttempts)
            {
                throw new StorageException(StorageError.Conflict, "Attachment " + body.Hash + " is being stored concurrently; retry.");
            }

            // Another writer holds chunks of this hash: either its upload is under way (its files
            // document follows shortly) or it died; debris older than OrphanAge is removed.
            if (await Files.CountDocumentsAsync(FileFilter(id), cancellationToken: cancellationToken).ConfigureAwait(false) == 0)
            {
                await Chunks.DeleteManyAsync(OldChunksFilter(id, now() - OrphanAge), cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25 * attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes chunks then the files document; false on a duplicate key (another writer was first).</summary>
    private async Task<bool> TryUploadAsync(BsonBinaryData id, ExternalBody body, int magic, DateTime now, CancellationToken cancellationToken)
    {
        var chunks = ChunkDocuments(id, body.EncodedBytes);
        try
        {
            if (chunks.Count > 0)
            {
                await Chunks.InsertManyAsync(chunks, new InsertManyOptions { IsOrdered = true }, cancellationToken).ConfigureAwait(false);
            }

            await Files.InsertOneAsync(FileDocument(body, magic, now), cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            // Remove exactly the chunks this attempt wrote (by their own ids), never another writer's.
            var mine = new BsonArray(chunks.Select(c => c["_id"]));
            if (mine.Count > 0)
            {
                await Chunks.DeleteManyAsync(new BsonDocument("_id", new BsonDocument("$in", mine)), CancellationToken.None).ConfigureAwait(false);
            }

            if (MongoMailStore.IsDuplicateKey(ex))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>
    /// Adds (or with negative signs releases) references: per distinct id, <c>c</c> by the number of
    /// messages and <c>m</c> by the sum of their magic numbers.
    /// </summary>
    public async Task AdjustAsync(IClientSessionHandle? session, IEnumerable<(byte[] Id, int Magic)> references, int sign, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var group in Group(references))
        {
            await Files.UpdateOneWithAsync(session, FileFilter(Id(group.Id)), ReferenceUpdate(sign * group.Count, sign * group.Magic, now), null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>References grouped by id: how many, and the sum of their magic numbers.</summary>
    public static List<(byte[] Id, long Count, long Magic)> Group(IEnumerable<(byte[] Id, int Magic)> references)
    {
        var map = new Dictionary<ContentHash, (byte[] Id, long Count, long Magic)>();
        var order = new List<ContentHash>();
        foreach (var (id, magic) in references)
        {
            var key = ContentHash.FromBytes(id);
            if (map.TryGetValue(key, out var current))
            {
                map[key] = (current.Id, current.Count + 1, current.Magic + magic);
            }
            else
            {
                map[key] = (id, 1, magic);
                order.Add(key);
            }
        }

        return order.Select(k => map[k]).ToList();
    }

    // ------------------------------------------------------------------ reading

    /// <summary>The length and chunk size of a file; a missing file is store damage.</summary>
    public async Task<(long Length, int ChunkSize)> InfoAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        var file = await Files.Find(FileFilter(Id(hash))).Project(FileInfoProjection).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException(StorageError.NotFound, "Attachment " + hash + " is missing from the store.");
        return (file["length"].ToInt64(), file.GetValue("chunkSize", ChunkSize).ToInt32());
    }

    /// <summary>Reads chunks <paramref name="first"/>..<paramref name="last"/> of a file, in order.</summary>
    public Task<List<BsonDocument>> ReadChunksAsync(ContentHash hash, long first, long last, CancellationToken cancellationToken) =>
        Chunks.Find(ChunkRangeFilter(Id(hash), first, last)).Sort(ChunkOrder).ToListAsync(cancellationToken);

    /// <summary>
    /// Reads whole files (small ones, for prefetching) in one query over their chunks; a file
    /// whose chunks are incomplete is left out (read later through the ordinary path, which reports it).
    /// </summary>
    public async Task<Dictionary<ContentHash, byte[]>> ReadWholeAsync(IReadOnlyCollection<(ContentHash Hash, long Length)> files, CancellationToken cancellationToken)
    {
        var result = new Dictionary<ContentHash, byte[]>();
        if (files.Count == 0)
        {
            return result;
        }

        var lengths = files.ToDictionary(f => f.Hash, f => f.Length);
        var ids = new BsonArray(files.Select(f => Id(f.Hash)));
        var filter = new BsonDocument("files_id", new BsonDocument("$in", ids));
        var buffers = new Dictionary<ContentHash, (byte[] Data, int Written)>();
        using var cursor = await Chunks.Find(filter).Sort(ChunkOrder).ToCursorAsync(cancellationToken).ConfigureAwait(false);
        while (await cursor.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var chunk in cursor.Current)
            {
                var hash = ContentHash.FromBytes(chunk["files_id"].AsByteArray);
                if (!lengths.TryGetValue(hash, out var length))
                {
                    continue;
                }

                var (data, written) = buffers.TryGetValue(hash, out var b) ? b : (new byte[length], 0);
                var bytes = chunk["data"].AsByteArray;
                if (written + bytes.Length <= data.Length)
                {
                    bytes.CopyTo(data, written);
                    written += bytes.Length;
                }

                buffers[hash] = (data, written);
            }
        }

        foreach (var (hash, length) in lengths)
        {
            if (length == 0)
            {
                result[hash] = Array.Empty<byte>();
            }
            else if (buffers.TryGetValue(hash, out var b) && b.Written == b.Data.Length)
            {
                result[hash] = b.Data;
            }
        }

        return result;
    }
}
