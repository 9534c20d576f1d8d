// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// The embedded default backend: every storage contract over one SQLite database file.
/// </summary>
/// <remarks>
/// Every change runs in one <c>BEGIN IMMEDIATE</c> transaction that also allocates UIDs and
/// MODSEQs, writes the journal, adjusts mailbox counters and the user's quota usage, and adjusts
/// attachment reference counts — so none of them can drift from the messages. Nothing mutable is
/// cached in the process, so several processes may share the file. Wake-ups go to
/// <see cref="IChangeNotifier"/> after the commit.
/// </remarks>
public sealed partial class SqliteMailStore :
    IUserStore, IMailboxStore, IMessageStore, IJournal, IAttachmentStore, IFilterStore, IAutoreplyStore, IOutboundQueue, IStoreMaintenance, IAccessTokenStore, ITwoFactorStore, IAspStore, IAuthLogStore, IDisposable
{
    private readonly SqliteDatabase _db;
    private readonly WildDuckOptions _options;
    private readonly IChangeNotifier _notifier;
    private readonly IPasswordHasher _passwordHasher;
    private readonly TimeProvider _time;
    private readonly MessageIndexer _indexer;
    private readonly SqliteAttachmentSource _attachmentSource;
    private readonly ILogger _logger;
    private readonly IWildDuckEvents? _events;

    /// <summary>
    /// Creates the store over the configured file (created and migrated on first use).
    /// <paramref name="events"/>, when given, hears <c>marked.spam</c> / <c>marked.ham</c> after
    /// committed moves and copies into or out of Junk.
    /// </summary>
    public SqliteMailStore(
        IOptions<SqliteStorageOptions> sqliteOptions,
        IOptions<WildDuckOptions> options,
        IChangeNotifier notifier,
        IPasswordHasher passwordHasher,
        TimeProvider? timeProvider = null,
        ILogger<SqliteMailStore>? logger = null,
        IWildDuckEvents? events = null)
    {
        ArgumentNullException.ThrowIfNull(sqliteOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(passwordHasher);
        _options = options.Value;
        _notifier = notifier;
        _passwordHasher = passwordHasher;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _db = new SqliteDatabase(sqliteOptions.Value, _logger);
        _indexer = new MessageIndexer(_options.Messages);
        _attachmentSource = new SqliteAttachmentSource(_db);
        _events = events;
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => _db.Path;

    /// <summary>
    /// Opens the database now instead of at first use: creates the file and its directory when
    /// missing and migrates the schema. A database that cannot be used (a directory that cannot be
    /// created, a directory or another kind of file at the path, a damaged file, a newer schema)
    /// fails with a <see cref="StorageException"/> of <see cref="StorageError.Unavailable"/> whose
    /// message names the path and the reason in one line. Registered hosts call it at start.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _db.Initialize();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Wakes the user's sessions after a commit. A failing notifier must not turn a committed
    /// change into an error: the caller would retry (an LMTP client would deliver twice), and
    /// sessions catch up from the journal at their next command anyway.
    /// </summary>
    private async Task NotifyAsync(UserId user)
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

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Waking the sessions of user {User} after a committed change failed; they catch up at their next command.")]
    private static partial void LogNotifyFailed(ILogger logger, string user, Exception exception);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        // Fixed SQL on the writer connection reuses its prepared statement; SQL built later
        // (an empty text here) gets a fresh command.
        if (sql.Length > 0 && SqliteStatementCache.TryRent(connection, transaction, sql, out var cached))
        {
            return cached;
        }

        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static byte[] Blob(EntityId id) => id.ToByteArray();

    private static byte[] Blob(UserId id) => id.Value.ToByteArray();

    private static byte[] Blob(MailboxId id) => id.Value.ToByteArray();

    private static byte[] Blob(MessageId id) => id.Value.ToByteArray();

    private static EntityId ReadId(SqliteDataReader reader, int ordinal) =>
        EntityId.FromBytes(reader.GetFieldValue<byte[]>(ordinal));

    private static string JoinKeywords(IReadOnlyList<string> keywords)
    {
        if (keywords.Count == 0)
        {
            return string.Empty;
        }

        // "\nA\nB\n": every keyword is delimited on both sides, so a containment test with
        // "\nk\n" matches whole keywords only.
        return "\n" + string.Join('\n', keywords) + "\n";
    }

    private static string[] SplitKeywords(string stored) =>
        stored.Length == 0 ? Array.Empty<string>() : stored.Trim('\n').Split('\n');

    private static DateTimeOffset FromUnixMs(long ms, long tzMinutes) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(tzMinutes));
}
