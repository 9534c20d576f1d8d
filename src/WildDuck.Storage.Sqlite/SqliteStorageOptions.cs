// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Sqlite;

/// <summary>How durable an acknowledged write is (SQLite <c>PRAGMA synchronous</c>).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=FULL</c>: every commit is fsynced before it is acknowledged, so an
    /// acknowledged write survives a crash of the process and of the machine. The default.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c> in WAL mode: survives a crash of the process; a power loss may
    /// lose the last commits (never corrupts). Faster.
    /// </summary>
    Normal,
}

/// <summary>Options of the embedded SQLite backend (configuration section <c>WildDuck:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Path of the database file. Default <c>data/wildduck.db</c> (relative to the working directory).</summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "wildduck.db");

    /// <summary>Durability of commits. Default <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;

    /// <summary>
    /// How long a writer waits for another process's write lock before failing. Default 10 s.
    /// Several processes may share one file; they take turns as writers.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Page cache per connection in KiB (<c>PRAGMA cache_size</c>). Default 16 MiB.</summary>
    public int CacheSizeKiB { get; set; } = 16 * 1024;

    /// <summary>
    /// How often the journal is polled for changes made by other processes sharing the file, to
    /// wake this process's sessions (IMAP IDLE). Default 1 s; zero disables (single process, or a
    /// Redis notifier). Changes made in this process wake sessions immediately regardless.
    /// </summary>
    public TimeSpan CrossProcessNotifyInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Read-only connections opened at most at once by this process; writers always use one
    /// connection at a time. Default 16.
    /// </summary>
    public int MaxReadConnections { get; set; } = 16;

    /// <summary>
    /// How many messages' search text may wait for the trigram index while writes keep the writer
    /// busy. Up to this many, indexing waits until the writer has been idle for a moment (then it
    /// catches up 512 rows per transaction), so a delivery burst does not pay for the index; beyond
    /// it, each write transaction also indexes 32 waiting rows. Waiting rows are still found by
    /// every search (scanned exactly), so a larger value trades search time during a burst for
    /// delivery throughput. Default 10,000; 0 indexes within write transactions as soon as 32
    /// rows wait.
    /// </summary>
    public int SearchIndexDeferLimit { get; set; } = 10_000;
}
