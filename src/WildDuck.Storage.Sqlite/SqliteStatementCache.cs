// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Prepared statements kept on the writer connection. Microsoft.Data.Sqlite prepares a command's
/// SQL when it first runs and finalizes it when the command is disposed, so a new command per
/// statement parses and plans the same SQL for every message. The writer connection lives as long
/// as the database (SqliteDatabase keeps it), and only one batch uses it at a time, so its commands
/// can be kept and rented out by SQL text: disposing a rented command returns it here.
/// </summary>
internal sealed class SqliteStatementCache : IDisposable
{
    // Bounds the statements kept; the store's fixed SQL texts are far fewer.
    private const int MaxStatements = 256;
    private static readonly ConditionalWeakTable<SqliteConnection, SqliteStatementCache> s_caches = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, CachedCommand> _commands = new(StringComparer.Ordinal);

    private SqliteStatementCache(SqliteConnection connection) => _connection = connection;

    /// <summary>Keeps the statements of <paramref name="connection"/>, which must be used by one thread at a time.</summary>
    public static SqliteStatementCache Attach(SqliteConnection connection)
    {
        var cache = new SqliteStatementCache(connection);
        s_caches.AddOrUpdate(connection, cache);
        return cache;
    }

    /// <summary>
    /// A kept command for <paramref name="sql"/> on <paramref name="connection"/>, or false when the
    /// connection keeps none (readers) or that command is in use (a nested use of the same SQL).
    /// </summary>
    public static bool TryRent(SqliteConnection connection, SqliteTransaction transaction, string sql, out SqliteCommand command)
    {
        command = null!;
        if (!s_caches.TryGetValue(connection, out var cache))
        {
            return false;
        }

        if (!cache._commands.TryGetValue(sql, out var cached))
        {
            if (cache._commands.Count >= MaxStatements)
            {
                return false;
            }

            cached = new CachedCommand(cache, sql) { Connection = connection, CommandText = sql };
            cache._commands.Add(sql, cached);
        }
        else if (cached.Rented)
        {
            return false;
        }

        cached.Rented = true;
        cached.Transaction = transaction;
        command = cached;
        return true;
    }

    /// <summary>Finalizes every kept statement; called before the connection is closed.</summary>
    public void Dispose()
    {
        s_caches.Remove(_connection);
        foreach (var command in _commands.Values)
        {
            command.Release();
        }

        _commands.Clear();
    }

    private void Forget(CachedCommand command) => _commands.Remove(command.Sql);

    private sealed class CachedCommand(SqliteStatementCache owner, string sql) : SqliteCommand
    {
        private bool _released;

        public string Sql { get; } = sql;

        public bool Rented { get; set; }

        public void Release()
        {
            _released = true;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_released)
            {
                if (string.Equals(CommandText, Sql, StringComparison.Ordinal))
                {
                    // Back to the cache: the prepared statements stay, the values go.
                    Parameters.Clear();
                    Transaction = null;
                    Rented = false;
                    return;
                }

                // The user changed the SQL: this command no longer matches its key.
                _released = true;
                owner.Forget(this);
            }

            base.Dispose(disposing);
        }
    }
}
