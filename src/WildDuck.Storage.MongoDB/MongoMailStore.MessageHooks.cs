// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // The mailbox and maintenance code (MongoMailStore.Mailboxes.cs, .Maintenance.cs) declares these
    // hooks; the message store implements them (MongoMailStore.Messages.cs, .MessageChecks.cs).

    private partial Task DeleteMailboxMessagesAsync(IClientSessionHandle? session, Compensation undo, ObjectId user, ObjectId mailbox, CancellationToken cancellationToken) =>
        DeleteMailboxMessagesCoreAsync(session, undo, user, mailbox, cancellationToken);

    private partial Task<int> DeleteMessageBatchAsync(IClientSessionHandle? session, Compensation undo, ObjectId user, ObjectId mailbox, int limit, CancellationToken cancellationToken) =>
        DeleteMessageBatchCoreAsync(session, undo, user, mailbox, limit, cancellationToken);

    private partial Task MoveAllMessagesAsync(IClientSessionHandle? session, ObjectId user, ObjectId source, ObjectId target, CancellationToken cancellationToken) =>
        MoveAllMessagesCoreAsync(session, user, source, target, cancellationToken);

    private partial Task<long> CheckMessageContentsAsync(List<ConsistencyProblem> problems, CancellationToken cancellationToken) =>
        CheckMessageContentsCoreAsync(problems, cancellationToken);
}
