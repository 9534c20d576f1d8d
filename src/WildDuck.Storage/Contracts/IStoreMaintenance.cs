// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>One problem found by a consistency check.</summary>
/// <param name="Kind">A short machine-readable kind ("refcount", "counter", "quota", "uid").</param>
/// <param name="Description">What is wrong, for people.</param>
public sealed record ConsistencyProblem(string Kind, string Description);

/// <summary>The result of <see cref="IStoreMaintenance.CheckAsync"/>.</summary>
/// <param name="Problems">Problems found (empty when the store is consistent).</param>
/// <param name="Users">Users checked.</param>
/// <param name="Mailboxes">Mailboxes checked.</param>
/// <param name="Messages">Messages checked.</param>
/// <param name="Attachments">Attachments checked.</param>
public sealed record ConsistencyReport(IReadOnlyList<ConsistencyProblem> Problems, long Users, long Mailboxes, long Messages, long Attachments)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsConsistent => Problems.Count == 0;
}

/// <summary>The result of <see cref="IStoreMaintenance.RecalculateStorageAsync"/>.</summary>
/// <param name="Before">The stored usage in bytes before the recount.</param>
/// <param name="After">The usage recounted from the user's messages, now stored.</param>
public sealed record StorageRecount(long Before, long After);

/// <summary>Store-wide maintenance: consistency checks and quota recounts.</summary>
public interface IStoreMaintenance
{
    /// <summary>
    /// Verifies attachment reference counts, mailbox counters, user quota usage, UID uniqueness and
    /// UID/MODSEQ bounds against the stored messages. Read-only.
    /// </summary>
    Task<ConsistencyReport> CheckAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Recomputes a user's storage usage as the sum of its messages' sizes and stores it (WildDuck's
    /// <c>POST /users/:user/quota/reset</c>, reference §8.3): repairs usage that drifted, e.g. after
    /// a restore from backup. Null when the user does not exist.
    /// </summary>
    Task<StorageRecount?> RecalculateStorageAsync(UserId user, CancellationToken cancellationToken = default);
}
