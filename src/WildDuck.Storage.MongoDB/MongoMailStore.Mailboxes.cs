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
    public Task<IReadOnlyList<MailboxRecord>> ListMailboxesAsync(UserId user, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<MailboxRecord?> GetMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<MailboxRecord?> FindMailboxAsync(UserId user, string path, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<MailboxRecord?> FindSpecialUseAsync(UserId user, SpecialUse specialUse, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<MailboxRecord> CreateMailboxAsync(UserId user, string path, CreateMailboxOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<MailboxRecord> RenameMailboxAsync(UserId user, MailboxId mailbox, string newPath, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task DeleteMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task SetSubscribedAsync(UserId user, MailboxId mailbox, bool subscribed, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<MailboxSnapshot?> OpenAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
