// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;

namespace WildDuck.Storage;

/// <summary>
/// The open IMAP and POP3 sessions of each user, so that a forced logout (<c>PUT
/// /users/:user/logout</c>; WildDuck's LOGOUT beacon, reference §3.4 and §10 #31) can end them:
/// IMAP sessions answer <c>* BYE</c>, POP3 sessions <c>-ERR</c>, and close.
/// </summary>
public interface IUserSessions
{
    /// <summary>Registers a logged-in session; dispose the result when the session ends.</summary>
    /// <param name="user">The session's user.</param>
    /// <param name="logout">Ends the session with a reason for the client; cheap, never throws, may run on any thread.</param>
    /// <returns>The registration.</returns>
    IDisposable Register(UserId user, Action<string> logout);

    /// <summary>Ends every registered session of <paramref name="user"/> (an implementation that spans instances tells the others too); returns how many of this process were told.</summary>
    /// <param name="user">The user.</param>
    /// <param name="reason">The text the clients see.</param>
    /// <returns>The number of sessions.</returns>
    int Logout(UserId user, string reason);
}

/// <summary>
/// The sessions of this process, the default. Another process sharing the store does not hear
/// about a logout here; <c>UseRedis()</c> replaces this with <c>RedisUserSessions</c>, which carries
/// it to every instance over Redis pub/sub as WildDuck does. The user's tokens are revoked
/// everywhere anyway.
/// </summary>
public sealed class InProcessUserSessions : IUserSessions
{
    private readonly Dictionary<UserId, List<Registration>> _sessions = new();
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public IDisposable Register(UserId user, Action<string> logout)
    {
        ArgumentNullException.ThrowIfNull(logout);
        var registration = new Registration(this, user, logout);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(user, out var list))
            {
                list = new List<Registration>();
                _sessions[user] = list;
            }

            list.Add(registration);
        }

        return registration;
    }

    /// <inheritdoc />
    public int Logout(UserId user, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Registration[] targets;
        lock (_gate)
        {
            if (!_sessions.TryGetValue(user, out var list))
            {
                return 0;
            }

            targets = list.ToArray();
        }

        foreach (var target in targets)
        {
            target.Logout(reason);
        }

        return targets.Length;
    }

    private void Remove(Registration registration)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(registration.User, out var list) && list.Remove(registration) && list.Count == 0)
            {
                _sessions.Remove(registration.User);
            }
        }
    }

    private sealed class Registration(InProcessUserSessions owner, UserId user, Action<string> logout) : IDisposable
    {
        public UserId User { get; } = user;

        public void Logout(string reason) => logout(reason);

        public void Dispose() => owner.Remove(this);
    }
}
