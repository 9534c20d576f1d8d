// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Connections;

/// <summary>
/// The in-process <see cref="IConnectionCounter"/>: a dictionary of counts under one lock (acquire and
/// release happen once per login, not per command, so contention is negligible). Entries are removed
/// at zero, so memory follows the number of connected users. Every call completes synchronously.
/// </summary>
public sealed class InMemoryConnectionCounter : IConnectionCounter
{
    private readonly Dictionary<(string Protocol, UserId User), int> _counts = new(new KeyComparer());
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public ValueTask<ConnectionLease?> TryAcquireAsync(string protocol, UserId user, int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ConnectionLease?>(TryAcquire(protocol, user, limit));

    /// <inheritdoc />
    public ValueTask<int> GetCountAsync(string protocol, UserId user, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(GetCount(protocol, user));

    /// <summary>Takes one slot if fewer than <paramref name="limit"/> are taken (see <see cref="TryAcquireAsync"/>).</summary>
    /// <param name="protocol">Protocol name (case-insensitive).</param>
    /// <param name="user">The user.</param>
    /// <param name="limit">Slots allowed at once.</param>
    /// <returns>The lease, or null when the limit is reached.</returns>
    public ConnectionLease? TryAcquire(string protocol, UserId user, int limit)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var key = (protocol, user);
        lock (_lock)
        {
            _counts.TryGetValue(key, out int count);
            if (count >= limit)
            {
                return null;
            }

            _counts[key] = count + 1;
        }

        return new Lease(this, key);
    }

    /// <summary>The number of slots held (see <see cref="GetCountAsync"/>).</summary>
    /// <param name="protocol">Protocol name (case-insensitive).</param>
    /// <param name="user">The user.</param>
    /// <returns>The current count.</returns>
    public int GetCount(string protocol, UserId user)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        lock (_lock)
        {
            return _counts.TryGetValue((protocol, user), out int count) ? count : 0;
        }
    }

    private void Release((string Protocol, UserId User) key)
    {
        lock (_lock)
        {
            if (_counts.TryGetValue(key, out int count))
            {
                if (count <= 1)
                {
                    _counts.Remove(key);
                }
                else
                {
                    _counts[key] = count - 1;
                }
            }
        }
    }

    private sealed class Lease(InMemoryConnectionCounter owner, (string Protocol, UserId User) key) : ConnectionLease
    {
        protected override ValueTask ReleaseAsync()
        {
            owner.Release(key);
            return default;
        }
    }

    private sealed class KeyComparer : IEqualityComparer<(string Protocol, UserId User)>
    {
        public bool Equals((string Protocol, UserId User) x, (string Protocol, UserId User) y)
            => x.User == y.User && string.Equals(x.Protocol, y.Protocol, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Protocol, UserId User) obj)
            => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Protocol), obj.User);
    }
}
