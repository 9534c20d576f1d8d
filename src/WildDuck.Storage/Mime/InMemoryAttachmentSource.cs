// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <summary>
/// An <see cref="IAttachmentContentSource"/> over bodies held in memory: for messages indexed but
/// not stored (previews, tests, benchmarks), see <see cref="MessageContent.FromIndexed"/>.
/// </summary>
public sealed class InMemoryAttachmentSource : IAttachmentContentSource
{
    private readonly Dictionary<ContentHash, ReadOnlyMemory<byte>> _bodies = new();

    /// <summary>Creates an empty source, or one holding <paramref name="bodies"/>.</summary>
    public InMemoryAttachmentSource(IEnumerable<ExternalBody>? bodies = null)
    {
        if (bodies is not null)
        {
            Add(bodies);
        }
    }

    /// <summary>
    /// The most bytes one <see cref="ReadAsync"/> returns. Default: unlimited. Lower it to exercise
    /// readers against short reads, as a real store may return.
    /// </summary>
    public int MaxRead { get; set; } = int.MaxValue;

    /// <summary>Number of distinct bodies held.</summary>
    public int Count => _bodies.Count;

    /// <summary>Adds bodies (the same hash twice keeps one copy).</summary>
    public void Add(IEnumerable<ExternalBody> bodies)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        foreach (var body in bodies)
        {
            _bodies[body.Hash] = body.EncodedBytes;
        }
    }

    /// <summary>Adds one body under its hash.</summary>
    public void Add(ContentHash hash, ReadOnlyMemory<byte> encodedBytes) => _bodies[hash] = encodedBytes;

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (!_bodies.TryGetValue(hash, out var body))
        {
            throw new StorageException(StorageError.NotFound, "Attachment " + hash + " is not held by this source.");
        }

        if (offset >= body.Length)
        {
            return new ValueTask<int>(0);
        }

        var count = (int)Math.Min(Math.Min(destination.Length, MaxRead), body.Length - offset);
        body.Span.Slice((int)offset, count).CopyTo(destination.Span);
        return new ValueTask<int>(count);
    }
}
