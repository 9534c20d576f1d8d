// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION PLACEHOLDERS (second engineer): every method in this file throws until the message
    // store is implemented. None may remain when the backend is done.
    private const string NotImplementedMessage = "MongoDB message store: not yet implemented";

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(UserId user, MailboxId mailbox, AppendRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public IAsyncEnumerable<MessageRecord> ListMessagesAsync(UserId user, MailboxId mailbox, UidSet uids, MessageFields fields = MessageFields.Basic, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<MessageRecord?> GetMessageAsync(UserId user, MailboxId mailbox, uint uid, MessageFields fields = MessageFields.Basic, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<MessageContent?> OpenContentAsync(UserId user, MailboxId mailbox, uint uid, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<FlagUpdateResult> UpdateFlagsAsync(UserId user, MailboxId mailbox, UidSet uids, FlagUpdate update, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<CopyResult> CopyAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<CopyResult> MoveAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpungedMessage>> ExpungeAsync(UserId user, MailboxId mailbox, UidSet? uids = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExpungedMessage>> DeleteMessagesAsync(UserId user, MailboxId mailbox, UidSet uids, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(NotImplementedMessage);
}
