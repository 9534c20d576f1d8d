// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Security;

/// <summary>
/// A thread-safe, single-process <see cref="IAuthenticationRateLimiter"/>. Memory is bounded: expired windows are
/// swept periodically, and when more than <see cref="MaxKeys"/> keys are open the windows closest to expiry are
/// dropped (an attacker spraying names can therefore shorten other keys' windows, but cannot exhaust memory).
/// </summary>
public sealed class InMemoryAuthenticationRateLimiter : IAuthenticationRateLimiter
{
    /// <summary>Default for <see cref="MaxKeys"/>.</summary>
    public const int DefaultMaxKeys = 100_000;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private DateTimeOffset _nextSweep;

    /// <summary>Creates a limiter.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="maxKeys">Most keys kept at once; at least 16.</param>
    public InMemoryAuthenticationRateLimiter(TimeProvider? timeProvider = null, int maxKeys = DefaultMaxKeys)
    {
        _time = timeProvider ?? TimeProvider.System;
        MaxKeys = Math.Max(16, maxKeys);
        _nextSweep = _time.GetUtcNow() + SweepInterval;
    }

    /// <summary>Most keys kept at once.</summary>
    public int MaxKeys { get; }

    /// <summary>Keys currently held (including expired ones not yet swept).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<RateLimitStatus> CheckAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_windows.TryGetValue(key, out Window? current) || current.Expires <= now)
            {
                return ValueTask.FromResult(new RateLimitStatus(false, 0, null));
            }

            return ValueTask.FromResult(Status(current, limit, now));
        }
    }

    /// <inheritdoc />
    public ValueTask<RateLimitStatus> RecordFailureAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_windows.TryGetValue(key, out Window? current) || current.Expires <= now)
            {
                SweepIfNeeded(now);
                current = new Window(now + window);
                _windows[key] = current;
            }

            if (current.Failures < int.MaxValue)
            {
                current.Failures++;
            }

            return ValueTask.FromResult(Status(current, limit, now));
        }
    }

    /// <inheritdoc />
    public ValueTask ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            _windows.Remove(key);
        }

        return ValueTask.CompletedTask;
    }

    private static RateLimitStatus Status(Window window, int limit, DateTimeOffset now) =>
        limit > 0 && window.Failures >= limit
            ? new RateLimitStatus(true, window.Failures, window.Expires - now)
            : new RateLimitStatus(false, window.Failures, null);

    // Called under the lock before adding a key.
    private void SweepIfNeeded(DateTimeOffset now)
    {
        if (now < _nextSweep && _windows.Count < MaxKeys)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        List<string> expired = [];
        foreach (KeyValuePair<string, Window> pair in _windows)
        {
            if (pair.Value.Expires <= now)
            {
                expired.Add(pair.Key);
            }
        }

        foreach (string key in expired)
        {
            _windows.Remove(key);
        }

        if (_windows.Count >= MaxKeys)
        {
            // Still full: drop the tenth of the windows that end soonest.
            int drop = Math.Max(1, _windows.Count / 10);
            foreach (string key in _windows.OrderBy(p => p.Value.Expires).Take(drop).Select(p => p.Key).ToList())
            {
                _windows.Remove(key);
            }
        }
    }

    private sealed class Window(DateTimeOffset expires)
    {
        public DateTimeOffset Expires { get; } = expires;

        public int Failures { get; set; }
    }
}
