// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION: replaced by the implementation right after the foundation commit.

    /// <inheritdoc />
    public Task<AutoreplySettings?> GetAutoreplyAsync(UserId user, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task SetAutoreplyAsync(UserId user, AutoreplySettings settings, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> DeleteAutoreplyAsync(UserId user, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> TryRecordAutoreplyAsync(UserId user, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
