// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// The clients, databases and typed collections of one MongoDB store, laid out as WildDuck's
/// (reference §1.1): users, addresses and domain aliases in the users database; attachments in
/// the GridFS database; everything else in the main database. A users or attachments database
/// given as a URL gets a client of its own.
/// </summary>
/// <remarks>
/// Collections that are not WildDuck's: <c>counters</c> (per-user journal sequences),
/// <c>autoreplysenders</c> (senders answered within the autoreply interval; WildDuck keeps a Redis
/// set), <c>accesstokens</c> (API tokens; WildDuck keeps Redis hashes), <c>webauthnchallenges</c> (pending WebAuthn ceremonies; WildDuck keeps Redis keys) <c>outbound</c> (the outbound queue; WildDuck writes ZoneMTA's <c>zone-queue</c>) and <c>webhookdeliveries</c> (pending webhook POSTs; WildDuck keeps BullMQ jobs in Redis).
/// </remarks>
internal sealed class MongoContext : IDisposable
{
    public const string UsersCollection = "users";
    public const string AddressesCollection = "addresses";
    public const string DomainAliasesCollection = "domainaliases";
    public const string MailboxesCollection = "mailboxes";
    public const string MessagesCollection = "messages";
    public const string ThreadsCollection = "threads";
    public const string JournalCollection = "journal";
    public const string FiltersCollection = "filters";
    public const string AutorepliesCollection = "autoreplies";
    public const string AutoreplySendersCollection = "autoreplysenders";
    public const string OutboundCollection = "outbound";
    public const string CountersCollection = "counters";
    public const string AccessTokensCollection = "accesstokens";
    public const string WebAuthnChallengesCollection = "webauthnchallenges";
    public const string OrphanSubscriptionsCollection = "orphansubscriptions";
    public const string AspsCollection = "asps";
    public const string AuthLogCollection = "authlog";
    public const string WebhooksCollection = "webhooks";
    public const string WebhookDeliveriesCollection = "webhookdeliveries";

    private readonly MongoClient? _usersClient;
    private readonly MongoClient? _attachmentsClient;
    private readonly object _gate = new();
    private readonly Func<MongoContext, CancellationToken, Task> _initialize;
    private Task? _initialization;
    private int _transactions = -1;

    public MongoContext(MongoStorageOptions options, Func<MongoContext, CancellationToken, Task> initialize)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _initialize = initialize;
        Client = new MongoClient(Settings(options.ConnectionString, options.ServerSelectionTimeout));
        Database = Client.GetDatabase(options.Database);
        (UsersDatabase, _usersClient) = Open(options.UsersDatabase);
        (AttachmentsDatabase, _attachmentsClient) = Open(options.AttachmentsDatabase);

