// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// Counts a user's concurrent sessions per protocol, for per-user connection limits (WildDuck's
/// <c>imap.maxConnections</c>) and exclusive locks (a limit of one, e.g. the POP3 maildrop lock).
/// A session takes a <see cref="ConnectionLease"/> after authentication and disposes it when it ends.
/// </summary>
/// <remarks>
/// The default (registered by <see cref="WildDuckServiceCollectionExtensions.AddWildDuck"/>) counts in
/// this process; <c>UseRedis()</c> replaces it with one that counts across every instance sharing the
/// Redis server. Implementations must never fail a login because shared state is unavailable: they
/// fall back to counting locally instead.
/// </remarks>
public interface IConnectionCounter
{
    /// <summary>Takes one slot for <paramref name="user"/> on <paramref name="protocol"/> if fewer than <paramref name="limit"/> are taken.</summary>
    /// <param name="protocol">Protocol name, e.g. <c>imap</c> (case-insensitive).</param>
    /// <param name="user">The authenticated user.</param>
    /// <param name="limit">Slots allowed at once (zero refuses every acquire).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The lease to dispose when the session ends, or null when the limit is reached.</returns>
    ValueTask<ConnectionLease?> TryAcquireAsync(string protocol, UserId user, int limit, CancellationToken cancellationToken = default);

    /// <summary>The number of slots <paramref name="user"/> holds on <paramref name="protocol"/>.</summary>
    /// <param name="protocol">Protocol name (case-insensitive).</param>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The current count (as far as this instance can tell while shared state is unavailable).</returns>
    ValueTask<int> GetCountAsync(string protocol, UserId user, CancellationToken cancellationToken = default);
}

/// <summary>
/// One slot taken from an <see cref="IConnectionCounter"/>. Disposing it releases the slot; a second
/// dispose does nothing, so a session may dispose it on every path out.
/// </summary>
public abstract class ConnectionLease : IAsyncDisposable
{
    private int _released;

    /// <summary>Releases the slot, once.</summary>
    /// <returns>A task that completes when the slot is released (or handed to the counter to release later).</returns>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Interlocked.Exchange(ref _released, 1) == 0 ? ReleaseAsync() : default;
    }

    /// <summary>Releases the slot; called at most once. Must not throw for an unavailable shared store.</summary>
    /// <returns>A task.</returns>
    protected abstract ValueTask ReleaseAsync();
}
