// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Security;

/// <summary>The state of one rate-limit key.</summary>
/// <param name="Limited">True when the key has reached its limit and attempts must be refused.</param>
/// <param name="Failures">Failures counted in the current window.</param>
/// <param name="RetryAfter">Time until the window ends, when <paramref name="Limited"/>.</param>
public readonly record struct RateLimitStatus(bool Limited, int Failures, TimeSpan? RetryAfter);

/// <summary>
/// Counts authentication failures per key in fixed windows that start at the first failure (WildDuck's
/// <c>auth_user:&lt;id&gt;</c> counters, reference §7.2). The default is in memory
/// (<see cref="InMemoryAuthenticationRateLimiter"/>); a shared store such as Redis can implement it for clusters.
/// </summary>
public interface IAuthenticationRateLimiter
{
    /// <summary>Reads the state of <paramref name="key"/> without counting.</summary>
    /// <param name="key">The counter key.</param>
    /// <param name="limit">Failures allowed per window.</param>
    /// <param name="window">The window length.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The state.</returns>
    ValueTask<RateLimitStatus> CheckAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Counts one failure for <paramref name="key"/>, starting a window when none is open.</summary>
    /// <param name="key">The counter key.</param>
    /// <param name="limit">Failures allowed per window.</param>
    /// <param name="window">The window length.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The state after counting.</returns>
    ValueTask<RateLimitStatus> RecordFailureAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Clears <paramref name="key"/> (after a successful login).</summary>
    /// <param name="key">The counter key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    ValueTask ResetAsync(string key, CancellationToken cancellationToken = default);
}
