// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    /// <summary>
    /// What one batch of a large operation did: its result, how many messages it changed, whether
    /// another batch follows and the last UID it handled (the next batch reads above it).
    /// </summary>
    private readonly record struct Batch<T>(T Result, int Messages, bool More, uint Last);

    /// <summary>
    /// Runs a large operation as consecutive changes (docs/storage.md, "Large operations in
    /// batches"): each <paramref name="batch"/> is one transaction (or, without transactions, one
    /// compensation unit) that handles the messages above the previous batch's last UID;
    /// <paramref name="committed"/> receives each committed batch's result, and the user's sessions
    /// are woken after each batch that changed something. An operation that fits in one batch is
    /// one change, as always. When a later batch fails after earlier ones committed, either
    /// <paramref name="undoCommitted"/> takes the committed batches back and the error is thrown
    /// unchanged, or (without it) the committed batches stand and the error — a
    /// <see cref="StorageException"/> with the same <see cref="StorageError"/> — says how many
    /// messages they changed.
    /// </summary>
    private async Task RunInBatchesAsync<T>(
        UserId user,
        string operation,
        Func<IClientSessionHandle?, Compensation, uint, CancellationToken, Task<Batch<T>>> batch,
        Action<T> committed,
        Func<Task>? undoCommitted,
        CancellationToken cancellationToken)
    {
        uint after = 0;
        var done = 0;
        var batches = 0;
        while (true)
        {
            var from = after;
            Batch<T> step;
            try
            {
                step = await RunCompensatedAsync((s, undo, ct) => batch(s, undo, from, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (batches > 0)
            {
                var error = await StoppedAsync(user, operation, done, batches, ex, undoCommitted).ConfigureAwait(false);
                if (ReferenceEquals(error, ex))
                {
                    throw;
                }

                throw error;
            }

            batches++;
            done += step.Messages;
            committed(step.Result);
            if (step.Messages > 0)
            {
                await NotifyAsync(user).ConfigureAwait(false);
            }

            if (!step.More)
            {
                return;
            }

            after = step.Last;
        }
    }

    /// <summary>
    /// The error to throw when a batch after the first one failed: the original when the committed
    /// batches were taken back (or the failure is a cancellation, which passes unchanged after being
    /// logged), otherwise a <see cref="StorageException"/> with the same error code saying what stands.
    /// </summary>
    private async Task<Exception> StoppedAsync(UserId user, string operation, int done, int batches, Exception error, Func<Task>? undoCommitted)
    {
        LogStoppedPartway(_logger, operation, user.ToString(), batches, done, error);
        if (undoCommitted is not null)
        {
            try
            {
                await undoCommitted().ConfigureAwait(false);
                return error;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUndoFailed(_logger, operation, user.ToString(), ex);
                return new StorageException(
                    error is StorageException failed ? failed.Error : StorageError.Unavailable,
                    $"{operation} failed after {done} messages had been handled in {batches} earlier transactions, and taking them back failed too ({ex.Message}); the maintenance check reports what is left: {error.Message}",
                    error);
            }
        }

        await NotifyAsync(user).ConfigureAwait(false);
        return error is StorageException storage
            ? new StorageException(storage.Error, $"{operation} stopped after {done} messages in {batches} earlier transactions, which stand: {storage.Message}", storage)
            : error;
    }

    [LoggerMessage(EventId = 2140, Level = LogLevel.Warning, Message = "{Operation} of user {User} failed after {Batches} committed batches ({Messages} messages); those batches are complete and consistent.")]
    private static partial void LogStoppedPartway(ILogger logger, string operation, string user, int batches, int messages, Exception exception);

    [LoggerMessage(EventId = 2141, Level = LogLevel.Error, Message = "Taking back the committed batches of a failed {Operation} of user {User} failed; the maintenance check reports what is left.")]
    private static partial void LogUndoFailed(ILogger logger, string operation, string user, Exception exception);

    /// <summary>
    /// What removing a batch of messages releases on the mailbox counters (<c>$inc</c> negative
    /// messages, unseen, size) and the user's <c>storageUsed</c> (rendered by the unit tests batch
    /// by batch; attachment references go with <see cref="References"/>).
    /// </summary>
    internal sealed record Release(long Messages, long Unseen, long Size)
    {
        public static Release Of(IReadOnlyList<MessageRow> messages) => new(
            messages.Count,
            messages.Count(m => (m.Flags & MessageFlags.Seen) == 0),
            messages.Sum(m => m.Size));

        /// <summary><c>{$inc: {messages: -n, unseen: -u, size: -s}}</c> on the mailbox.</summary>
        public UpdateDefinition<MailboxDocument> MailboxUpdate => MailboxCountersUpdate(-Messages, -Unseen, -Size);

        /// <summary><c>{$inc: {storageUsed: -s}}</c> on the user.</summary>
        public UpdateDefinition<UserDocument> QuotaUpdate => StorageUsedUpdate(-Size);
    }
}
