// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION: replaced by the implementation right after the foundation commit.

    /// <inheritdoc />
    public Task<EntityId> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboundEntry>> ListEntriesAsync(OutboundListRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<OutboundQueueItem?> GetEntryAsync(EntityId id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> DeleteEntryAsync(EntityId id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> RequeueAsync(EntityId id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboundLease>> ClaimDueAsync(OutboundClaimRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> MarkDeliveredAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> MarkDeferredAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(EntityId id, Guid leaseToken, string error, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
