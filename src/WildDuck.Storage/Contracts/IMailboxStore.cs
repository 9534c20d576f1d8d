// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Mailboxes (folders) of a user.</summary>
public interface IMailboxStore
{
    /// <summary>Lists every mailbox of the user, hidden ones included, ordered by path.</summary>
    Task<IReadOnlyList<MailboxRecord>> ListMailboxesAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Gets a mailbox by id (null when it does not exist or belongs to another user).</summary>
    Task<MailboxRecord?> GetMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default);

    /// <summary>Finds a mailbox by path ("INBOX" matches case-insensitively, RFC 3501 §5.1).</summary>
    Task<MailboxRecord?> FindMailboxAsync(UserId user, string path, CancellationToken cancellationToken = default);

    /// <summary>Finds the mailbox with a special use.</summary>
    Task<MailboxRecord?> FindSpecialUseAsync(UserId user, SpecialUse specialUse, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a mailbox. <see cref="StorageError.AlreadyExists"/> when the path exists,
    /// <see cref="StorageError.Invalid"/> for a bad path, <see cref="StorageError.Limit"/> when the
    /// user has too many mailboxes. Writes a CREATE journal entry.
    /// </summary>
    Task<MailboxRecord> CreateMailboxAsync(UserId user, string path, CreateMailboxOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Renames a mailbox and every mailbox below it (RFC 3501 §6.3.5), keeping UIDVALIDITY.
    /// Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty (RFC 3501 §6.3.5).
    /// </summary>
    Task<MailboxRecord> RenameMailboxAsync(UserId user, MailboxId mailbox, string newPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a mailbox and its messages, releasing quota and attachment references with them.
    /// INBOX cannot be deleted (<see cref="StorageError.Cannot"/>). A backend that bounds its
    /// transactions may first empty a large mailbox in several (each consistent); if one fails the
    /// mailbox remains, with fewer messages, and deleting it again finishes the job.
    /// </summary>
    Task DeleteMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default);

    /// <summary>Sets the subscribed flag.</summary>
    Task SetSubscribedAsync(UserId user, MailboxId mailbox, bool subscribed, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets <see cref="MailboxRecord.EncryptMessages"/>; applies to mail added afterwards (stored messages stay as they are).
    /// <see cref="StorageError.NotFound"/> when the mailbox does not exist.
    /// </summary>
    Task SetEncryptMessagesAsync(UserId user, MailboxId mailbox, bool encrypt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribed names that no mailbox has, ordered by path. A subscription outlives its mailbox:
    /// deleting a subscribed mailbox keeps its name here (RFC 3501 §6.3.6: the server must not
    /// remove a name from the subscription list because the mailbox no longer exists), and
    /// creating a mailbox with such a name (CREATE, RENAME) makes it a subscribed mailbox again.
    /// </summary>
    Task<IReadOnlyList<string>> ListOrphanSubscriptionsAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Removes the subscription to a name that no mailbox has (UNSUBSCRIBE); false when there was none.</summary>
    Task<bool> RemoveOrphanSubscriptionAsync(UserId user, string path, CancellationToken cancellationToken = default);

    /// <summary>Reads the UID list and counters for SELECT/EXAMINE, consistently.</summary>
    Task<MailboxSnapshot?> OpenAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default);
}
