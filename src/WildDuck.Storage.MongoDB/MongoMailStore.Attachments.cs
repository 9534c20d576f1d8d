// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    private GridFsAttachments? _gridFs;

    /// <summary>The attachment bucket (reference §2.5).</summary>
    internal GridFsAttachments GridFs => _gridFs ??= new GridFsAttachments(_context.AttachmentsDatabase, _context.Options.AttachmentBucket);

    /// <summary>The session for the attachments database: the transaction's when it shares the main client, none otherwise.</summary>
    private IClientSessionHandle? AttachmentsSession(IClientSessionHandle? session) =>
        _context.AttachmentsShareMainClient ? session : null;

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var source = new GridFsAttachmentSource(GridFs);
        return await RunDirectAsync(ct => source.ReadAsync(hash, offset, destination, ct).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<AttachmentStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var result = await GridFs.Files.Aggregate(GridFsAttachments.StatisticsPipeline(), cancellationToken: ct).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return result is null
                    ? new AttachmentStatistics(0, 0, 0, 0)
                    : new AttachmentStatistics(result["attachments"].ToInt64(), result["stored"].ToInt64(), result["referenced"].ToInt64(), result["unreferenced"].ToInt64());
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Reference §2.5: files with <c>metadata.c == 0 &amp;&amp; metadata.m == 0</c> untouched for
    /// <paramref name="minimumAge"/>, in batches; each files document is deleted conditioned on
    /// both counters still being zero, then its chunks (as WildDuck does; docs/storage.md names
    /// the remaining race with a re-upload of the same hash in between).
    /// </remarks>
    public Task<long> CollectGarbageAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var cutoff = MongoMapping.ToBsonDate(_time.GetUtcNow() - minimumAge);
                long deleted = 0;
                while (true)
                {
                    var batch = await GridFs.Files.Find(GridFsAttachments.CollectableFilter(cutoff))
                        .Project(new BsonDocument("_id", 1))
                        .Limit(GridFsAttachments.CollectBatch)
                        .ToListAsync(ct).ConfigureAwait(false);
                    var removed = 0;
                    foreach (var file in batch)
                    {
                        var id = file["_id"];
                        var result = await GridFs.Files.DeleteOneAsync(GridFsAttachments.CollectFilter(id), ct).ConfigureAwait(false);
                        if (result.DeletedCount == 0)
                        {
                            continue;
                        }

                        removed++;
                        await GridFs.Chunks.DeleteManyAsync(GridFsAttachments.ChunksFilter(id), ct).ConfigureAwait(false);
                    }

                    deleted += removed;
                    if (batch.Count < GridFsAttachments.CollectBatch || removed == 0)
                    {
                        return deleted;
                    }
                }
            },
            cancellationToken);
}
