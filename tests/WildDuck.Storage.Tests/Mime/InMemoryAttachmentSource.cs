// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.Tests;

/// <summary>An attachment source over a dictionary; serves at most <see cref="MaxRead"/> bytes per call to exercise short reads.</summary>
internal sealed class InMemoryAttachmentSource : IAttachmentContentSource
{
    private readonly Dictionary<ContentHash, byte[]> _bodies = new();

    public int MaxRead { get; set; } = 4093;

    public int Count => _bodies.Count;

    public void Add(IEnumerable<ExternalBody> bodies)
    {
        foreach (ExternalBody body in bodies)
        {
            _bodies[body.Hash] = body.EncodedBytes.ToArray();
        }
    }

    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        byte[] bytes = _bodies[hash];
        if (offset >= bytes.Length)
        {
            return new ValueTask<int>(0);
        }

        int count = (int)Math.Min(Math.Min(destination.Length, MaxRead), bytes.Length - offset);
        bytes.AsSpan((int)offset, count).CopyTo(destination.Span);
        return new ValueTask<int>(count);
    }
}
