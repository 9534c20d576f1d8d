// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Opens configured connections to the database file, applies migrations once, and serialises
/// this process's writers. Cross-process writers take turns through SQLite's own write lock
/// (<c>BEGIN IMMEDIATE</c> plus <c>busy_timeout</c>).
/// </summary>
internal sealed partial class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteStorageOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly object _initLock = new();
    private volatile bool _initialized;

    /// <summary>
    /// SQLite handles on which this instance already ran its pragmas (see
    /// <see cref="OpenRaw"/>); per instance, because two instances on one file may differ in options.
    /// </summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _preparedHandles = new();
    private static readonly object PreparedMarker = new();

    public SqliteDatabase(SqliteStorageOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        Path = fullPath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens a connection with the per-connection pragmas and functions applied.</summary>
    public SqliteConnection Open()
    {
        EnsureInitialized();
        return OpenRaw();
    }

    /// <summary>Runs a write transaction; this process's writers are serialised (fair FIFO), then SQLite's lock applies.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = OpenRaw();
            // BEGIN IMMEDIATE: take the write lock up front, so the transaction can never fail
            // half-way on a read-to-write upgrade (which busy_timeout does not retry).
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs reads inside one deferred transaction, so they see one consistent snapshot.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureInitialized();
        using var connection = OpenRaw();
        using var transaction = connection.BeginTransaction(deferred: true);
        var result = work(connection, transaction);
        transaction.Commit();
        return Task.FromResult(result);
    }

    public void Dispose() => _writeGate.Dispose();

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // Pooled connections keep their SQLite handle, and pragmas set on it stay in force: run
        // them once per handle, not on every open (every read opens a connection). Functions are
        // removed when Microsoft.Data.Sqlite returns a connection to its pool, so they are
        // registered on every open.
        var handle = connection.Handle!;
        if (!_preparedHandles.TryGetValue(handle, out _))
        {
            using var command = connection.CreateCommand();
            var synchronous = _options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            command.CommandText = string.Create(
                CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout={(long)_options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON; PRAGMA cache_size=-{_options.CacheSizeKiB}; PRAGMA temp_store=MEMORY;");
            command.ExecuteNonQuery();
            _preparedHandles.AddOrUpdate(handle, PreparedMarker);
        }

        SqliteFunctions.Register(connection);
        return connection;
    }

    private void EnsureInitialized()
    {
        if (_initialized)
        {
            return;
        }

        lock (_initLock)
        {
            if (_initialized)
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            using var connection = OpenRaw();
            using (var wal = connection.CreateCommand())
            {
                // WAL lets readers run while one writer commits, across processes too; it is a
                // property of the file and persists.
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                wal.ExecuteNonQuery();
            }

            Migrate(connection);
            _initialized = true;
        }
    }

    private void Migrate(SqliteConnection connection)
    {
        while (true)
        {
            // BEGIN IMMEDIATE so that two processes starting at once migrate one after the other.
            using var transaction = connection.BeginTransaction(deferred: false);
            long version;
            using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "PRAGMA user_version;";
                version = (long)read.ExecuteScalar()!;
            }

            if (version > SqliteSchema.Migrations.Length)
            {
                throw new InvalidOperationException(
                    $"The database '{Path}' has schema version {version}, newer than this build supports ({SqliteSchema.Migrations.Length}).");
            }

            if (version == SqliteSchema.Migrations.Length)
            {
                transaction.Commit();
                return;
            }

            using (var migrate = connection.CreateCommand())
            {
                migrate.Transaction = transaction;
                migrate.CommandText = SqliteSchema.Migrations[version] + string.Create(CultureInfo.InvariantCulture, $"\nPRAGMA user_version={version + 1};");
                migrate.ExecuteNonQuery();
            }

            transaction.Commit();
            LogMigrated(_logger, Path, version + 1);
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Migrated {Path} to schema version {Version}.")]
    private static partial void LogMigrated(ILogger logger, string path, long version);
}
