// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // PLACEHOLDERS (second engineer): the message store implements these hooks (declared and
    // documented in MongoMailStore.Mailboxes.cs and .Maintenance.cs) in MongoMailStore.Messages.cs and deletes this file.

    private partial Task DeleteMailboxMessagesAsync(IClientSessionHandle? session, ObjectId user, ObjectId mailbox, CancellationToken cancellationToken) =>
        throw new NotSupportedException(NotImplementedMessage);

    private partial Task MoveAllMessagesAsync(IClientSessionHandle? session, ObjectId user, ObjectId source, ObjectId target, CancellationToken cancellationToken) =>
        throw new NotSupportedException(NotImplementedMessage);

    // Declared in MongoMailStore.Maintenance.cs.
    private partial Task<long> CheckMessageContentsAsync(List<ConsistencyProblem> problems, CancellationToken cancellationToken) =>
        throw new NotSupportedException(NotImplementedMessage);
}
