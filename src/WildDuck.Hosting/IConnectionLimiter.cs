// SPDX-License-Identifier: MIT
using System;
using WildDuck.Storage;

namespace WildDuck.Hosting;

/// <summary>
/// Counts a user's concurrent sessions per protocol. Engines acquire a lease after authentication and
/// dispose it when the session ends; a refused acquire means the user has too many connections
/// (WildDuck answers <c>NO [LIMIT]</c> / closes). The default is in-process; a shared implementation
/// (Redis) makes the limit hold across server instances.
/// </summary>
public interface IConnectionLimiter
{
    /// <summary>Takes one slot for <paramref name="user"/> on <paramref name="protocol"/> if under the limit.</summary>
    /// <param name="protocol">Protocol name, e.g. <c>imap</c> (case-insensitive).</param>
    /// <param name="user">The authenticated user.</param>
    /// <param name="lease">On success, dispose it to release the slot (idempotent); null on failure.</param>
    /// <returns>True when a slot was taken.</returns>
    bool TryAcquire(string protocol, UserId user, out IDisposable? lease);

    /// <summary>The number of slots <paramref name="user"/> holds on <paramref name="protocol"/>.</summary>
    /// <param name="protocol">Protocol name (case-insensitive).</param>
    /// <param name="user">The user.</param>
    /// <returns>The current count.</returns>
    int GetCount(string protocol, UserId user);
}
