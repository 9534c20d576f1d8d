// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace WildDuck.Storage.Redis;

/// <summary>
/// The outage state of one Redis-backed service that falls back to in-process behaviour: which errors
/// count as an outage, how long a call may wait, and logging the fallback and the recovery once each.
/// </summary>
internal sealed class RedisOutage(Action<Exception?> logFallback, Action logRecovered)
{
    /// <summary>The longest a call on a session's path waits for Redis before it falls back.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(500);

    private int _down;

    /// <summary>True while the last call fell back.</summary>
    public bool IsDown => Volatile.Read(ref _down) == 1;

    /// <summary>
    /// Any Redis error, not only a lost connection: a replica left read-only by a failover answers with
    /// an error, and a login must not fail because the shared state is unusable for a while.
    /// </summary>
    public static bool IsOutage(Exception ex) =>
        ex is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>
    /// Runs one call on Redis, bounded by <see cref="CallTimeout"/>, and records the recovery or the fallback.
    /// Returns <c>Reached = false</c> when Redis is not connected or the call failed with an outage error
    /// (<see cref="IsOutage"/>), so that the caller uses its in-process fallback; cancellation and other
    /// errors propagate.
    /// </summary>
    public async ValueTask<(bool Reached, T Value)> TryCallAsync<T>(IConnectionMultiplexer redis, Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            FellBack(null);
            return default;
        }

        try
        {
            var value = await call(redis.GetDatabase()).WaitAsync(CallTimeout, cancellationToken).ConfigureAwait(false);
            Recovered();
            return (true, value);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            FellBack(ex);
            return default;
        }
    }

    /// <summary>A call fell back; logged once per outage, since every login may pass here while Redis is down.</summary>
    public void FellBack(Exception? ex)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            logFallback(ex);
        }
    }

    /// <summary>A call reached Redis; logs the recovery when it ends an outage.</summary>
    public void Recovered()
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            logRecovered();
        }
    }
}
