// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION: replaced by the implementation right after the foundation commit.

    /// <inheritdoc />
    public Task<ConsistencyReport> CheckAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
