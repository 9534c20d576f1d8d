// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
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
    private const int MaxWritesPerTransaction = 64;
    private const string SavepointName = "w";
    private readonly Queue<PendingWrite> _writeQueue = new();
    private readonly List<PendingWrite> _batch = new(MaxWritesPerTransaction);
    private bool _writerRunning;
    private SqliteConnection? _writer;
    private SqliteStatementCache? _writerStatements;
    private bool _disposed;
    private readonly object _initLock = new();
    private volatile bool _initialized;

    // The trigram index is fed in batches (schema version 4): search-text rows wait in
    // search_pending, and the writer indexes them SearchIndexBatch at a time at the end of a write
    // transaction once more than SearchIndexDeferLimit are waiting, or all of them once it has been
    // idle for a moment.
    // FTS5 writes one segment per transaction, so a batch costs about half as much per row as
    // indexing each message inside its own transaction (docs/benchmarks.md).
    private const int SearchIndexBatch = 32;
    private readonly int _inlineIndexThreshold;
    private const int IdleSearchIndexBatch = 512;
    private static readonly TimeSpan SearchIndexIdleDelay = TimeSpan.FromMilliseconds(200);
    private const string SearchSavepointName = "search";
    private readonly Timer _searchIndexTimer;
    private int _searchBacklog;

    /// <summary>
    /// SQLite handles on which this instance already ran its pragmas (see
    /// <see cref="OpenRaw"/>); per instance, because two instances on one file may differ in options.
    /// </summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _preparedHandles = new();
    private static readonly object PreparedMarker = new();

    // Kept read connections for the hot read paths (see SqliteReadConnection): a FETCH reads a
    // message, or an attachment chunk, without opening a connection. Bounded: a burst of
    // concurrent readers beyond this many opens (pooled) connections that are closed after use.
    private const int MaxIdleReaders = 16;
    private readonly SqliteReadConnection?[] _idleReaders = new SqliteReadConnection?[MaxIdleReaders];
    private int _idleReaderCount;
    private bool _readersClosed;

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
        _inlineIndexThreshold = Math.Max(SearchIndexBatch, options.SearchIndexDeferLimit);
        _searchIndexTimer = new Timer(static state => ((SqliteDatabase)state!).IndexSearchRowsWhenIdle(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public string Path { get; }

    /// <summary>
    /// Called by a write that queued <paramref name="count"/> search-text rows (the insert trigger
    /// puts them in search_pending): a hint for when to index, never a source of truth.
    /// </summary>
    public void SearchRowsQueued(int count) => Interlocked.Add(ref _searchBacklog, count);

    /// <summary>
    /// Creates the file and its directory when missing, and migrates the schema; a database that
    /// cannot be used fails with <see cref="StorageError.Unavailable"/> and the reason.
    /// </summary>
    public void Initialize()
    {
        try
        {
            EnsureInitialized();
        }
        catch (SqliteException ex) when (SqliteFaults.IsUnavailable(ex))
        {
            throw SqliteFaults.Translate(ex, Path);
        }
    }

    /// <summary>
    /// Runs reads on a connection of their own inside one deferred transaction, so they see one
    /// consistent snapshot. The database's faults surface as <see cref="StorageError.Unavailable"/>.
    /// </summary>
    public T Read<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        try
        {
            EnsureInitialized();
            using var connection = OpenRaw();
            using var transaction = connection.BeginTransaction(deferred: true);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (SqliteException ex) when (SqliteFaults.IsUnavailable(ex))
        {
            throw SqliteFaults.Translate(ex, Path);
        }
    }

    /// <summary>
    /// Runs a write transaction. This process's writers are serialised in arrival order; writers
    /// that queue up while a transaction runs are committed together in the next one (group
    /// commit), each inside its own savepoint so a failing writer rolls back alone. Under load this
    /// turns many fsyncs into one; a lone writer still gets a transaction of its own. Across
    /// processes SQLite's write lock applies.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Initialize();
        var pending = new PendingWrite<T>(work, Path, cancellationToken);
        bool lead;
        lock (_writeQueue)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writeQueue.Enqueue(pending);
            lead = !_writerRunning;
            _writerRunning = true;
        }

        if (lead)
        {
            // The caller runs one batch (its own write among them) on its own thread, as a plain
            // synchronous transaction would; whatever queued meanwhile drains on the thread pool.
            if (RunNextBatch())
            {
                ThreadPool.UnsafeQueueUserWorkItem(static db => db.DrainWrites(), this, preferLocal: false);
            }
        }

        return pending.Task;
    }

    private void DrainWrites()
    {
        while (RunNextBatch())
        {
        }
    }

    /// <summary>Runs the queued writes as one transaction; returns true when more are waiting.</summary>
    private bool RunNextBatch()
    {
        // Only one batch runs at a time (_writerRunning), so one list serves them all.
        var batch = _batch;
        batch.Clear();
        lock (_writeQueue)
        {
            while (batch.Count < MaxWritesPerTransaction && _writeQueue.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                StopWriting();
                return false;
            }
        }

        RunBatch(batch);
        batch.Clear();
        lock (_writeQueue)
        {
            if (_writeQueue.Count == 0)
            {
                StopWriting();
                return false;
            }

            return true;
        }
    }

    private void RunBatch(List<PendingWrite> batch)
    {
        try
        {
            // One connection for all writes: batches run one at a time, and a connection that did
            // the last write keeps its page cache (any other connection must drop its cache after
            // a foreign write), so b-tree interior pages and FTS structure stay in memory.
            var connection = _writer ??= OpenWriter();

            // BEGIN IMMEDIATE: take the write lock up front, so the transaction can never fail
            // half-way on a read-to-write upgrade (which busy_timeout does not retry).
            using var transaction = connection.BeginTransaction(deferred: false);
            var solo = batch.Count == 1;
            foreach (var write in batch)
            {
                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Cancel();
                    continue;
                }

                if (solo)
                {
                    write.Execute(connection, transaction);
                    continue;
                }

                transaction.Save(SavepointName);
                if (write.Execute(connection, transaction))
                {
                    transaction.Release(SavepointName);
                }
                else
                {
                    // Undo only this writer's changes; the others still commit.
                    transaction.Rollback(SavepointName);
                    transaction.Release(SavepointName);
                }
            }

            if (solo && batch[0].Failed)
            {
                transaction.Rollback();
            }
            else
            {
                if (Volatile.Read(ref _searchBacklog) >= _inlineIndexThreshold)
                {
                    IndexSearchRows(connection, transaction, SearchIndexBatch);
                }

                transaction.Commit();
            }
        }
        catch (Exception ex)
        {
            // A connection that failed outside a writer's own work (lock timeout, I/O error) is
            // replaced, in case it is left in a bad state.
            CloseWriter();

            // Nothing of this batch committed: every writer that has not failed on its own fails now.
            var fault = SqliteFaults.Translate(ex, Path);
            foreach (var write in batch)
            {
                write.Abort(fault);
            }

            return;
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    /// <summary>
    /// Runs a read on a kept read connection (<see cref="SqliteReadConnection"/>), passing
    /// <paramref name="state"/> through so that a static lambda allocates nothing. The work's
    /// statements must form one consistent read themselves (one statement, or a statement kept
    /// stepping while the next runs); no transaction is opened around them.
    /// </summary>
    public T ReadRaw<TState, T>(TState state, Func<SqliteReadConnection, TState, T> work)
    {
        try
        {
            EnsureInitialized();
            var reader = RentReader();
            var reusable = false;
            try
            {
                var result = work(reader, state);
                reusable = reader.IsIdle;
                return result;
            }
            catch (StorageException)
            {
                // The work's own verdict (e.g. a missing row); its statements were reset.
                reusable = reader.IsIdle;
                throw;
            }
            finally
            {
                if (reusable)
                {
                    ReturnReader(reader);
                }
                else
                {
                    reader.Dispose();
                }
            }
        }
        catch (SqliteException ex) when (SqliteFaults.IsUnavailable(ex))
        {
            throw SqliteFaults.Translate(ex, Path);
        }
    }

    private SqliteReadConnection RentReader()
    {
        while (true)
        {
            SqliteReadConnection? reader = null;
            lock (_idleReaders)
            {
                if (_idleReaderCount > 0)
                {
                    reader = _idleReaders[--_idleReaderCount]!;
                    _idleReaders[_idleReaderCount] = null;
                }
            }

            if (reader is null)
            {
                return new SqliteReadConnection(OpenRaw());
            }

            if (!reader.FileHasMoved())
            {
                return reader;
            }

            // The file at the path was replaced (restored from a backup, or swapped by an admin):
            // a kept connection would go on reading the old one. Close it (not back to the
            // Microsoft.Data.Sqlite pool) and open the path afresh, which then reports what is there.
            reader.Dispose(closeHandle: true);
        }
    }

    private void ReturnReader(SqliteReadConnection reader)
    {
        lock (_idleReaders)
        {
            if (!_readersClosed && _idleReaderCount < MaxIdleReaders)
            {
                _idleReaders[_idleReaderCount++] = reader;
                return;
            }
        }

        reader.Dispose();
    }

    private void CloseReaders()
    {
        lock (_idleReaders)
        {
            _readersClosed = true;
            while (_idleReaderCount > 0)
            {
                _idleReaders[--_idleReaderCount]!.Dispose();
                _idleReaders[_idleReaderCount] = null;
            }
        }
    }

    /// <summary>As <see cref="Read{T}"/>, for the asynchronous contracts (SQLite reads run synchronously).</summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(work));
    }

    /// <summary>
    /// Refuses new writes; writes already queued still run, and the writer connection closes when
    /// the last of them is done (never under a running transaction).
    /// </summary>
    public void Dispose()
    {
        _searchIndexTimer.Dispose();
        CloseReaders();
        lock (_writeQueue)
        {
            _disposed = true;
            if (!_writerRunning)
            {
                CloseWriter();
            }
        }
    }

    /// <summary>Called under the queue lock when the queue is drained.</summary>
    private void StopWriting()
    {
        _writerRunning = false;
        if (_disposed)
        {
            CloseWriter();
        }
        else if (Volatile.Read(ref _searchBacklog) > 0)
        {
            // Re-armed at every idle moment: under steady load it never fires (the batches above
            // keep up), and it runs once the writer has had nothing to do for a moment.
            _searchIndexTimer.Change(SearchIndexIdleDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Indexes up to <paramref name="limit"/> queued rows, oldest first, in a savepoint of the
    /// current transaction: a failure here is logged and undone, and never fails the writes the
    /// transaction carries (their rows stay queued and searchable).
    /// </summary>
    private void IndexSearchRows(SqliteConnection connection, SqliteTransaction transaction, int limit)
    {
        transaction.Save(SearchSavepointName);
        try
        {
            using var index = connection.CreateCommand();
            index.Transaction = transaction;
            index.CommandText = """
                INSERT INTO message_fts (rowid, from_text, to_text, cc_text, bcc_text, subject, headers, body)
                SELECT mt.rid, mt.from_text, mt.to_text, mt.cc_text, mt.bcc_text, mt.subject, mt.headers, mt.body
                FROM (SELECT rid FROM search_pending ORDER BY rid LIMIT $n) p JOIN message_text mt ON mt.rid = p.rid
                """;
            index.Parameters.AddWithValue("$n", limit);
            index.ExecuteNonQuery();
            index.CommandText = "DELETE FROM search_pending WHERE rid IN (SELECT rid FROM search_pending ORDER BY rid LIMIT $n)";
            var indexed = index.ExecuteNonQuery();
            transaction.Release(SearchSavepointName);
            Interlocked.Add(ref _searchBacklog, -Math.Min(indexed, Volatile.Read(ref _searchBacklog)));
        }
        catch (SqliteException ex)
        {
            transaction.Rollback(SearchSavepointName);
            transaction.Release(SearchSavepointName);
            LogSearchIndexFailed(_logger, ex);
        }
    }

    private void IndexSearchRowsWhenIdle()
    {
        // A timer callback: nothing may escape it (an exception here would end the process).
        Task<bool> pass;
        try
        {
            pass = WriteAsync(IndexQueueWhenIdle, CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        catch (StorageException ex)
        {
            LogSearchIndexFailed(_logger, ex);
            return;
        }

        pass.ContinueWith(
            static (task, state) => LogSearchIndexFailed(((SqliteDatabase)state!)._logger, task.Exception!.GetBaseException()),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private bool IndexQueueWhenIdle(SqliteConnection connection, SqliteTransaction transaction)
    {
        IndexSearchRows(connection, transaction, IdleSearchIndexBatch);

        // Re-read the true backlog: other processes on this file queue rows too, and a rolled-back
        // transaction may have left the hint off.
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM search_pending";
        Volatile.Write(ref _searchBacklog, (int)(long)count.ExecuteScalar()!);
        return true;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Indexing queued search text failed; the rows stay queued (searches still find them) and are retried.")]
    private static partial void LogSearchIndexFailed(ILogger logger, Exception exception);

    private SqliteConnection OpenWriter()
    {
        var connection = OpenRaw();
        _writerStatements = SqliteStatementCache.Attach(connection);
        return connection;
    }

    private void CloseWriter()
    {
        // Statements first: they belong to the connection's handle, which goes back to the pool.
        _writerStatements?.Dispose();
        _writerStatements = null;
        _writer?.Dispose();
        _writer = null;
    }

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
                try
                {
                    Directory.CreateDirectory(directory);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw SqliteFaults.Unavailable(Path, SqliteFaults.DirectoryProblem(directory, ex), ex);
                }
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
            using (var pending = connection.CreateCommand())
            {
                // Rows queued by a process that stopped before indexing them.
                pending.CommandText = "SELECT count(*) FROM search_pending";
                _searchBacklog = (int)(long)pending.ExecuteScalar()!;
            }

            _initialized = true;
            if (_searchBacklog > 0)
            {
                _searchIndexTimer.Change(SearchIndexIdleDelay, Timeout.InfiniteTimeSpan);
            }
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
                throw new StorageException(
                    StorageError.Unavailable,
                    $"The SQLite database {Path} is unavailable: it has schema version {version}, newer than this build supports ({SqliteSchema.Migrations.Length}).");
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

    /// <summary>A queued write: runs inside the batch's transaction and completes after the commit.</summary>
    private abstract class PendingWrite
    {
        protected PendingWrite(CancellationToken cancellationToken) => CancellationToken = cancellationToken;

        public CancellationToken CancellationToken { get; }

        public bool Failed { get; protected set; }

        /// <summary>Runs the work; false when it threw (the exception is kept for the caller).</summary>
        public abstract bool Execute(SqliteConnection connection, SqliteTransaction transaction);

        /// <summary>Reports the result (or the work's own exception) after the transaction ended.</summary>
        public abstract void Complete();

        /// <summary>Fails the write because the transaction as a whole failed.</summary>
        public abstract void Abort(Exception exception);

        public abstract void Cancel();
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, T> work, string path, CancellationToken cancellationToken)
        : PendingWrite(cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _error;

        public Task<T> Task => _completion.Task;

        public override bool Execute(SqliteConnection connection, SqliteTransaction transaction)
        {
            try
            {
                _result = work(connection, transaction);
                return true;
            }
            catch (Exception ex)
            {
                _error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(SqliteFaults.Translate(ex, path));
                Failed = true;
                return false;
            }
        }

        public override void Complete()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error.SourceException);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Abort(Exception exception) =>
            _completion.TrySetException(_error?.SourceException ?? exception);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}
