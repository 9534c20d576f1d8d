// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Hosting.Internal;

/// <summary>
/// The in-process <see cref="IConnectionLimiter"/>: a dictionary of counts under one lock (acquire
/// and release happen once per login, not per command, so contention is negligible). Entries are
/// removed at zero so memory follows the number of connected users.
/// </summary>
internal sealed class InMemoryConnectionLimiter(IOptions<ConnectionLimitOptions> options) : IConnectionLimiter
{
    private readonly ConnectionLimitOptions _options = options.Value;
    private readonly Dictionary<(string Protocol, UserId User), int> _counts = new(new KeyComparer());
    private readonly Lock _lock = new();

    public bool TryAcquire(string protocol, UserId user, out IDisposable? lease)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        int limit = _options.GetLimit(protocol);
        var key = (protocol, user);
        lock (_lock)
        {
            _counts.TryGetValue(key, out int count);
            if (count >= limit)
            {
                lease = null;
                return false;
            }

            _counts[key] = count + 1;
        }

        lease = new Lease(this, key);
        return true;
    }

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

    private sealed class Lease(InMemoryConnectionLimiter owner, (string Protocol, UserId User) key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key);
            }
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
