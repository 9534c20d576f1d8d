// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Search;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION PLACEHOLDERS (second engineer): replaced by the real implementation.

    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> SearchAsync(UserId user, MailboxId mailbox, SearchKey query, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);
}
