// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// Reads attachment bytes from the GridFS bucket for one or more opened messages: whole files
/// prefetched with a batch are served from memory; others are read a chunk at a time, keeping the
/// last chunk (a sequential read of a 255 KiB chunk in smaller pieces costs one query) and each
/// file's length and chunk size.
/// </summary>
internal sealed class GridFsAttachmentSource : IAttachmentContentSource
{
    private readonly GridFsAttachments _store;
    private readonly Dictionary<ContentHash, byte[]> _prefetched = new();
    private readonly Dictionary<ContentHash, (long Length, int ChunkSize)> _info = new();
    private readonly object _gate = new();
    private (ContentHash Hash, long N, byte[] Data)? _lastChunk;

    public GridFsAttachmentSource(GridFsAttachments store) => _store = store;

    /// <summary>Holds a whole file in memory.</summary>
    public void Add(ContentHash hash, byte[] bytes)
    {
        lock (_gate)
        {
            _prefetched[hash] = bytes;
        }
    }

    public async ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        try
        {
            return await ReadCoreAsync(hash, offset, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MongoMailStore.Translate(ex) is { } translated)
        {
            // Content is read after the store call returned: driver errors still become StorageExceptions.
            throw translated;
        }
    }

    private async Task<int> ReadCoreAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        byte[]? whole;
        (long Length, int ChunkSize) info;
        bool known;
        (ContentHash Hash, long N, byte[] Data)? last;
        lock (_gate)
        {
            _prefetched.TryGetValue(hash, out whole);
            known = _info.TryGetValue(hash, out info);
            last = _lastChunk;
        }

        if (whole is not null)
        {
            return Copy(whole, offset, destination);
        }

        if (!known)
        {
            info = await _store.InfoAsync(hash, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _info[hash] = info;
            }
        }

        if (offset >= info.Length || destination.IsEmpty)
        {
            return 0;
        }

        var n = offset / info.ChunkSize;
        byte[] data;
        if (last is { } cached && cached.Hash == hash && cached.N == n)
        {
            data = cached.Data;
        }
        else
        {
            var chunks = await _store.ReadChunksAsync(hash, n, n, cancellationToken).ConfigureAwait(false);
            if (chunks.Count == 0)
            {
                throw new StorageException(StorageError.NotFound, "Attachment " + hash + " is missing chunk " + n + ".");
            }

            data = chunks[0]["data"].AsByteArray;
            lock (_gate)
            {
                _lastChunk = (hash, n, data);
            }
        }

        return Copy(data, offset - (n * info.ChunkSize), destination);
    }

    private static int Copy(byte[] data, long offset, Memory<byte> destination)
    {
        if (offset >= data.Length)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, data.Length - offset);
        data.AsSpan((int)offset, count).CopyTo(destination.Span);
        return count;
    }
}
