// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Search;

namespace WildDuck.Storage;

/// <summary>
/// Messages: append, read, flag changes, copy, move, expunge and search. Every change allocates
/// its UID/MODSEQ, writes its journal entries and adjusts counters, quota and attachment
/// reference counts in one transaction (or one atomic operation), and wakes the notifier.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Ingests and stores a message. Throws <see cref="MessageLimitExceededException"/> for an
    /// oversized message, <see cref="StorageError.OverQuota"/> when the user is over quota and
    /// <see cref="StorageError.NotFound"/> when the mailbox is gone.
    /// </summary>
    Task<AppendResult> AppendAsync(UserId user, MailboxId mailbox, AppendRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads message metadata for the UIDs in ascending UID order.</summary>
    IAsyncEnumerable<MessageRecord> ListMessagesAsync(UserId user, MailboxId mailbox, UidSet uids, MessageFields fields = MessageFields.Basic, CancellationToken cancellationToken = default);

    /// <summary>Reads one message's metadata.</summary>
    Task<MessageRecord?> GetMessageAsync(UserId user, MailboxId mailbox, uint uid, MessageFields fields = MessageFields.Basic, CancellationToken cancellationToken = default);

    /// <summary>Opens a message's content for recomposition and section extraction; null when it is gone.</summary>
    Task<MessageContent?> OpenContentAsync(UserId user, MailboxId mailbox, uint uid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes flags (STORE). At most one new MODSEQ is allocated per call, only if something
    /// changed; unchanged messages keep their MODSEQ. UIDs that no longer exist are skipped.
    /// </summary>
    Task<FlagUpdateResult> UpdateFlagsAsync(UserId user, MailboxId mailbox, UidSet uids, FlagUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies messages (COPY); <see cref="StorageError.OverQuota"/> when the copy would exceed
    /// quota. All or nothing: a failed copy leaves the target without any of the copies (RFC 3501
    /// §6.4.7), also where a backend copies a large set in several transactions.
    /// </summary>
    Task<CopyResult> CopyAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves messages (RFC 6851 MOVE), atomically where the set fits in one transaction of the
    /// backend. A backend that bounds its transactions moves a larger set in consecutive parts,
    /// each atomic; when a part fails, the parts before it stay moved (with their journal entries)
    /// and the <see cref="StorageException"/> says how many were moved.
    /// </summary>
    Task<CopyResult> MoveAsync(UserId user, MailboxId source, UidSet uids, MailboxId target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes messages flagged \Deleted (EXPUNGE), restricted to <paramref name="uids"/> when given
    /// (UID EXPUNGE, RFC 4315). Returns the removed messages in ascending UID order. A backend that
    /// bounds its transactions removes a large set in consecutive parts; when a part fails, the
    /// parts before it stay removed (with their journal entries) and the exception says how many.
    /// </summary>
    Task<IReadOnlyList<ExpungedMessage>> ExpungeAsync(UserId user, MailboxId mailbox, UidSet? uids = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the given messages regardless of flags (API delete, retention).</summary>
    Task<IReadOnlyList<ExpungedMessage>> DeleteMessagesAsync(UserId user, MailboxId mailbox, UidSet uids, CancellationToken cancellationToken = default);

    /// <summary>Returns the UIDs of matching messages in ascending order.</summary>
    Task<IReadOnlyList<uint>> SearchAsync(UserId user, MailboxId mailbox, SearchKey query, CancellationToken cancellationToken = default);
}
