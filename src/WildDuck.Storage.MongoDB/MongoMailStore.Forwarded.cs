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

/// <summary>
/// Forwarded addresses: documents of the <c>addresses</c> collection without <c>user</c>, as in
/// WildDuck, so the unique <c>address_dotless</c> index keeps an address view unique across both kinds.
/// </summary>
public sealed partial class MongoMailStore
{
    /// <inheritdoc />
    public Task<ForwardedAddressRecord> CreateForwardedAddressAsync(CreateForwardedAddressRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = StoreRules.NewForwardedAddress(request.Address, request.AllowWildcard);
        var document = new AddressDocument
        {
            Id = MongoIds.ToObjectId(EntityId.NewId(_time)),
            Address = address,
            AddressView = AddressNormalizer.AddressView(address),
            Name = string.IsNullOrEmpty(request.Name) ? null : request.Name,
            Targets = ToTargetDocuments(StoreRules.CanonicalTargets(request.Targets)),
            Forwards = Math.Max(0, request.Forwards),
            Autoreply = ToAddressAutoreply(request.Autoreply),
            ForwardedDisabled = request.ForwardedDisabled,
            Created = Now,
        };
        return RunDirectAsync(
            async ct =>
            {
                await InsertUniqueAsync(_context.Addresses, null, document, "Address already exists.", ct).ConfigureAwait(false);
                return ToForwardedRecord(document);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ForwardedAddressRecord?> GetForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var document = await _context.Addresses.FindWith(null, ForwardedById(MongoIds.ToObjectId(id)), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToForwardedRecord(document);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ForwardedAddressRecord>> ListForwardedAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RunDirectAsync<IReadOnlyList<ForwardedAddressRecord>>(
            async ct =>
            {
                var documents = await _context.Addresses.FindWith(null, ForwardedPage(afterAddressView, query), UsersFind())
                    .Sort(Builders<AddressDocument>.Sort.Ascending(a => a.AddressView))
                    .Limit(limit)
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToForwardedRecord).ToList();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The document is replaced as a whole (the filter repeats "no user"); a new address that is
    /// taken fails on the unique index. New autoreply settings then clear the sender log; a crash
    /// between leaves old entries, which costs at most one reply per sender.
    /// </remarks>
    public Task<ForwardedAddressRecord?> UpdateForwardedAddressAsync(EntityId id, ForwardedAddressUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var address = update.Address is null ? null : StoreRules.NewForwardedAddress(update.Address, update.AllowWildcard);
        var targets = update.Targets is null ? null : StoreRules.CanonicalTargets(update.Targets);
        var objectId = MongoIds.ToObjectId(id);
        return RunDirectAsync(
            async ct =>
            {
                var document = await _context.Addresses.FindWith(null, ForwardedById(objectId), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                if (document is null)
                {
                    return null;
                }

                ApplyForwardedUpdate(document, update, address, targets);
                try
                {
                    var replaced = await _context.Addresses.ReplaceOneWithAsync(null, ForwardedById(objectId), document, null, ct).ConfigureAwait(false);
                    if (replaced.MatchedCount == 0)
                    {
                        return null;
                    }
                }
                catch (MongoException ex) when (IsDuplicateKey(ex))
                {
                    throw new StorageException(StorageError.AlreadyExists, "Address already exists.", ex);
                }

                if (update.Autoreply is not null)
                {
                    await _context.AutoreplySenders.DeleteManyWithAsync(null, AutoreplySendersOfUser(objectId), ct).ConfigureAwait(false);
                }

                return ToForwardedRecord(document);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default)
    {
        var objectId = MongoIds.ToObjectId(id);
        return RunDirectAsync(
            async ct =>
            {
                var deleted = await _context.Addresses.DeleteOneWithAsync(null, ForwardedById(objectId), ct).ConfigureAwait(false);
                await _context.AutoreplySenders.DeleteManyWithAsync(null, AutoreplySendersOfUser(objectId), ct).ConfigureAwait(false);
                return deleted.DeletedCount > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ResolvedAddress?> ResolveRecipientAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var view = AddressNormalizer.AddressView(address);
        return RunDirectAsync(
            async ct =>
            {
                var found = await FindAnyByViewAsync(view, ct).ConfigureAwait(false);
                if (found is not null)
                {
                    return found;
                }

                if (StoreRules.DomainOf(view) is not { } domain)
                {
                    return null;
                }

                var alias = await _context.DomainAliases.FindWith(null, DomainAliasByName(domain), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                foreach (var candidate in StoreRules.ResolutionFallbacks(view, alias?.Domain, allowWildcard))
                {
                    found = await FindAnyByViewAsync(candidate, ct).ConfigureAwait(false);
                    if (found is not null)
                    {
                        return found;
                    }
                }

                return null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryRecordForwardedAutoreplyAsync(EntityId address, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sender);
        var key = sender.Trim().ToLowerInvariant();
        var objectId = MongoIds.ToObjectId(address);
        return RunDirectAsync(
            async ct =>
            {
                if (!await _context.Addresses.FindWith(null, ForwardedById(objectId), UsersFind()).AnyAsync(ct).ConfigureAwait(false))
                {
                    return false;
                }

                return await RecordAutoreplySenderAsync(objectId, key, now, interval, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private async Task<ResolvedAddress?> FindAnyByViewAsync(string view, CancellationToken cancellationToken)
    {
        var document = await _context.Addresses.FindWith(null, AddressByView(view), UsersFind()).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null
            : document.User is null ? ResolvedAddress.OfForwarded(ToForwardedRecord(document))
            : ResolvedAddress.OfUser(ToAddressRecord(document));
    }

    // ------------------------------------------------------------------ filters and mapping (unit-tested as rendered BSON)

    /// <summary>A forwarded address by id: <c>{_id, user: null}</c> (null matches the missing field).</summary>
    internal static FilterDefinition<AddressDocument> ForwardedById(ObjectId id) =>
        Builders<AddressDocument>.Filter.Eq(a => a.Id, id) & Builders<AddressDocument>.Filter.Eq(a => a.User, null);

    /// <summary>
    /// A page of forwarded addresses: <c>{user: null, addrview: {$gt: after}, addrview: /query/}</c>,
    /// served by the <c>address_paging</c> index; the query is a literal substring.
    /// </summary>
    internal static FilterDefinition<AddressDocument> ForwardedPage(string? afterAddressView, string? query)
    {
        var f = Builders<AddressDocument>.Filter;
        var filter = f.Eq(a => a.User, null);
        if (afterAddressView is not null)
        {
            filter &= f.Gt(a => a.AddressView, afterAddressView);
        }

        if (!string.IsNullOrEmpty(query))
        {
            filter &= f.Regex(a => a.AddressView, new BsonRegularExpression(MongoSearchTranslator.EscapeRegex(query.Trim().ToLowerInvariant())));
        }

        return filter;
    }

    internal static void ApplyForwardedUpdate(AddressDocument document, ForwardedAddressUpdate update, string? address, List<string>? targets)
    {
        if (address is not null)
        {
            document.Address = address;
            document.AddressView = AddressNormalizer.AddressView(address);
        }

        if (update.Name is not null)
        {
            document.Name = update.Name.Length == 0 ? null : update.Name;
        }

        if (targets is not null)
        {
            document.Targets = ToTargetDocuments(targets);
        }

        if (update.Forwards is { } forwards)
        {
            document.Forwards = Math.Max(0, forwards);
        }

        if (update.Autoreply is not null)
        {
            document.Autoreply = ToAddressAutoreply(update.Autoreply);
        }

        if (update.ForwardedDisabled is { } disabled)
        {
            document.ForwardedDisabled = disabled;
        }
    }

    internal static AutoreplyFieldsDocument? ToAddressAutoreply(AutoreplySettings? settings) => settings is null ? null : new()
    {
        Status = settings.Enabled,
        Name = settings.Name,
        Subject = settings.Subject,
        Text = settings.Text,
        Html = settings.Html,
        Start = settings.Start is { } start ? MongoMapping.ToBsonDate(start) : null,
        End = settings.End is { } end ? MongoMapping.ToBsonDate(end) : null,
    };

    internal static ForwardedAddressRecord ToForwardedRecord(AddressDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        Address = document.Address,
        AddressView = document.AddressView,
        Name = document.Name,
        Targets = (document.Targets ?? new List<TargetDocument>()).Select(FilterTargetText).ToList(),
        Forwards = document.Forwards ?? 0,
        ForwardedDisabled = document.ForwardedDisabled ?? false,
        Autoreply = document.Autoreply is null ? null : ToAutoreplySettings(document.Autoreply),
        Created = MongoMapping.FromBsonDate(document.Created),
    };
}
