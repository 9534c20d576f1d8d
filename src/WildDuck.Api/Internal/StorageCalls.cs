// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>Helpers shared by the endpoints.</summary>
internal static class StorageCalls
{
    /// <summary>Turns a storage failure of a known meaning into the code WildDuck uses for it.</summary>
    public static async Task<T> MapAsync<T>(Task<T> task, StorageError error, ApiException replacement)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Error == error && ex is not MessageLimitExceededException)
        {
            throw replacement;
        }
    }

    /// <summary>As <see cref="MapAsync{T}(Task{T}, StorageError, ApiException)"/> for a call without result.</summary>
    public static async Task MapAsync(Task task, StorageError error, ApiException replacement)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Error == error && ex is not MessageLimitExceededException)
        {
            throw replacement;
        }
    }

    /// <summary>A retention in milliseconds (0 = none).</summary>
    public static TimeSpan? Retention(long? milliseconds) => milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
