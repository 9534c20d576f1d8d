// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// The indexes of every collection, named as WildDuck names them where they mean the same thing
/// (reference §1.2). Creating them is idempotent: an index that exists with the same keys and
/// options is left alone.
/// </summary>
internal static partial class MongoIndexes
{
    /// <summary>Server error: an index with this name exists with other options.</summary>
    private const int IndexOptionsConflict = 85;

    /// <summary>Server error: no index of that name.</summary>
    private const int IndexNotFound = 27;

    /// <summary>Server error: no such collection.</summary>
    private const int NamespaceNotFound = 26;

    public static IReadOnlyList<CreateIndexModel<UserDocument>> Users { get; } =
    [
        Index(Builders<UserDocument>.IndexKeys.Ascending("username"), "users"),
        Index(Builders<UserDocument>.IndexKeys.Ascending("unameview"), "users_dotless", unique: true),
        Index(Builders<UserDocument>.IndexKeys.Descending("created"), "show_new"),
    ];

    public static IReadOnlyList<CreateIndexModel<AddressDocument>> Addresses { get; } =
    [
        Index(Builders<AddressDocument>.IndexKeys.Ascending("addrview"), "address_dotless", unique: true),
        Index(Builders<AddressDocument>.IndexKeys.Ascending("addrview").Ascending("_id"), "address_paging"),
        Index(Builders<AddressDocument>.IndexKeys.Ascending("user"), "user"),
    ];

    public static IReadOnlyList<CreateIndexModel<DomainAliasDocument>> DomainAliases { get; } =
    [
        Index(Builders<DomainAliasDocument>.IndexKeys.Ascending("alias"), "domainalias", unique: true),
        Index(Builders<DomainAliasDocument>.IndexKeys.Ascending("domain"), "domainlist"),
    ];

    public static IReadOnlyList<CreateIndexModel<MailboxDocument>> Mailboxes { get; } =
    [
        Index(Builders<MailboxDocument>.IndexKeys.Ascending("user").Ascending("path"), "user_path", unique: true),
        Index(Builders<MailboxDocument>.IndexKeys.Ascending("user").Ascending("subscribed"), "user_subscribed"),
        Index(Builders<MailboxDocument>.IndexKeys.Ascending("user").Ascending("specialUse"), "find_by_type"),
    ];

    /// <summary>
    /// WildDuck's journal indexes, except that <c>user_limit_id</c> pages by our per-user sequence
    /// <c>seq</c> instead of <c>_id</c> (named <c>user_seq</c>, unique). The TTL is
    /// <see cref="MongoStorageOptions.JournalExpiry"/> (WildDuck: 3 h); none when zero.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<JournalDocument>> Journal(TimeSpan expiry)
    {
        var list = new List<CreateIndexModel<JournalDocument>>
        {
            Index(Builders<JournalDocument>.IndexKeys.Ascending("mailbox").Ascending("modseq"), "mailbox_modseq"),
            Index(Builders<JournalDocument>.IndexKeys.Ascending("user").Ascending("seq"), "user_seq", unique: true),
        };
        if (expiry > TimeSpan.Zero)
        {
            list.Add(new CreateIndexModel<JournalDocument>(
                Builders<JournalDocument>.IndexKeys.Ascending("created"),
                new CreateIndexOptions { Name = "journal_autoexpire", ExpireAfter = expiry }));
        }

        return list;
    }

    public static IReadOnlyList<CreateIndexModel<FilterDocument>> Filters { get; } =
    [
        Index(Builders<FilterDocument>.IndexKeys.Ascending("user"), "user"),
        Index(Builders<FilterDocument>.IndexKeys.Ascending("action.targets.value"), "forward_target"),
    ];

