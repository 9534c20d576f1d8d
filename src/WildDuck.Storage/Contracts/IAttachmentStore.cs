// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Reads attachment bytes by hash (the external segments of stored messages).</summary>
public interface IAttachmentContentSource
{
    /// <summary>
    /// Copies bytes of the attachment <paramref name="hash"/> starting at <paramref name="offset"/>
    /// into <paramref name="destination"/>; returns the count copied (0 at the end).
    /// </summary>
    ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default);
}

/// <summary>Statistics of the deduplicating attachment store.</summary>
/// <param name="Attachments">Distinct stored attachments.</param>
/// <param name="StoredBytes">Bytes stored (each distinct attachment once).</param>
/// <param name="ReferencedBytes">Bytes referenced (each reference counted): what storage without dedup would need.</param>
/// <param name="Unreferenced">Attachments with no reference, awaiting collection.</param>
public sealed record AttachmentStatistics(long Attachments, long StoredBytes, long ReferencedBytes, long Unreferenced);

/// <summary>The deduplicating attachment store.</summary>
public interface IAttachmentStore : IAttachmentContentSource
{
    /// <summary>Counts and sizes.</summary>
    Task<AttachmentStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes attachments whose reference count has been zero for at least <paramref name="minimumAge"/>
    /// (the grace period protects an ingest that is about to reference them); returns how many.
    /// </summary>
    Task<long> CollectGarbageAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default);
}