        Users = UsersDatabase.GetCollection<UserDocument>(UsersCollection);
        Addresses = UsersDatabase.GetCollection<AddressDocument>(AddressesCollection);
        DomainAliases = UsersDatabase.GetCollection<DomainAliasDocument>(DomainAliasesCollection);
        Asps = UsersDatabase.GetCollection<AspDocument>(AspsCollection);
        AuthLog = UsersDatabase.GetCollection<AuthLogDocument>(AuthLogCollection);
        Mailboxes = Database.GetCollection<MailboxDocument>(MailboxesCollection);
        Messages = Database.GetCollection<MessageDocument>(MessagesCollection);
        Threads = Database.GetCollection<ThreadDocument>(ThreadsCollection);
        Journal = Database.GetCollection<JournalDocument>(JournalCollection);
        Filters = Database.GetCollection<FilterDocument>(FiltersCollection);
        Autoreplies = Database.GetCollection<AutoreplyDocument>(AutorepliesCollection);
        AutoreplySenders = Database.GetCollection<AutoreplySenderDocument>(AutoreplySendersCollection);
        Outbound = Database.GetCollection<OutboundDocument>(OutboundCollection);
        Counters = Database.GetCollection<CounterDocument>(CountersCollection);
        AccessTokens = Database.GetCollection<AccessTokenDocument>(AccessTokensCollection);
        WebAuthnChallenges = Database.GetCollection<WebAuthnChallengeDocument>(WebAuthnChallengesCollection);
        OrphanSubscriptions = Database.GetCollection<OrphanSubscriptionDocument>(OrphanSubscriptionsCollection);
        Webhooks = Database.GetCollection<WebhookDocument>(WebhooksCollection);
        WebhookDeliveries = Database.GetCollection<WebhookDeliveryDocument>(WebhookDeliveriesCollection);
        Attachments = new GridFSBucket<byte[]>(AttachmentsDatabase, new GridFSBucketOptions
        {
            BucketName = options.AttachmentBucket,
            ChunkSizeBytes = 255 * 1024,
            WriteConcern = WriteConcern.WMajority,
        });
    }

    public MongoStorageOptions Options { get; }

    /// <summary>The main connection.</summary>
    public MongoClient Client { get; }

    /// <summary>The main database.</summary>
    public IMongoDatabase Database { get; }

    /// <summary>The users database (WildDuck <c>dbs.users</c>).</summary>
    public IMongoDatabase UsersDatabase { get; }

    /// <summary>The GridFS database (WildDuck <c>dbs.gridfs</c>).</summary>
    public IMongoDatabase AttachmentsDatabase { get; }

    /// <summary>True when the users database is reached through the main connection, so one session (and transaction) covers both.</summary>
    public bool UsersShareMainClient => _usersClient is null;

    /// <summary>True when the attachments database is reached through the main connection.</summary>
    public bool AttachmentsShareMainClient => _attachmentsClient is null;

    public IMongoCollection<UserDocument> Users { get; }

    public IMongoCollection<AddressDocument> Addresses { get; }

    public IMongoCollection<DomainAliasDocument> DomainAliases { get; }

    /// <summary>Application-specific passwords (users database, as WildDuck).</summary>
    public IMongoCollection<AspDocument> Asps { get; }

    /// <summary>The authentication log (users database, as WildDuck).</summary>
    public IMongoCollection<AuthLogDocument> AuthLog { get; }

    public IMongoCollection<MailboxDocument> Mailboxes { get; }

    public IMongoCollection<MessageDocument> Messages { get; }

    public IMongoCollection<ThreadDocument> Threads { get; }

    public IMongoCollection<JournalDocument> Journal { get; }

    public IMongoCollection<FilterDocument> Filters { get; }

    public IMongoCollection<AutoreplyDocument> Autoreplies { get; }

    public IMongoCollection<AutoreplySenderDocument> AutoreplySenders { get; }

    public IMongoCollection<OutboundDocument> Outbound { get; }

    public IMongoCollection<CounterDocument> Counters { get; }

    public IMongoCollection<AccessTokenDocument> AccessTokens { get; }

    public IMongoCollection<WebAuthnChallengeDocument> WebAuthnChallenges { get; }

    /// <summary>Subscribed names without a mailbox (mail database).</summary>
    public IMongoCollection<OrphanSubscriptionDocument> OrphanSubscriptions { get; }

    public IMongoCollection<WebhookDocument> Webhooks { get; }

    /// <summary>Pending webhook POSTs (main database; WildDuck keeps them as BullMQ jobs in Redis).</summary>
    public IMongoCollection<WebhookDeliveryDocument> WebhookDeliveries { get; }

    /// <summary>The GridFS bucket of attachments (<c>_id</c> = the 32-byte SHA-256 of the encoded body).</summary>
    public GridFSBucket<byte[]> Attachments { get; }

    /// <summary>Whether changes run in multi-document transactions; known after <see cref="EnsureInitializedAsync"/>.</summary>
    public bool TransactionsEnabled => Volatile.Read(ref _transactions) == 1;

    /// <summary>The server's <c>maxTimeMS</c> for user and mailbox queries.</summary>
    public TimeSpan UsersTimeLimit => Options.UsersQueryTimeLimit;

    /// <summary>The server's <c>maxTimeMS</c> for message queries.</summary>
    public TimeSpan MessagesTimeLimit => Options.MessagesQueryTimeLimit;

    /// <summary>
    /// Pings the server, decides on transactions and creates the indexes, once; a failed attempt
    /// (server unreachable) is retried by the next caller.
    /// </summary>
    public Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = _initialize(this, CancellationToken.None);
            }

            task = _initialization;
        }

        return task.IsCompleted || !cancellationToken.CanBeCanceled ? task : task.WaitAsync(cancellationToken);
    }

    /// <summary>Whether the deployment has change streams (a replica set or sharded cluster); known after <see cref="EnsureInitializedAsync"/>.</summary>
    public bool ChangeStreamsAvailable { get; private set; }

    /// <summary>Records what the deployment supports (called by the initializer).</summary>
    public void SetCapabilities(bool replicaSetOrSharded, bool transactions)
    {
        ChangeStreamsAvailable = replicaSetOrSharded;
        Volatile.Write(ref _transactions, transactions ? 1 : 0);
    }

    /// <summary>Runs <c>hello</c> and returns whether the deployment is a replica set or a sharded cluster.</summary>
    public async Task<bool> SupportsTransactionsAsync(CancellationToken cancellationToken)
    {
        var hello = await Database.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
        return IsReplicaSetOrSharded(hello);
    }

    /// <summary>A replica set member reports <c>setName</c>; a mongos reports <c>msg: "isdbgrid"</c>.</summary>
    internal static bool IsReplicaSetOrSharded(BsonDocument hello) =>
        hello.Contains("setName") || (hello.TryGetValue("msg", out var msg) && msg.IsString && msg.AsString == "isdbgrid");

    public void Dispose()
    {
        _usersClient?.Dispose();
        _attachmentsClient?.Dispose();
        Client.Dispose();
    }

    internal static MongoClientSettings Settings(string connectionString, TimeSpan serverSelectionTimeout)
    {
        var url = MongoUrl.Create(connectionString);
        var settings = MongoClientSettings.FromUrl(url);

        // A server-selection timeout in the URL wins; otherwise the configured bound applies, so an
        // unreachable server fails start-up in seconds rather than the driver's 30 s default.
        if (url.ServerSelectionTimeout == MongoDefaults.ServerSelectionTimeout)
        {
            settings.ServerSelectionTimeout = serverSelectionTimeout;
        }

        settings.ApplicationName ??= "WildDuck.Core";
        return settings;
    }

    private (IMongoDatabase Database, MongoClient? Client) Open(string? target)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return (Database, null);
        }

        if (!MongoStorageOptionsValidator.IsConnectionUrl(target))
        {
            return (Client.GetDatabase(target), null);
        }

        var url = MongoUrl.Create(target);
        var client = new MongoClient(Settings(target, Options.ServerSelectionTimeout));
        return (client.GetDatabase(string.IsNullOrEmpty(url.DatabaseName) ? Options.Database : url.DatabaseName), client);
    }
}
