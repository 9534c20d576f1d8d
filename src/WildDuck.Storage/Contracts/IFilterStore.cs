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

    /// <summary>
    /// One page of every user's filters in id order (oldest first), for the administrative list (reference §8.3
    /// <c>GET /filters</c>): the <see cref="FilterPageQuery.Limit"/> filters after <see cref="FilterPageQuery.After"/>,
    /// or those just before <see cref="FilterPageQuery.Before"/>, still oldest first.
    /// </summary>
    Task<FilterPage> ListAllFiltersAsync(FilterPageQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets one filter.</summary>
    Task<FilterDefinition?> GetFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a filter; <see cref="StorageError.Limit"/> past the per-user maximum.</summary>
    Task<FilterDefinition> SaveFilterAsync(FilterDefinition filter, CancellationToken cancellationToken = default);

    /// <summary>Deletes a filter.</summary>
    Task<bool> DeleteFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default);
}

/// <summary>A position in the list of all filters for <see cref="IFilterStore.ListAllFiltersAsync"/>.</summary>
public sealed record FilterPageQuery
{
    /// <summary>Only filters with a larger id (the next page).</summary>
    public EntityId? After { get; init; }

    /// <summary>Only filters with a smaller id (the previous page); ignored when <see cref="After"/> is set.</summary>
    public EntityId? Before { get; init; }

    /// <summary>Most filters returned.</summary>
    public int Limit { get; init; } = 20;
}

/// <summary>A page of all filters.</summary>
/// <param name="Filters">The filters in id order.</param>
/// <param name="Total">How many filters exist, ignoring the position.</param>
public sealed record FilterPage(IReadOnlyList<FilterDefinition> Filters, long Total);
