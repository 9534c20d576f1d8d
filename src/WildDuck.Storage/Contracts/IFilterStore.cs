// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Delivery filter definitions.</summary>
public interface IFilterStore
{
    /// <summary>Lists the user's filters in creation order.</summary>
    Task<IReadOnlyList<FilterDefinition>> ListFiltersAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Gets one filter.</summary>
    Task<FilterDefinition?> GetFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a filter; <see cref="StorageError.Limit"/> past the per-user maximum.</summary>
    Task<FilterDefinition> SaveFilterAsync(FilterDefinition filter, CancellationToken cancellationToken = default);

    /// <summary>Deletes a filter.</summary>
    Task<bool> DeleteFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default);
}
