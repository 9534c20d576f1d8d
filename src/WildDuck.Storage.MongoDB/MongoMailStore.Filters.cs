// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.Addressing;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<FilterDefinition>> ListFiltersAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<FilterDefinition>>(
            async ct =>
            {
                var documents = await _context.Filters.FindWith(null, FiltersOfUser(MongoIds.ToObjectId(user)), UsersFind())
                    .Sort(FilterOrder())
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToFilterDefinition).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<FilterPage> ListAllFiltersAsync(FilterPageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        bool backwards = query.After is null && query.Before is not null;
        return RunDirectAsync(
            async ct =>
            {
                var total = await _context.Filters.CountWithAsync(null, Builders<FilterDocument>.Filter.Empty, ct).ConfigureAwait(false);
                var documents = await _context.Filters.FindWith(null, AllFiltersFrom(query), UsersFind())
                    .Sort(AllFiltersOrder(backwards))
                    .Limit(Math.Max(0, query.Limit))
                    .ToListAsync(ct).ConfigureAwait(false);
                if (backwards)
                {
                    documents.Reverse();
                }

                return new FilterPage(documents.Select(ToFilterDefinition).ToList(), total);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<FilterDefinition?> GetFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var document = await _context.Filters.FindWith(null, FilterOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(filter)), UsersFind())
                    .FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToFilterDefinition(document);
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// A new filter is counted against the limit first; two concurrent creations may pass it by one
    /// each. The filter is upserted by (<c>_id</c>, <c>user</c>), so a filter id of another user is
    /// refused (<see cref="StorageError.AlreadyExists"/>) rather than taken over, and a replaced
    /// filter keeps its creation time (filters run in creation order).
    /// </remarks>
    public Task<FilterDefinition> SaveFilterAsync(FilterDefinition filter, CancellationToken cancellationToken = default)
    {
        var document = ToFilterDocument(StoreRules.PrepareFilter(filter, _time));
        return RunDirectAsync(
            async ct =>
            {
                await RequireUserAsync(null, document.User, ct).ConfigureAwait(false);

                var filterOfUser = FilterOfUser(document.User, document.Id);
                if (await _context.Filters.FindWith(null, filterOfUser, UsersFind()).AnyAsync(ct).ConfigureAwait(false) is false
                    && await _context.Filters.CountWithAsync(null, FiltersOfUser(document.User), ct).ConfigureAwait(false) >= _options.Users.MaxFilters)
                {
                    throw new StorageException(StorageError.Limit, "Too many filters.");
                }

                try
                {
                    await _context.Filters.UpdateOneWithAsync(null, filterOfUser, FilterSaveUpdate(document), new UpdateOptions { IsUpsert = true }, ct).ConfigureAwait(false);
                }
                catch (MongoException ex) when (IsDuplicateKey(ex))
                {
                    throw new StorageException(StorageError.AlreadyExists, "The filter id is taken.", ex);
                }

                // As SQLite: the saved definition (a replaced filter keeps its stored creation time).
                return ToFilterDefinition(document);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Filters.DeleteOneWithAsync(null, FilterOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(filter)), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);

    // ------------------------------------------------------------------ filters (unit-tested as rendered BSON)

    internal static FilterDefinition<FilterDocument> FiltersOfUser(ObjectId user) => Builders<FilterDocument>.Filter.Eq(f => f.User, user);

    internal static FilterDefinition<FilterDocument> FilterOfUser(ObjectId user, ObjectId filter) =>
        Builders<FilterDocument>.Filter.Eq(f => f.Id, filter) & Builders<FilterDocument>.Filter.Eq(f => f.User, user);

    /// <summary>
    /// Saving a filter: <c>$set</c> of its name (or <c>$unset</c>), query, action and disabled flag;
    /// <c>created</c> only when inserted (the upsert takes <c>_id</c> and <c>user</c> from the filter).
    /// </summary>
    internal static UpdateDefinition<FilterDocument> FilterSaveUpdate(FilterDocument document)
    {
        var u = Builders<FilterDocument>.Update;
        return u.Combine(
            document.Name is null ? u.Unset(f => f.Name) : u.Set(f => f.Name, document.Name),
            u.Set(f => f.Query, document.Query),
            u.Set(f => f.Action, document.Action),
            u.Set(f => f.Disabled, document.Disabled),
            u.SetOnInsert(f => f.Created, document.Created));
    }

    /// <summary>Filters run in creation order (then id order).</summary>
    /// <summary><c>{_id: {$gt: after}}</c>, <c>{_id: {$lt: before}}</c>, or <c>{}</c> (the <c>_id</c> index serves all three).</summary>
    internal static FilterDefinition<FilterDocument> AllFiltersFrom(FilterPageQuery query) =>
        query.After is { } after ? Builders<FilterDocument>.Filter.Gt(f => f.Id, MongoIds.ToObjectId(after))
        : query.Before is { } before ? Builders<FilterDocument>.Filter.Lt(f => f.Id, MongoIds.ToObjectId(before))
        : Builders<FilterDocument>.Filter.Empty;

    /// <summary><c>{_id: 1}</c>, or <c>{_id: -1}</c> to read a previous page from its boundary.</summary>
    internal static SortDefinition<FilterDocument> AllFiltersOrder(bool backwards) =>
        backwards ? Builders<FilterDocument>.Sort.Descending(f => f.Id) : Builders<FilterDocument>.Sort.Ascending(f => f.Id);

    internal static SortDefinition<FilterDocument> FilterOrder() =>
        Builders<FilterDocument>.Sort.Ascending(f => f.Created).Ascending(f => f.Id);

    // ------------------------------------------------------------------ mapping

    internal static FilterDocument ToFilterDocument(FilterDefinition filter)
    {
        var query = filter.Query;
        var action = filter.Action;
        var hasHeaders = query.From is not null || query.To is not null || query.Subject is not null || query.ListId is not null;
        return new FilterDocument
        {
            Id = MongoIds.ToObjectId(filter.Id),
            User = MongoIds.ToObjectId(filter.User),
            Name = filter.Name,
            Query = new FilterQueryDocument
            {
                Headers = hasHeaders ? new FilterHeadersDocument { From = query.From, To = query.To, Subject = query.Subject, ListId = query.ListId } : null,
                Text = query.Text,
                HasAttachments = query.HasAttachments,
                Size = query.Size,
            },
            Action = new FilterActionDocument
            {
                Seen = action.Seen,
                Flag = action.Flag,
                Delete = action.Delete,
                Spam = action.Spam,
                Mailbox = action.Mailbox is { } mailbox ? MongoIds.ToObjectId(mailbox) : null,
                Targets = action.Targets.Count == 0 ? null : ToTargetDocuments(action.Targets),
            },
            Disabled = filter.Disabled,
            Created = MongoMapping.ToBsonDate(filter.Created),
        };
    }

    internal static FilterDefinition ToFilterDefinition(FilterDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        User = MongoIds.ToUserId(document.User),
        Name = document.Name,
        Query = new FilterQuery
        {
            From = document.Query?.Headers?.From,
            To = document.Query?.Headers?.To,
            Subject = document.Query?.Headers?.Subject,
            ListId = document.Query?.Headers?.ListId,
            Text = document.Query?.Text,
            HasAttachments = document.Query?.HasAttachments,
            Size = document.Query?.Size,
        },
        Action = new FilterAction
        {
            Seen = document.Action?.Seen,
            Flag = document.Action?.Flag,
            Delete = document.Action?.Delete,
            Spam = document.Action?.Spam,
            Mailbox = document.Action?.Mailbox is { } mailbox ? MongoIds.ToMailboxId(mailbox) : null,
            Targets = document.Action?.Targets?.Select(FilterTargetText).ToArray() ?? Array.Empty<string>(),
        },
        Disabled = document.Disabled,
        Created = MongoMapping.FromBsonDate(document.Created),
    };

    /// <summary>A filter target as filters state it: <c>mail:addr</c> for addresses, the URL otherwise.</summary>
    private static string FilterTargetText(TargetDocument target) =>
        target.Type == "mail" && AddressNormalizer.IsValidAddress(target.Value) ? "mail:" + target.Value : target.Value;
}
