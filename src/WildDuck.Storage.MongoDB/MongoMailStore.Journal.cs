// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION: replaced by the implementation right after the foundation commit.

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadSinceAsync(UserId user, MailboxId mailbox, long sinceModSeq, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadUserAsync(UserId user, long afterId, int limit, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<long> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
