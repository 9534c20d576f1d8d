// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using WildDuck.Storage.Search;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    /// <inheritdoc />
    /// <remarks>The whole query runs in the database (<see cref="MongoSearchTranslator"/>; docs/storage.md, "Search").</remarks>
    public Task<IReadOnlyList<uint>> SearchAsync(UserId user, MailboxId mailbox, SearchKey query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var u = MongoIds.ToObjectId(user);
        var mb = MongoIds.ToObjectId(mailbox);
        var filter = SearchFilter(mb, query, _time.GetUtcNow());
        return RunDirectAsync<IReadOnlyList<uint>>(
            async ct =>
            {
                _ = await FindMailboxAsync(null, u, mb, ct).ConfigureAwait(false) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                var uids = new List<uint>();
                using var cursor = await _context.Messages.Find(filter, MessageQueryOptions).Project(SearchProjection).Sort(ByUid).ToCursorAsync(ct).ConfigureAwait(false);
                while (await cursor.MoveNextAsync(ct).ConfigureAwait(false))
                {
                    foreach (var document in cursor.Current)
                    {
                        uids.Add((uint)document["uid"].ToInt64());
                    }
                }

                return uids;
            },
            cancellationToken);
    }

    /// <summary>The SEARCH filter: the mailbox and the compiled key.</summary>
    internal static FilterDefinition<MessageDocument> SearchFilter(ObjectId mailbox, SearchKey query, DateTimeOffset now) =>
        new BsonDocumentFilterDefinition<MessageDocument>(MongoSearchTranslator.Query(mailbox, query, now));

    /// <summary>Only the UID comes back (covered by the <c>mailbox_uid</c> index when the key needs no other field).</summary>
    internal static ProjectionDefinition<MessageDocument, BsonDocument> SearchProjection =>
        new BsonDocument { { "_id", 0 }, { "uid", 1 } };
}
