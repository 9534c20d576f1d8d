// SPDX-License-Identifier: MIT
using Microsoft.Extensions.DependencyInjection;

namespace WildDuck.Storage;

/// <summary>
/// Returned by <see cref="WildDuckServiceCollectionExtensions.AddWildDuck"/>; storage backends and
/// protocol engines hang their registration methods on it (<c>.UseSqliteStorage()</c>, <c>.AddImap()</c>).
/// </summary>
public interface IWildDuckBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
