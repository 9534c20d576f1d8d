// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>Helpers shared by the endpoints.</summary>
internal static class StorageCalls
{
    /// <summary>
    /// Runs a store call and turns the storage failures <paramref name="map"/> knows into the codes
    /// WildDuck uses for them; others go to the dispatcher's generic mapping. The call is a
    /// delegate because stores may throw before returning a task.
    /// </summary>
    public static async Task<T> MapAsync<T>(Func<Task<T>> call, Func<StorageError, ApiException?> map)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex is not MessageLimitExceededException && map(ex.Error) is not null)
        {
            throw map(ex.Error)!;
        }
    }

    /// <inheritdoc cref="MapAsync{T}(Func{Task{T}}, Func{StorageError, ApiException})"/>
    public static Task MapAsync(Func<Task> call, Func<StorageError, ApiException?> map) =>
        MapAsync(
            async () =>
            {
                await call().ConfigureAwait(false);
                return true;
            },
            map);

    /// <summary>A retention in milliseconds (0 = none).</summary>
    public static TimeSpan? Retention(long? milliseconds) => milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
