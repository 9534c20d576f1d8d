// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Attachment bytes read together with a batch of messages (small attachments only), so a FETCH of
/// many messages does not open a connection per attachment; anything not prefetched is read from
/// the store as usual.
/// </summary>
internal sealed class PrefetchedAttachmentSource : IAttachmentContentSource
{
    private readonly Dictionary<ContentHash, byte[]> _bodies = new();
    private readonly IAttachmentContentSource _fallback;

    public PrefetchedAttachmentSource(IAttachmentContentSource fallback) => _fallback = fallback;

    public void Add(ContentHash hash, byte[] bytes) => _bodies[hash] = bytes;

    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (!_bodies.TryGetValue(hash, out var body))
        {
            return _fallback.ReadAsync(hash, offset, destination, cancellationToken);
        }

        if (offset >= body.Length)
        {
            return ValueTask.FromResult(0);
        }

        var count = (int)Math.Min(destination.Length, body.Length - offset);
        body.AsSpan((int)offset, count).CopyTo(destination.Span);
        return ValueTask.FromResult(count);
    }
}
