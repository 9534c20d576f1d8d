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
    public Task<IReadOnlyList<AddressRecord>> ListAllAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default)
    {
        var filter = UserAddressesPage(afterAddressView, AddressAdminRules.QueryNeedle(query));
        return RunDirectAsync<IReadOnlyList<AddressRecord>>(
            async ct =>
            {
                // Sorted and paged on addrview: the address_dotless unique index.
                var documents = await _context.Addresses.FindWith(null, filter, UsersFind())
                    .Sort(Builders<AddressDocument>.Sort.Ascending(a => a.AddressView))
                    .Limit(Math.Max(0, limit))
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToAddressRecord).ToList();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The address changes first (rename, name, main flag in one update; a taken address fails on
    /// the unique index), then the user's other addresses lose <c>main</c>, then <c>users.address</c>
    /// follows; without a transaction a crash between leaves two main flags, which the next
    /// main-address change repairs (as <see cref="AddAddressAsync"/>).
    /// </remarks>
    public Task<AddressRecord?> UpdateAddressAsync(UserId user, EntityId address, AddressUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var name = update.Name is null ? null : AddressAdminRules.Name(update.Name);
        var userId = MongoIds.ToObjectId(user);
        var addressId = MongoIds.ToObjectId(address);
        return RunAsync<AddressRecord?>(
            async (session, ct) =>
            {
                var usersSession = UsersSession(session);
                var filter = AddressOfUser(userId, addressId);
                var current = await _context.Addresses.FindWith(usersSession, filter, UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                if (current is null)
                {
                    return null;
                }

                var (main, renamed) = AddressAdminRules.Plan(ToAddressRecord(current), update);

                if (AddressChanges(update.Address is null ? null : renamed, update.Name is null ? null : new Optional(name), update.MakeMain) is { } changes)
                {
                    try
                    {
                        await _context.Addresses.UpdateOneWithAsync(usersSession, filter, changes, null, ct).ConfigureAwait(false);
                    }
                    catch (MongoException ex) when (IsDuplicateKey(ex))
                    {
                        throw new StorageException(StorageError.AlreadyExists, "Address already exists.", ex);
                    }
                }

                if (update.MakeMain && !current.Main)
                {
                    await _context.Addresses.UpdateManyWithAsync(usersSession, OtherAddressesOfUser(userId, addressId), ClearMainAddress(), ct).ConfigureAwait(false);
                }

                if (main && (update.MakeMain || update.Address is not null))
                {
                    await _context.Users.UpdateOneWithAsync(usersSession, UserById(userId), Builders<UserDocument>.Update.Set(u => u.Address, renamed), null, ct).ConfigureAwait(false);
                }

                var updated = await _context.Addresses.FindWith(usersSession, filter, UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return updated is null ? null : ToAddressRecord(updated);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// User and forwarded addresses alike (one collection, as WildDuck's). As WildDuck, address by
    /// address without a transaction: each update repeats the old
    /// <c>addrview</c> (an address changed meanwhile is left alone), a taken new form fails on the
    /// unique index and is reported, and a main address's <c>users.address</c> changes only while it
    /// still holds the old form.
    /// </remarks>
    public Task<DomainRenameResult> RenameAddressDomainAsync(string oldDomain, string newDomain, CancellationToken cancellationToken = default)
    {
        var from = AddressAdminRules.Domain(oldDomain);
        var to = AddressAdminRules.Domain(newDomain);
        return RunDirectAsync(
            async ct =>
            {
                int renamed = 0;
                int mains = 0;
                var conflicts = new List<string>();
                var moving = await _context.Addresses.FindWith(null, AddressesAtDomain(from), UsersFind())
                    .Sort(Builders<AddressDocument>.Sort.Ascending(a => a.AddressView))
                    .ToListAsync(ct).ConfigureAwait(false);
                foreach (var document in moving)
                {
                    var moved = AddressAdminRules.MoveToDomain(document.Address, to);
                    UpdateResult result;
                    try
                    {
                        result = await _context.Addresses.UpdateOneWithAsync(
                            null, AddressByIdAndView(document.Id, document.AddressView), MoveAddress(moved), null, ct).ConfigureAwait(false);
                    }
                    catch (MongoException ex) when (IsDuplicateKey(ex))
                    {
                        conflicts.Add(document.Address);
                        continue;
                    }

                    if (result.ModifiedCount == 0)
                    {
                        continue;
                    }

                    renamed++;
                    if (document.Main && document.User is { } owner)
                    {
                        mains++;
                        await _context.Users.UpdateOneWithAsync(null, UserWithAddress(owner, document.Address), Builders<UserDocument>.Update.Set(u => u.Address, moved), null, ct).ConfigureAwait(false);
                    }
                }

                conflicts.Sort(StringComparer.Ordinal);
                return new DomainRenameResult(renamed, mains, conflicts);
            },
            cancellationToken);
    }

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    /// <summary>A value to set, where null means "remove the field".</summary>
    internal readonly record struct Optional(string? Value);

    /// <summary>
    /// User addresses (WildDuck's forwarded addresses have no <c>user</c>) after an address view,
    /// whose display form contains <paramref name="needle"/> literally.
    /// </summary>
    internal static FilterDefinition<AddressDocument> UserAddressesPage(string? afterAddressView, string? needle)
    {
        var f = Builders<AddressDocument>.Filter;
        var filter = f.Ne(a => a.User, null);
        if (afterAddressView is not null)
        {
            filter &= f.Gt(a => a.AddressView, afterAddressView);
        }

        if (needle is not null)
        {
            filter &= f.Regex(a => a.Address, new BsonRegularExpression(MongoSearchTranslator.EscapeRegex(needle)));
        }

        return filter;
    }

    /// <summary>Every address at a domain: the address view ends with <c>@domain</c>.</summary>
    internal static FilterDefinition<AddressDocument> AddressesAtDomain(string domain) =>
        Builders<AddressDocument>.Filter.Regex(a => a.AddressView, new BsonRegularExpression(MongoSearchTranslator.EscapeRegex(AddressAdminRules.DomainSuffix(domain)) + "$"));

    internal static FilterDefinition<AddressDocument> AddressByIdAndView(ObjectId id, string view) =>
        Builders<AddressDocument>.Filter.Eq(a => a.Id, id) & Builders<AddressDocument>.Filter.Eq(a => a.AddressView, view);

    internal static UpdateDefinition<AddressDocument> MoveAddress(string address) =>
        Builders<AddressDocument>.Update.Set(a => a.Address, address).Set(a => a.AddressView, AddressNormalizer.AddressView(address));

    internal static FilterDefinition<UserDocument> UserWithAddress(ObjectId user, string address) =>
        Builders<UserDocument>.Filter.Eq(u => u.Id, user) & Builders<UserDocument>.Filter.Eq(u => u.Address, address);

    /// <summary>The update of an address: a rename, the name (set or removed), becoming main; null when nothing changes.</summary>
    internal static UpdateDefinition<AddressDocument>? AddressChanges(string? renamed, Optional? name, bool makeMain)
    {
        var builder = Builders<AddressDocument>.Update;
        var parts = new List<UpdateDefinition<AddressDocument>>();
        if (renamed is not null)
        {
            parts.Add(MoveAddress(renamed));
        }

        if (name is { } n)
        {
            parts.Add(n.Value is null ? builder.Unset(a => a.Name) : builder.Set(a => a.Name, n.Value));
        }

        if (makeMain)
        {
            parts.Add(builder.Set(a => a.Main, true));
        }

        return parts.Count == 0 ? null : builder.Combine(parts);
    }
}
