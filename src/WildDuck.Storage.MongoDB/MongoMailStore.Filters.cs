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
    public Task<IReadOnlyList<FilterDefinition>> ListFiltersAsync(UserId user, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<FilterDefinition?> GetFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<FilterDefinition> SaveFilterAsync(FilterDefinition filter, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> DeleteFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
