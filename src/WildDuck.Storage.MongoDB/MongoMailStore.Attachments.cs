// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION PLACEHOLDERS (second engineer): replaced by the real implementation.

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<AttachmentStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<long> CollectGarbageAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);
}
