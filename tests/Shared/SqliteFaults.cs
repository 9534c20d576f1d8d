// SPDX-License-Identifier: MIT
using System.IO;
using Microsoft.Data.Sqlite;

namespace WildDuck.Testing;

/// <summary>
/// Real SQLite faults for tests (linked into the protocol test projects, with or without global usings, hence no <c>using System</c>): another connection
/// holding the write lock, and the database file swapped for one that is not a database.
/// </summary>
internal static class SqliteFaults
{
    /// <summary>
    /// Holds SQLite's write lock (<c>BEGIN IMMEDIATE</c>) from another connection until disposed:
    /// the store's writers wait out their busy timeout and fail; readers go on (WAL).
    /// </summary>
    public static System.IDisposable HoldWriteLock(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        var transaction = connection.BeginTransaction(deferred: false);
        return new Release(() =>
        {
            transaction.Rollback();
            transaction.Dispose();
            connection.Dispose();
        });
    }

    /// <summary>
    /// Moves the database's files aside and puts bytes that are not a database in their place,
    /// until disposed: every connection opened meanwhile fails with SQLITE_NOTADB. Connections
    /// already open keep the real files (on Linux an open file survives a rename), so the store's
    /// writer connection is unaffected; idle pooled readers are closed first and again after.
    /// </summary>
    public static System.IDisposable ReplaceWithGarbage(string databasePath)
    {
        var aside = databasePath + ".aside";
        string[] suffixes = ["", "-wal", "-shm"];
        SqliteConnection.ClearAllPools();
        foreach (var suffix in suffixes)
        {
            if (File.Exists(databasePath + suffix))
            {
                File.Move(databasePath + suffix, aside + suffix);
            }
        }

        var garbage = new byte[8192];
        new System.Random(5).NextBytes(garbage);
        File.WriteAllBytes(databasePath, garbage);
        return new Release(() =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in suffixes)
            {
                // One rename over whatever is at the path: a store retrying meanwhile may have
                // created a new empty file there between a delete and a move.
                if (File.Exists(aside + suffix))
                {
                    File.Move(aside + suffix, databasePath + suffix, overwrite: true);
                }
                else
                {
                    File.Delete(databasePath + suffix);
                }
            }
        });
    }

    private sealed class Release(System.Action release) : System.IDisposable
    {
        private System.Action? _release = release;

        public void Dispose()
        {
            _release?.Invoke();
            _release = null;
        }
    }
}
