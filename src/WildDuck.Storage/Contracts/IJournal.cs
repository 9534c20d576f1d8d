// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Reads the change journal.</summary>
public interface IJournal
{
    /// <summary>Entries of a mailbox with MODSEQ greater than <paramref name="sinceModSeq"/>, in journal order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadSinceAsync(UserId user, MailboxId mailbox, long sinceModSeq, CancellationToken cancellationToken = default);

    /// <summary>Entries of a user (all mailboxes) with an id greater than <paramref name="afterId"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadUserAsync(UserId user, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The id of the user's newest entry, or 0 when the user has none: where a reader that wants only
    /// the changes from now on starts (<see cref="ReadUserAsync"/> after it).
    /// </summary>
    Task<long> GetLatestUserIdAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Deletes entries older than <paramref name="olderThan"/>; returns how many.</summary>
    Task<long> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);
}

/// <summary>
/// Carries "user X changed" wake-ups between sessions (and, with Redis, between processes).
/// Carries no data: sessions read the journal after a wake-up.
/// </summary>
public interface IChangeNotifier
{
    /// <summary>Announces that <paramref name="user"/>'s journal has news.</summary>
    ValueTask NotifyAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers <paramref name="onChange"/> for <paramref name="user"/>; dispose the result to
    /// unregister. The callback must be cheap and must not throw (it runs on the publisher's thread).
    /// </summary>
    IDisposable Subscribe(UserId user, Action onChange);
}

/// <summary>
/// A notifier that also carries wake-ups to other processes (the Redis notifier). A backend's own
/// cross-process relay (the SQLite journal watcher) wakes this process's sessions through
/// <see cref="NotifyLocalAsync"/>, so that what it relays is not published to the others again.
/// </summary>
public interface IRelayingChangeNotifier : IChangeNotifier
{
    /// <summary>Wakes this process's subscribers of <paramref name="user"/> only.</summary>
    ValueTask NotifyLocalAsync(UserId user, CancellationToken cancellationToken = default);
}