    /// <summary>WildDuck's <c>autoreply</c> index, plus uniqueness per user (WildDuck upserts by user).</summary>
    public static IReadOnlyList<CreateIndexModel<AutoreplyDocument>> Autoreplies { get; } =
    [
        Index(Builders<AutoreplyDocument>.IndexKeys.Ascending("user").Ascending("start").Ascending("end"), "autoreply"),
        Index(Builders<AutoreplyDocument>.IndexKeys.Ascending("user"), "autoreply_user", unique: true),
    ];

    public static IReadOnlyList<CreateIndexModel<AutoreplySenderDocument>> AutoreplySenders { get; } =
    [
        Index(Builders<AutoreplySenderDocument>.IndexKeys.Ascending("user").Ascending("sender"), "user_sender", unique: true),
        new CreateIndexModel<AutoreplySenderDocument>(
            Builders<AutoreplySenderDocument>.IndexKeys.Ascending("expires"),
            new CreateIndexOptions { Name = "entry_autoexpire", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>
    /// Due entries are claimed by (state, queued) among unleased or expired ones; operators list by
    /// user and by state in id order.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<OutboundDocument>> Outbound { get; } =
    [
        Index(Builders<OutboundDocument>.IndexKeys.Ascending("state").Ascending("queued").Ascending("_id"), "due"),
        Index(Builders<OutboundDocument>.IndexKeys.Ascending("user").Ascending("_id"), "user_entries", sparse: true),
        Index(Builders<OutboundDocument>.IndexKeys.Ascending("state").Ascending("_id"), "state_entries"),
    ];

    /// <summary>
    /// Tokens are found by <c>_id</c> (the hash: the built-in index, and the shard key <c>{_id: 1}</c>),
    /// deleted with their user by <c>user</c>, and dropped by the TTL monitor at <c>expires</c>, which
    /// also serves the purge <c>{expires: {$lte: now}}</c>.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<AccessTokenDocument>> AccessTokens { get; } =
    [
        Index(Builders<AccessTokenDocument>.IndexKeys.Ascending("user"), "user"),
        new CreateIndexModel<AccessTokenDocument>(
            Builders<AccessTokenDocument>.IndexKeys.Ascending("expires"),
            new CreateIndexOptions { Name = "token_autoexpire", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>
    /// Pending WebAuthn ceremonies are found by <c>_id</c> (the challenge), deleted with their user by
    /// <c>user</c>, and dropped by the TTL monitor at <c>expires</c>.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<WebAuthnChallengeDocument>> WebAuthnChallenges { get; } =
    [
        Index(Builders<WebAuthnChallengeDocument>.IndexKeys.Ascending("user"), "user"),
        new CreateIndexModel<WebAuthnChallengeDocument>(
            Builders<WebAuthnChallengeDocument>.IndexKeys.Ascending("expires"),
            new CreateIndexOptions { Name = "challenge_autoexpire", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>One entry per user and name; the shard key is <c>{user: 1}</c> like the mailboxes'.</summary>
    public static IReadOnlyList<CreateIndexModel<OrphanSubscriptionDocument>> OrphanSubscriptions { get; } =
    [
        Index(Builders<OrphanSubscriptionDocument>.IndexKeys.Ascending("user").Ascending("path"), "user_path", unique: true),
    ];

    /// <summary>WildDuck's <c>asps</c> indexes: by user, and the TTL index that drops expired passwords.</summary>
    public static IReadOnlyList<CreateIndexModel<AspDocument>> Asps { get; } =
    [
        Index(Builders<AspDocument>.IndexKeys.Ascending("user"), "asps_user"),
        new CreateIndexModel<AspDocument>(
            Builders<AspDocument>.IndexKeys.Ascending("expires"),
            new CreateIndexOptions { Name = "entry_autoexpire", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>
    /// WildDuck's <c>authlog</c> indexes: a user's entries newest first (<c>user</c>), the merge lookup
    /// (<c>insert</c>: user, created, key), a user's entries by IP (<c>user_by_ip</c>), and the TTL index.
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<AuthLogDocument>> AuthLog { get; } =
    [
        Index(Builders<AuthLogDocument>.IndexKeys.Ascending("user").Descending("_id"), "user"),
        Index(Builders<AuthLogDocument>.IndexKeys.Ascending("user").Ascending("created").Ascending("key"), "insert"),
        Index(Builders<AuthLogDocument>.IndexKeys.Ascending("user").Ascending("ip").Descending("_id"), "user_by_ip"),
        new CreateIndexModel<AuthLogDocument>(
            Builders<AuthLogDocument>.IndexKeys.Ascending("expires"),
            new CreateIndexOptions { Name = "entry_autoexpire", ExpireAfter = TimeSpan.Zero }),
    ];

    /// <summary>Webhooks are found by <c>user</c> (each event reads the global ones, user null, and its user's).</summary>
    public static IReadOnlyList<CreateIndexModel<WebhookDocument>> Webhooks { get; } =
    [
        Index(Builders<WebhookDocument>.IndexKeys.Ascending("user"), "user"),
    ];

    /// <summary>Pending webhook POSTs are claimed earliest due first, then oldest (<c>due</c>: next, _id).</summary>
    public static IReadOnlyList<CreateIndexModel<WebhookDeliveryDocument>> WebhookDeliveries { get; } =
    [
        Index(Builders<WebhookDeliveryDocument>.IndexKeys.Ascending("next").Ascending("_id"), "due"),
    ];

    /// <summary>Creates every index of the store (idempotent); a TTL that changed is adjusted with <c>collMod</c>.</summary>
    public static async Task CreateAllAsync(MongoContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await CreateAsync(context.Users, Users, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Addresses, Addresses, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.DomainAliases, DomainAliases, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Mailboxes, Mailboxes, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Filters, Filters, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Autoreplies, Autoreplies, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.AutoreplySenders, AutoreplySenders, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Outbound, Outbound, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.AccessTokens, AccessTokens, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.WebAuthnChallenges, WebAuthnChallenges, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.OrphanSubscriptions, OrphanSubscriptions, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Asps, Asps, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.AuthLog, AuthLog, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Webhooks, Webhooks, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.WebhookDeliveries, WebhookDeliveries, cancellationToken).ConfigureAwait(false);
        try
        {
            await CreateAsync(context.Journal, Journal(context.Options.JournalExpiry), cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException ex) when (ex.Code == IndexOptionsConflict && context.Options.JournalExpiry > TimeSpan.Zero)
        {
            await context.Database.RunCommandAsync<BsonDocument>(JournalTtlChange(context.Options.JournalExpiry), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (context.Options.JournalExpiry <= TimeSpan.Zero)
        {
            // Expiry turned off: an index left from before would keep deleting entries.
            try
            {
                await context.Journal.Indexes.DropOneAsync("journal_autoexpire", cancellationToken).ConfigureAwait(false);
            }
            catch (MongoCommandException ex) when (ex.Code is IndexNotFound or NamespaceNotFound)
            {
                // There was none.
            }
        }

        await CreateMessageIndexesAsync(context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>collMod</c> that changes the journal TTL of an existing index.</summary>
    internal static BsonDocument JournalTtlChange(TimeSpan expiry) => new()
    {
        { "collMod", MongoContext.JournalCollection },
        { "index", new BsonDocument { { "name", "journal_autoexpire" }, { "expireAfterSeconds", (long)expiry.TotalSeconds } } },
    };

    private static async Task CreateAsync<T>(IMongoCollection<T> collection, IReadOnlyList<CreateIndexModel<T>> models, CancellationToken cancellationToken)
    {
        if (models.Count > 0)
        {
            await collection.Indexes.CreateManyAsync(models, cancellationToken).ConfigureAwait(false);
        }
    }

    private static CreateIndexModel<T> Index<T>(IndexKeysDefinition<T> keys, string name, bool unique = false, bool sparse = false) =>
        new(keys, new CreateIndexOptions { Name = name, Unique = unique ? true : null, Sparse = sparse ? true : null });
}
