// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.MongoDB;

/// <summary>
/// The scale-out backend: every storage contract over MongoDB, in WildDuck's collection layout
/// (reference §1) with its field names and indexes where they mean the same thing.
/// </summary>
/// <remarks>
/// On a replica set or sharded cluster each change runs in one multi-document transaction that
/// also allocates UIDs and MODSEQs, writes the journal and adjusts counters, quota and attachment
/// references; a COPY, MOVE, EXPUNGE or deletion of more than
/// <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> messages runs as consecutive such
/// changes, each complete on its own (docs/storage.md, "Large operations in batches"). Without
/// transactions (a standalone server, or
/// <see cref="MongoTransactionMode.Never"/>) the same steps run as single-document atomic
/// operations in a fixed order with compensation on failure (docs/storage.md). Nothing mutable is
/// cached in the process: any number of instances may share the database. Wake-ups go to
/// <see cref="IChangeNotifier"/> after the change is durable.
/// </remarks>
public sealed partial class MongoMailStore :
    IUserStore, IMailboxStore, IMessageStore, IJournal, IAttachmentStore, IFilterStore, IAutoreplyStore, IOutboundQueue, IStoreMaintenance, IDisposable
{
    private readonly MongoContext _context;
    private readonly WildDuckOptions _options;
    private readonly IChangeNotifier _notifier;
    private readonly IPasswordHasher _passwordHasher;
    private readonly TimeProvider _time;
    private readonly MessageIndexer _indexer;
    private readonly ILogger _logger;
    private readonly IWildDuckEvents? _events;

    /// <summary>Creates the store; it connects lazily and creates its indexes on first use (or at host start).</summary>
    /// <param name="mongoOptions">Where the databases are.</param>
    /// <param name="options">Limits shared by every backend.</param>
    /// <param name="notifier">Woken after every change.</param>
    /// <param name="passwordHasher">Hashes passwords of new users.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="events">Hears <c>marked.spam</c> / <c>marked.ham</c> after moves and copies into or out of Junk; none when null.</param>
    public MongoMailStore(
        IOptions<MongoStorageOptions> mongoOptions,
        IOptions<WildDuckOptions> options,
        IChangeNotifier notifier,
        IPasswordHasher passwordHasher,
        TimeProvider? timeProvider = null,
        ILogger<MongoMailStore>? logger = null,
        IWildDuckEvents? events = null)
        : this(new MongoContext((mongoOptions ?? throw new ArgumentNullException(nameof(mongoOptions))).Value, InitializeAsync), options, notifier, passwordHasher, timeProvider, logger, events)
    {
    }

    internal MongoMailStore(
        MongoContext context,
        IOptions<WildDuckOptions> options,
        IChangeNotifier notifier,
        IPasswordHasher passwordHasher,
        TimeProvider? timeProvider,
        ILogger? logger,
        IWildDuckEvents? events = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(passwordHasher);
        _context = context;
        _options = options.Value;
        _notifier = notifier;
        _passwordHasher = passwordHasher;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _indexer = new MessageIndexer(_options.Messages);
        _events = events;
    }

    /// <summary>The databases and collections.</summary>
    internal MongoContext Context => _context;

    /// <summary>Whether changes run in multi-document transactions (known after <see cref="InitializeAsync(CancellationToken)"/>).</summary>
    internal bool TransactionsEnabled => _context.TransactionsEnabled;

    /// <inheritdoc />
    public void Dispose() => _context.Dispose();

    /// <summary>
    /// Connects, decides on transactions and creates the indexes (once; idempotent). Throws a
    /// <see cref="StorageException"/> with a one-line message when the server cannot be reached.
    /// </summary>
    internal Task InitializeAsync(CancellationToken cancellationToken) => _context.EnsureInitializedAsync(cancellationToken);

    private DateTime Now => MongoMapping.ToBsonDate(_time.GetUtcNow());

    private MessageIndexer Indexer => _indexer;

    /// <summary>The session for the users database: the transaction's when it shares the main client, none otherwise.</summary>
    private IClientSessionHandle? UsersSession(IClientSessionHandle? session) =>
        _context.UsersShareMainClient ? session : null;

    // ------------------------------------------------------------------ running operations

    /// <summary>
    /// Runs a change: in one transaction (snapshot reads, majority writes; retried by the driver
    /// on transient errors, so <paramref name="work"/> must have no effect outside the database)
    /// when transactions are enabled, otherwise directly with a null session — then
    /// <paramref name="work"/> itself orders its steps and compensates (docs/storage.md).
    /// Driver errors become <see cref="StorageException"/>s.
    /// </summary>
    internal async Task<T> RunAsync<T>(Func<IClientSessionHandle?, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_context.TransactionsEnabled)
            {
                return await work(null, cancellationToken).ConfigureAwait(false);
            }

            using var session = await _context.Client.StartSessionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await session.WithTransactionAsync(
                (s, ct) => work(s, ct),
                new TransactionOptions(ReadConcern.Snapshot, ReadPreference.Primary, WriteConcern.WMajority),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Runs reads and single-document writes without a session (each write is atomic on its own);
    /// driver errors become <see cref="StorageException"/>s.
    /// </summary>
    internal async Task<T> RunDirectAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Maps driver errors: a duplicate key (11000) is <see cref="StorageError.AlreadyExists"/>; an
    /// unreachable server, a failover or a time limit is <see cref="StorageError.Unavailable"/>
    /// (nothing committed, a retry may work: IMAP NO [UNAVAILABLE], LMTP 451 4.3.0, POP3 -ERR [SYS/TEMP]).
    /// Null for exceptions that pass unchanged.
    /// </summary>
    internal static StorageException? Translate(Exception exception)
    {
        switch (exception)
        {
            case StorageException:
            case OperationCanceledException:
                return null;
            case MongoWriteException write when write.WriteError?.Category == ServerErrorCategory.DuplicateKey:
                return new StorageException(StorageError.AlreadyExists, "The name is taken.", exception);
            case MongoBulkWriteException bulk when bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey):
                return new StorageException(StorageError.AlreadyExists, "The name is taken.", exception);
            case MongoCommandException command when command.Code == DuplicateKey:
                return new StorageException(StorageError.AlreadyExists, "The name is taken.", exception);
            case MongoExecutionTimeoutException:
                return new StorageException(StorageError.Unavailable, "MongoDB did not answer within the query time limit; retry.", exception);
            case TimeoutException:
            case MongoConnectionException:
            case MongoNotPrimaryException:
            case MongoNodeIsRecoveringException:
            case MongoClientException when exception.Message.Contains("server", StringComparison.OrdinalIgnoreCase):
                return new StorageException(StorageError.Unavailable, "MongoDB is unavailable; retry.", exception);
            default:
                return null;
        }
    }

    /// <summary>Server error: duplicate key.</summary>
    internal const int DuplicateKey = 11000;

    /// <summary>True for a duplicate-key error of a single write.</summary>
    internal static bool IsDuplicateKey(Exception exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException command => command.Code == DuplicateKey,
        _ => false,
    };

    /// <summary>
    /// Wakes the user's sessions after a change is durable. A failing notifier must not turn a
    /// committed change into an error (an LMTP client would deliver twice); sessions catch up from
    /// the journal at their next command.
    /// </summary>
    internal async Task NotifyAsync(UserId user)
    {
        try
        {
            await _notifier.NotifyAsync(user).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotifyFailed(_logger, user.ToString(), ex);
        }
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "Waking the sessions of user {User} after a committed change failed; they catch up at their next command.")]
    private static partial void LogNotifyFailed(ILogger logger, string user, Exception exception);

    // ------------------------------------------------------------------ journal and counters

    /// <summary>The <c>counters</c> document numbering a user's journal entries.</summary>
    internal static string JournalCounterId(ObjectId user) => "journal:" + user.ToString();

    internal static FilterDefinition<CounterDocument> CounterFilter(string id) =>
        Builders<CounterDocument>.Filter.Eq(c => c.Id, id);

    /// <summary><c>{$inc: {seq: count}}</c>, upserted: the counter after the update ends the allocated block.</summary>
    internal static UpdateDefinition<CounterDocument> CounterIncrement(long count) =>
        Builders<CounterDocument>.Update.Inc(c => c.Seq, count);

    /// <summary>
    /// Writes journal entries: allocates their <c>seq</c> (per user, one <c>$inc</c> per user and
    /// batch) and inserts them. Inside a transaction the counter's write lock orders concurrent
    /// writers, so a user's entries become visible in <c>seq</c> order.
    /// </summary>
    internal async Task AppendJournalAsync(IClientSessionHandle? session, IReadOnlyList<JournalDocument> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        foreach (var group in entries.GroupBy(e => e.User))
        {
            var count = group.Count();
            var counter = await _context.Counters.FindOneAndUpdateWithAsync(
                session,
                CounterFilter(JournalCounterId(group.Key)),
                CounterIncrement(count),
                new FindOneAndUpdateOptions<CounterDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                cancellationToken).ConfigureAwait(false);
            var seq = counter.Seq - count;
            foreach (var entry in group)
            {
                entry.Seq = ++seq;
                if (entry.Id == ObjectId.Empty)
                {
                    entry.Id = ObjectId.GenerateNewId();
                }
            }
        }

        await _context.Journal.InsertManyWithAsync(session, entries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A journal entry for a change (its <c>seq</c> is allocated by <see cref="AppendJournalAsync"/>).</summary>
    internal JournalDocument NewJournal(ObjectId user, ObjectId mailbox, long modseq, JournalCommand command, uint uid = 0, ObjectId? message = null, MessageFlags flags = MessageFlags.None, IReadOnlyList<string>? keywords = null, string? path = null) => new()
    {
        Id = ObjectId.GenerateNewId(),
        User = user,
        Mailbox = mailbox,
        ModSeq = modseq,
        Command = MongoMapping.CommandName(command),
        Uid = command is JournalCommand.Exists or JournalCommand.Expunge or JournalCommand.Fetch ? uid : null,
        Message = message,
        Flags = command is JournalCommand.Exists or JournalCommand.Fetch ? MongoMapping.FlagList(flags, keywords ?? Array.Empty<string>()) : null,
        Path = path,
        Created = Now,
    };

    // ------------------------------------------------------------------ UID and MODSEQ

    internal static FilterDefinition<MailboxDocument> MailboxFilter(ObjectId user, ObjectId mailbox) =>
        Builders<MailboxDocument>.Filter.Eq(m => m.Id, mailbox) & Builders<MailboxDocument>.Filter.Eq(m => m.User, user);

    /// <summary><c>{$inc: {modifyIndex: 1}}</c>, read after: one new MODSEQ.</summary>
    internal static UpdateDefinition<MailboxDocument> BumpModSeqUpdate() =>
        Builders<MailboxDocument>.Update.Inc(m => m.ModifyIndex, 1L);

    /// <summary>Takes one new MODSEQ of a mailbox; null when the mailbox is gone.</summary>
    internal async Task<long?> BumpModSeqAsync(IClientSessionHandle? session, ObjectId user, ObjectId mailbox, CancellationToken cancellationToken)
    {
        var after = await _context.Mailboxes.FindOneAndUpdateWithAsync(
            session,
            MailboxFilter(user, mailbox),
            BumpModSeqUpdate(),
            new FindOneAndUpdateOptions<MailboxDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken).ConfigureAwait(false);
        return after?.ModifyIndex;
    }

    // ------------------------------------------------------------------ start-up

    /// <summary>Pings, decides on transactions, creates indexes: the context's one-time initializer.</summary>
    private static async Task InitializeAsync(MongoContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        await PingAsync(context.Database, options.ConnectionString, options.ServerSelectionTimeout, cancellationToken).ConfigureAwait(false);
        if (!context.UsersShareMainClient)
        {
            await PingAsync(context.UsersDatabase, options.UsersDatabase!, options.ServerSelectionTimeout, cancellationToken).ConfigureAwait(false);
        }

        if (!context.AttachmentsShareMainClient)
        {
            await PingAsync(context.AttachmentsDatabase, options.AttachmentsDatabase!, options.ServerSelectionTimeout, cancellationToken).ConfigureAwait(false);
        }

        var supported = await context.SupportsTransactionsAsync(cancellationToken).ConfigureAwait(false);
        context.SetCapabilities(supported, options.UseTransactions switch
        {
            MongoTransactionMode.Never => false,
            MongoTransactionMode.Always when !supported => throw new StorageException(
                StorageError.Invalid,
                "WildDuck:Storage:MongoDB:UseTransactions is Always, but the MongoDB deployment is a standalone server without transactions (use a replica set, or Auto/Never)."),
            _ => supported,
        });

        if (options.CreateIndexes)
        {
            await MongoIndexes.CreateAllAsync(context, cancellationToken).ConfigureAwait(false);
        }

        // Collections cannot always be created inside a transaction (sharded clusters): make sure
        // the ones without indexes exist before the first change.
        await EnsureCollectionAsync(context.Database, MongoContext.CountersCollection, cancellationToken).ConfigureAwait(false);
    }

    private static async Task PingAsync(IMongoDatabase database, string connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or MongoException)
        {
            // The effective bound: a serverSelectionTimeoutMS in the URL wins over the option.
            var effective = MongoContext.Settings(connection, timeout).ServerSelectionTimeout;
            throw new StorageException(StorageError.Unavailable, UnreachableMessage(connection, effective, ex), ex);
        }
    }

    /// <summary>One line naming the servers (never the credentials) and the cause.</summary>
    internal static string UnreachableMessage(string connection, TimeSpan timeout, Exception exception)
    {
        string servers;
        try
        {
            servers = string.Join(",", MongoUrl.Create(connection).Servers.Select(s => s.ToString()));
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            servers = "(invalid connection string)";
        }

        var cause = exception is TimeoutException
            ? $"no server answered within {timeout.TotalSeconds:0.###} s"
            : exception.Message.Split('\n', 2)[0].Trim();
        return $"MongoDB is unreachable at {servers}: {cause}.";
    }

    private static async Task EnsureCollectionAsync(IMongoDatabase database, string name, CancellationToken cancellationToken)
    {
        try
        {
            await database.CreateCollectionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException ex) when (ex.Code == NamespaceExists)
        {
            // Created before (or by another instance at the same time).
        }
    }

    private const int NamespaceExists = 48;
}
