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
    /// <remarks>
    /// Without transactions the user, its mailboxes and its address are inserted in that order;
    /// when a later insert fails (the address is taken) the earlier ones are deleted again. With
    /// transactions and the users database on another connection, see
    /// <see cref="CreateUserAcrossConnectionsAsync"/>.
    /// </remarks>
    public async Task<UserRecord> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        var (username, address) = StoreRules.NewUserIdentity(request, _options);
        var passwordHash = request.PasswordHash ?? (request.Password is { Length: > 0 } pw ? _passwordHasher.Hash(pw) : string.Empty);
        var userId = MongoIds.ToObjectId(UserId.NewId(_time));
        var now = Now;
        var retention = request.Retention is { } r && r > TimeSpan.Zero ? r : (TimeSpan?)null;

        // UIDVALIDITY: the creation time in seconds, strictly increasing per user (see CreateMailboxAsync).
        var uidValidity = _time.GetUtcNow().ToUnixTimeSeconds();
        var user = new UserDocument
        {
            Id = userId,
            Username = username,
            UsernameView = AddressNormalizer.UsernameView(username),
            Name = request.Name,
            Address = address,
            Password = passwordHash,
            Quota = Math.Max(0, request.Quota),
            Recipients = Math.Max(0, request.Recipients),
            Retention = MongoMapping.RetentionMs(retention),
            SpamLevel = Math.Clamp(request.SpamLevel, 0, 100),
            Language = request.Language,
            PubKey = string.IsNullOrEmpty(request.PublicKey) ? null : request.PublicKey,
            EncryptMessages = request.EncryptMessages,
            EncryptForwarded = request.EncryptForwarded,
            FromWhitelist = request.FromWhitelist is { Count: > 0 } whitelist ? whitelist.ToList() : null,
            AuthVersion = 1,
            LastUidValidity = uidValidity + StoreRules.DefaultMailboxes.Count - 1,
            Created = now,
        };
        var mailboxes = StoreRules.DefaultMailboxes.Select((m, i) => NewMailboxDocument(
            userId,
            m.Path,
            new CreateMailboxOptions { SpecialUse = m.SpecialUse, Retention = StoreRules.DefaultRetention(m.SpecialUse, retention, _options.Users) },
            uidValidity + i)).ToList();
        var addressDocument = address is null ? null : NewAddressDocument(userId, address, main: true, now);

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_context.TransactionsEnabled && !_context.UsersShareMainClient)
        {
            await CreateUserAcrossConnectionsAsync(user, addressDocument, mailboxes, cancellationToken).ConfigureAwait(false);
            return ToUserRecord(user);
        }

        await RunAsync(
            async (session, ct) =>
            {
                var inserted = 0;
                try
                {
                    await InsertUniqueAsync(_context.Users, UsersSession(session), user, "Username already exists.", ct).ConfigureAwait(false);
                    inserted = 1;
                    await _context.Mailboxes.InsertManyWithAsync(session, mailboxes, ct).ConfigureAwait(false);

                    // The journal counter exists from the start, so the first journal writes of
                    // concurrent transactions update it instead of racing to insert it.
                    await _context.Counters.InsertOneWithAsync(session, new CounterDocument { Id = JournalCounterId(userId), Seq = 0 }, ct).ConfigureAwait(false);
                    inserted = 2;
                    if (addressDocument is not null)
                    {
                        await InsertUniqueAsync(_context.Addresses, UsersSession(session), addressDocument, "Address already exists.", ct).ConfigureAwait(false);
                    }
                }
                catch (Exception) when (inserted > 0 && session is null)
                {
                    // Without a transaction, what was inserted is deleted again. (With one, the
                    // users database shares its connection here: the abort takes everything back.)
                    await _context.Counters.DeleteOneWithAsync(null, CounterFilter(JournalCounterId(userId)), CancellationToken.None).ConfigureAwait(false);
                    await _context.Mailboxes.DeleteManyWithAsync(null, MailboxesOfUser(userId), CancellationToken.None).ConfigureAwait(false);
                    await _context.Users.DeleteOneWithAsync(null, UserById(userId), CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        return ToUserRecord(user);
    }

    /// <summary>
    /// Creating a user when the users database is on another connection than the transactions:
    /// the user and its address first, each an insert of its own (a taken address deletes the user
    /// again), then the mailboxes and the journal counter in one transaction; when that fails, the
    /// user and the address are deleted again. The users-database writes stay outside the
    /// transaction's callback, which the driver may run more than once: an insert repeated by a
    /// retried attempt would find its own earlier document and report the name as taken.
    /// </summary>
    private async Task CreateUserAcrossConnectionsAsync(UserDocument user, AddressDocument? address, List<MailboxDocument> mailboxes, CancellationToken cancellationToken)
    {
        await RunDirectAsync(
            async ct =>
            {
                await InsertUniqueAsync(_context.Users, null, user, "Username already exists.", ct).ConfigureAwait(false);
                if (address is not null)
                {
                    try
                    {
                        await InsertUniqueAsync(_context.Addresses, null, address, "Address already exists.", ct).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        await CompensateAsync(() => _context.Users.DeleteOneWithAsync(null, UserById(user.Id), CancellationToken.None)).ConfigureAwait(false);
                        throw;
                    }
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);

        try
        {
            await RunAsync(
                async (session, ct) =>
                {
                    await _context.Mailboxes.InsertManyWithAsync(session, mailboxes, ct).ConfigureAwait(false);
                    await _context.Counters.InsertOneWithAsync(session, new CounterDocument { Id = JournalCounterId(user.Id), Seq = 0 }, ct).ConfigureAwait(false);
                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await CompensateAsync(async () =>
            {
                if (address is not null)
                {
                    await _context.Addresses.DeleteOneWithAsync(null, Builders<AddressDocument>.Filter.Eq(a => a.Id, address.Id), CancellationToken.None).ConfigureAwait(false);
                }

                await _context.Users.DeleteOneWithAsync(null, UserById(user.Id), CancellationToken.None).ConfigureAwait(false);
            }).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(UserId id, CancellationToken cancellationToken = default) =>
        RunDirectAsync(ct => ReadUserAsync(null, MongoIds.ToObjectId(id), ct), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> FindUserAsync(string usernameOrAddress, CancellationToken cancellationToken = default) =>
        StoreRules.FindUserAsync(
            this,
            usernameOrAddress,
            (view, ct) => RunDirectAsync(
                async c =>
                {
                    var document = await _context.Users.FindWith(null, UserByView(view), UsersFind()).FirstOrDefaultAsync(c).ConfigureAwait(false);
                    return document is null ? null : ToUserRecord(document);
                },
                ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(int limit, string? afterUsername = null, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<UserRecord>>(
            async ct =>
            {
                if (limit <= 0)
                {
                    return Array.Empty<UserRecord>();
                }

                var documents = await _context.Users.FindWith(null, UsersAfter(afterUsername), UsersFind())
                    .Sort(Builders<UserDocument>.Sort.Ascending(u => u.Username))
                    .Limit(limit)
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToUserRecord).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> UpdateUserAsync(UserId id, UserUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var userId = MongoIds.ToObjectId(id);
        var definition = UserUpdateDefinition(update);
        return RunDirectAsync(
            async ct =>
            {
                if (definition is null)
                {
                    return await ReadUserAsync(null, userId, ct).ConfigureAwait(false);
                }

                var after = await _context.Users.FindOneAndUpdateWithAsync(
                    null,
                    UserById(userId),
                    definition,
                    new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After, MaxTime = _context.UsersTimeLimit },
                    ct).ConfigureAwait(false);
                return after is null ? null : ToUserRecord(after);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Order (the same with or without a transaction; without one, a failed deletion is completed
    /// by deleting the user again): the addresses first (no new mail is routed to the user), then
    /// each mailbox's messages (releasing quota and attachment references), the mailboxes, threads,
    /// journal, filters, autoreply, and the user document last. In a transaction with the users
    /// database on another connection, its quota releases and the user document's deletion run
    /// after the commit (a retried attempt must not find the user already gone). A user with more
    /// than <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> messages is first emptied
    /// batch by batch, each batch one change (the addresses go in the first); the last change
    /// deletes the rest as above. A deletion that fails part-way leaves the user, with fewer
    /// messages and consistent counters: deleting again finishes the job.
    /// </remarks>
    public async Task<bool> DeleteUserAsync(UserId id, CancellationToken cancellationToken = default)
    {
        var userId = MongoIds.ToObjectId(id);
        var size = MaxMessagesPerTransaction;
        var deleted = false;
        await RunInBatchesAsync<bool>(
            id,
            "User deletion",
            async (session, undo, _, ct) =>
            {
                var usersSession = UsersSession(session);
                if (!await UserExistsAsync(session, userId, ct).ConfigureAwait(false))
                {
                    return new Batch<bool>(false, 0, More: false, 0);
                }

                await _context.Addresses.DeleteManyWithAsync(usersSession, AddressesOfUser(userId), ct).ConfigureAwait(false);
                var mailboxes = await _context.Mailboxes.FindWith(session, MailboxesOfUser(userId))
                    .Project(m => m.Id)
                    .ToListAsync(ct).ConfigureAwait(false);
                if (await HasMoreMessagesThanAsync(session, MessagesOfUser(userId), size, ct).ConfigureAwait(false))
                {
                    // One batch across the mailboxes, each mailbox's part removed as an expunge.
                    var removed = 0;
                    foreach (var mailbox in mailboxes)
                    {
                        removed += await DeleteMessageBatchAsync(session, undo, userId, mailbox, size - removed, ct).ConfigureAwait(false);
                        if (removed >= size)
                        {
                            break;
                        }
                    }

                    if (removed > 0)
                    {
                        return new Batch<bool>(false, removed, More: true, 0);
                    }

                    // Nothing removable in the mailboxes: the rest are orphans of mailboxes gone
                    // (the maintenance check reports them); the final change goes ahead.
                }

                foreach (var mailbox in mailboxes)
                {
                    await DeleteMailboxMessagesAsync(session, undo, userId, mailbox, ct).ConfigureAwait(false);
                }

                await _context.Mailboxes.DeleteManyWithAsync(session, MailboxesOfUser(userId), ct).ConfigureAwait(false);
                await _context.Threads.DeleteManyWithAsync(session, Builders<ThreadDocument>.Filter.Eq(t => t.User, userId), ct).ConfigureAwait(false);
                await _context.Journal.DeleteManyWithAsync(session, JournalOfUser(userId), ct).ConfigureAwait(false);
                await _context.Counters.DeleteOneWithAsync(session, CounterFilter(JournalCounterId(userId)), ct).ConfigureAwait(false);
                await _context.Filters.DeleteManyWithAsync(session, FiltersOfUser(userId), ct).ConfigureAwait(false);
                await _context.Autoreplies.DeleteManyWithAsync(session, AutoreplyOfUser(userId), ct).ConfigureAwait(false);
                await _context.AccessTokens.DeleteManyWithAsync(session, AccessTokensOfUser(userId), ct).ConfigureAwait(false);
                await _context.WebAuthnChallenges.DeleteManyWithAsync(session, WebAuthnChallengesOfUser(userId), ct).ConfigureAwait(false);
                await _context.OrphanSubscriptions.DeleteManyWithAsync(session, OrphanSubscriptionsOfUser(userId), ct).ConfigureAwait(false);
                await _context.Asps.DeleteManyWithAsync(usersSession, AspsOfUser(userId), ct).ConfigureAwait(false);
                await _context.Webhooks.DeleteManyWithAsync(session, WebhooksOfUser(userId), ct).ConfigureAwait(false);
                await _context.AutoreplySenders.DeleteManyWithAsync(session, AutoreplySendersOfUser(userId), ct).ConfigureAwait(false);
                await StepAsync(session, undo, usersSession, us => _context.Users.DeleteOneWithAsync(us, UserById(userId), ct), null).ConfigureAwait(false);

                // Messages = 1: the deletion itself wakes the user's sessions.
                return new Batch<bool>(true, 1, More: false, 0);
            },
            result => deleted = result,
            null,
            cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A new main address is inserted, then the others lose <c>main</c>, then <c>users.address</c>
    /// changes; without a transaction a crash between leaves two main flags, which the next
    /// main-address change repairs.
    /// </remarks>
    public Task<AddressRecord> AddAddressAsync(UserId user, string address, bool main = false, string? name = null, CancellationToken cancellationToken = default)
    {
        var normalized = StoreRules.NewAddress(address, main);
        var identity = name is null ? null : AddressAdminRules.Name(name);

        var userId = MongoIds.ToObjectId(user);
        return RunAsync(
            async (session, ct) =>
            {
                var usersSession = UsersSession(session);
                await RequireUserAsync(session, userId, ct).ConfigureAwait(false);
                var document = NewAddressDocument(userId, normalized, main, Now, identity);
                await InsertUniqueAsync(_context.Addresses, usersSession, document, "Address already exists.", ct).ConfigureAwait(false);
                if (main)
                {
                    await _context.Addresses.UpdateManyWithAsync(usersSession, OtherAddressesOfUser(userId, document.Id), ClearMainAddress(), ct).ConfigureAwait(false);
                    await _context.Users.UpdateOneWithAsync(usersSession, UserById(userId), Builders<UserDocument>.Update.Set(u => u.Address, normalized), null, ct).ConfigureAwait(false);
                }

                return ToAddressRecord(document);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AddressRecord>> ListAddressesAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<AddressRecord>>(
            async ct =>
            {
                var documents = await _context.Addresses.FindWith(null, AddressesOfUser(MongoIds.ToObjectId(user)), UsersFind())
                    .Sort(Builders<AddressDocument>.Sort.Ascending(a => a.AddressView))
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(ToAddressRecord).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAddressAsync(UserId user, EntityId address, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var filter = AddressOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(address));
                var document = await _context.Addresses.FindWith(null, filter, UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                if (document is null)
                {
                    return false;
                }

                if (document.Main)
                {
                    throw new StorageException(StorageError.Cannot, "The main address cannot be deleted.");
                }

                // The condition repeats "not main", so an address made main meanwhile stays.
                var result = await _context.Addresses.DeleteOneWithAsync(null, filter & Builders<AddressDocument>.Filter.Ne(a => a.Main, true), ct).ConfigureAwait(false);
                return result.DeletedCount > 0;
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<AddressRecord?> ResolveAddressAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default) =>
        (await ResolveRecipientAsync(address, allowWildcard, cancellationToken).ConfigureAwait(false))?.UserAddress;

    /// <inheritdoc />
    public Task AddDomainAliasAsync(DomainAlias alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alias);
        var document = new DomainAliasDocument
        {
            Id = ObjectId.GenerateNewId(),
            Alias = AddressNormalizer.NormalizeDomain(alias.Alias),
            Domain = AddressNormalizer.NormalizeDomain(alias.Domain),
            Created = Now,
        };
        return RunDirectAsync(
            async ct =>
            {
                await InsertUniqueAsync(_context.DomainAliases, null, document, "Domain alias already exists.", ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken = default) =>
        RunDirectAsync<IReadOnlyList<DomainAlias>>(
            async ct =>
            {
                var documents = await _context.DomainAliases.FindWith(null, Builders<DomainAliasDocument>.Filter.Empty, UsersFind())
                    .Sort(Builders<DomainAliasDocument>.Sort.Ascending(a => a.Alias))
                    .ToListAsync(ct).ConfigureAwait(false);
                return documents.Select(a => new DomainAlias(a.Alias, a.Domain)).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteDomainAliasAsync(string alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alias);
        var name = AddressNormalizer.NormalizeDomain(alias);
        return RunDirectAsync(
            async ct => (await _context.DomainAliases.DeleteOneWithAsync(null, DomainAliasByName(name), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);
    }

    // ------------------------------------------------------------------ helpers

    private FindOptions UsersFind() => new() { MaxTime = _context.UsersTimeLimit };

    /// <summary>Whether the user exists (read in the transaction when the users database shares it).</summary>
    private Task<bool> UserExistsAsync(IClientSessionHandle? session, ObjectId user, CancellationToken cancellationToken) =>
        _context.Users.FindWith(UsersSession(session), UserById(user), UsersFind()).AnyAsync(cancellationToken);

    /// <summary><see cref="StorageError.NotFound"/> unless the user exists.</summary>
    private async Task RequireUserAsync(IClientSessionHandle? session, ObjectId user, CancellationToken cancellationToken)
    {
        if (!await UserExistsAsync(session, user, cancellationToken).ConfigureAwait(false))
        {
            throw new StorageException(StorageError.NotFound, "No such user.");
        }
    }

    private async Task<UserRecord?> ReadUserAsync(IClientSessionHandle? session, ObjectId id, CancellationToken cancellationToken)
    {
        var document = await _context.Users.FindWith(UsersSession(session), UserById(id), UsersFind()).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : ToUserRecord(document);
    }

    /// <summary>Inserts a document whose unique index may refuse it; a duplicate key becomes <see cref="StorageError.AlreadyExists"/>.</summary>
    private static async Task InsertUniqueAsync<T>(IMongoCollection<T> collection, IClientSessionHandle? session, T document, string message, CancellationToken cancellationToken)
    {
        try
        {
            await collection.InsertOneWithAsync(session, document, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException ex) when (IsDuplicateKey(ex))
        {
            throw new StorageException(StorageError.AlreadyExists, message, ex);
        }
    }

    internal static AddressDocument NewAddressDocument(ObjectId user, string address, bool main, DateTime now, string? name = null) => new()
    {
        Id = MongoIds.ToObjectId(EntityId.NewId()),
        User = user,
        Address = address,
        AddressView = AddressNormalizer.AddressView(address),
        Main = main,
        Name = name,
        Created = now,
    };

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    internal static FilterDefinition<UserDocument> UserById(ObjectId id) => Builders<UserDocument>.Filter.Eq(u => u.Id, id);

    internal static FilterDefinition<UserDocument> UserByView(string view) => Builders<UserDocument>.Filter.Eq(u => u.UsernameView, view);

    /// <summary>Users after <paramref name="afterUsername"/> by username (all when null).</summary>
    internal static FilterDefinition<UserDocument> UsersAfter(string? afterUsername) =>
        Builders<UserDocument>.Filter.Gt(u => u.Username, afterUsername ?? string.Empty);

    /// <summary>
    /// The update of <see cref="UpdateUserAsync"/>: <c>$set</c> of the given fields (a zero
    /// retention <c>$unset</c>s it), and one <c>$inc authVersion</c> when the password or the
    /// suspension changes. Null when nothing changes.
    /// </summary>
    internal static UpdateDefinition<UserDocument>? UserUpdateDefinition(UserUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var builder = Builders<UserDocument>.Update;
        var parts = new List<UpdateDefinition<UserDocument>>();
        if (update.Name is not null)
        {
            parts.Add(builder.Set(u => u.Name, update.Name));
        }

        if (update.Quota is { } quota)
        {
            parts.Add(builder.Set(u => u.Quota, Math.Max(0, quota)));
        }

        if (update.Recipients is { } recipients)
        {
            parts.Add(builder.Set(u => u.Recipients, Math.Max(0, recipients)));
        }

        if (update.Disabled is { } disabled)
        {
            parts.Add(builder.Set(u => u.Disabled, disabled));
        }

        if (update.Suspended is { } suspended)
        {
            parts.Add(builder.Set(u => u.Suspended, suspended));
        }

        if (update.Retention is { } retention)
        {
            parts.Add(MongoMapping.RetentionMs(retention) is { } ms ? builder.Set(u => u.Retention, ms) : builder.Unset(u => u.Retention));
        }

        if (update.SpamLevel is { } spam)
        {
            parts.Add(builder.Set(u => u.SpamLevel, Math.Clamp(spam, 0, 100)));
        }

        if (update.Language is not null)
        {
            parts.Add(builder.Set(u => u.Language, update.Language));
        }

        if (update.DisabledScopes is not null)
        {
            parts.Add(builder.Set(u => u.DisabledScopes, update.DisabledScopes.ToList()));
        }

        if (update.ForwardTargets is not null)
        {
            parts.Add(builder.Set(u => u.Targets, ToTargetDocuments(update.ForwardTargets)));
        }

        if (update.PublicKey is not null)
        {
            parts.Add(update.PublicKey.Length == 0 ? builder.Unset(u => u.PubKey) : builder.Set(u => u.PubKey, update.PublicKey));
        }

        if (update.EncryptMessages is { } encrypt)
        {
            parts.Add(builder.Set(u => u.EncryptMessages, encrypt));
        }

        if (update.EncryptForwarded is { } encryptForwarded)
        {
            parts.Add(builder.Set(u => u.EncryptForwarded, encryptForwarded));
        }

        if (update.FromWhitelist is not null)
        {
            parts.Add(update.FromWhitelist.Count == 0 ? builder.Unset(u => u.FromWhitelist) : builder.Set(u => u.FromWhitelist, update.FromWhitelist.ToList()));
        }

        if (update.PasswordHash is not null)
        {
            // A password change ends a reset: the temporary password stops working (reference §7.1).
            parts.Add(builder.Set(u => u.Password, update.PasswordHash));
            parts.Add(builder.Set(u => u.TempPassword, null));
        }
        else if (update.TemporaryPassword is { } temporary)
        {
            parts.Add(builder.Set(u => u.TempPassword, new TempPasswordDocument
            {
                Password = temporary.Hash,
                Created = MongoMapping.ToBsonDate(temporary.Created),
                ValidAfter = MongoMapping.ToBsonDate(temporary.ValidAfter),
            }));
        }

        if (update.Suspended is not null || update.PasswordHash is not null)
        {
            parts.Add(builder.Inc(u => u.AuthVersion, 1));
        }

        return parts.Count == 0 ? null : builder.Combine(parts);
    }

    internal static FilterDefinition<AddressDocument> AddressByView(string view) => Builders<AddressDocument>.Filter.Eq(a => a.AddressView, view);

    /// <summary>Every message of a user (index <c>user_messages_by_thread</c> {user, thread}).</summary>
    internal static FilterDefinition<MessageDocument> MessagesOfUser(ObjectId user) => Builders<MessageDocument>.Filter.Eq(m => m.User, user);

    internal static FilterDefinition<AddressDocument> AddressesOfUser(ObjectId user) => Builders<AddressDocument>.Filter.Eq(a => a.User, user);

    internal static FilterDefinition<AddressDocument> AddressOfUser(ObjectId user, ObjectId address) =>
        Builders<AddressDocument>.Filter.Eq(a => a.Id, address) & Builders<AddressDocument>.Filter.Eq(a => a.User, user);

    internal static FilterDefinition<AddressDocument> OtherAddressesOfUser(ObjectId user, ObjectId except) =>
        Builders<AddressDocument>.Filter.Eq(a => a.User, user) & Builders<AddressDocument>.Filter.Ne(a => a.Id, except);

    internal static UpdateDefinition<AddressDocument> ClearMainAddress() => Builders<AddressDocument>.Update.Set(a => a.Main, false);

    internal static FilterDefinition<DomainAliasDocument> DomainAliasByName(string alias) => Builders<DomainAliasDocument>.Filter.Eq(a => a.Alias, alias);

    // ------------------------------------------------------------------ mapping

    internal static UserRecord ToUserRecord(UserDocument document) => new()
    {
        Id = MongoIds.ToUserId(document.Id),
        Username = document.Username,
        UsernameView = document.UsernameView,
        Name = document.Name,
        Address = document.Address,
        PasswordHash = document.Password ?? string.Empty,
        TemporaryPassword = document.TempPassword is { } temporary
            ? new TemporaryPassword(temporary.Password, MongoMapping.FromBsonDate(temporary.Created), MongoMapping.FromBsonDate(temporary.ValidAfter))
            : null,
        Quota = document.Quota,
        Recipients = document.Recipients,
        StorageUsed = document.StorageUsed,
        Disabled = document.Disabled,
        Suspended = document.Suspended,
        DisabledScopes = document.DisabledScopes?.ToArray() ?? Array.Empty<string>(),
        Retention = MongoMapping.Retention(document.Retention),
        SpamLevel = document.SpamLevel,
        Language = document.Language,
        AuthVersion = document.AuthVersion,
        ForwardTargets = document.Targets?.Select(t => t.Value).ToArray() ?? Array.Empty<string>(),
        Enabled2fa = ToMethods(document.Enabled2fa),
        PublicKey = string.IsNullOrEmpty(document.PubKey) ? null : document.PubKey,
        EncryptMessages = document.EncryptMessages,
        EncryptForwarded = document.EncryptForwarded,
        FromWhitelist = document.FromWhitelist?.ToArray() ?? Array.Empty<string>(),
        Created = MongoMapping.FromBsonDate(document.Created),
    };

    internal static AddressRecord ToAddressRecord(AddressDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        User = MongoIds.ToUserId(document.User ?? throw new InvalidOperationException("A forwarded address has no user.")),
        Address = document.Address,
        AddressView = document.AddressView,
        Main = document.Main,
        Name = document.Name,
        Created = MongoMapping.FromBsonDate(document.Created),
    };

    /// <summary>
    /// WildDuck's <c>targets[]</c>: <c>{id, type: mail|relay|http, value}</c> with the bare address
    /// for mail (a <c>mail:</c> prefix is dropped), the URL otherwise.
    /// </summary>
    internal static List<TargetDocument> ToTargetDocuments(IEnumerable<string> targets) =>
        targets.Select(text =>
        {
            var (type, value) = ForwardTarget.TryParse(text, out var parsed)
                ? (parsed.Kind switch { ForwardTargetKind.Relay => "relay", ForwardTargetKind.Http => "http", _ => "mail" }, parsed.Value)
                : ("mail", text);
            return new TargetDocument { Id = ObjectId.GenerateNewId(), Type = type, Value = value };
        }).ToList();
}
