// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Counters;

/// <summary>
/// The in-process <see cref="IForwardCounter"/>: one fixed window per user, which starts at the first
/// forward and lasts <see cref="Window"/>, under one lock (taken once per forwarded message). Ended
/// windows are swept when a window is opened, at most once per <see cref="SweepInterval"/>, so memory
/// follows the number of users forwarding within a window. Every call completes synchronously.
/// </summary>
public sealed class InMemoryForwardCounter : IForwardCounter
{
    /// <summary>The default window: one day, as WildDuck's forward counter.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly Dictionary<UserId, Bucket> _buckets = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private DateTimeOffset _nextSweep;

    /// <summary>Creates a counter.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="window">The window length; <see cref="DefaultWindow"/> when null. Must be positive.</param>
    public InMemoryForwardCounter(TimeProvider? timeProvider = null, TimeSpan? window = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        Window = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Window, TimeSpan.Zero, nameof(window));
        _nextSweep = _time.GetUtcNow() + SweepInterval;
    }

    /// <summary>The window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Users with a window held (including ended ones not yet swept).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryConsumeAsync(UserId user, int count, int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryConsume(user, count, limit));

    /// <summary>Counts <paramref name="count"/> forwards unless that would pass <paramref name="limit"/> (see <see cref="TryConsumeAsync"/>).</summary>
    /// <param name="user">The user.</param>
    /// <param name="count">Copies to count.</param>
    /// <param name="limit">Copies allowed per window.</param>
    /// <returns>True when counted.</returns>
    public bool TryConsume(UserId user, int count, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (count > limit)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_buckets.TryGetValue(user, out var bucket) || bucket.Expires <= now)
            {
                SweepIfDue(now);
                bucket = new Bucket(now + Window);
                _buckets[user] = bucket;
            }

            if (bucket.Count + (long)count > limit)
            {
                return false;
            }

            bucket.Count += count;
            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask<CounterUsage> GetUsageAsync(UserId user, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(GetUsage(user));

    /// <summary>Reads <paramref name="user"/>'s open window without counting (see <see cref="GetUsageAsync"/>).</summary>
    /// <param name="user">The user.</param>
    /// <returns>The count and the time left; <see cref="CounterUsage.None"/> when no window is open.</returns>
    public CounterUsage GetUsage(UserId user)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _buckets.TryGetValue(user, out var bucket) && bucket.Expires > now
                ? new CounterUsage(bucket.Count, bucket.Expires - now)
                : CounterUsage.None;
        }
    }

    // Called under the lock before a window is opened.
    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        var ended = new List<UserId>();
        foreach (var pair in _buckets)
        {
            if (pair.Value.Expires <= now)
            {
                ended.Add(pair.Key);
            }
        }

        foreach (var user in ended)
        {
            _buckets.Remove(user);
        }
    }

    private sealed class Bucket(DateTimeOffset expires)
    {
        public DateTimeOffset Expires { get; } = expires;

        public int Count { get; set; }
    }
}
