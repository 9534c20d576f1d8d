// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// A read connection kept by <see cref="SqliteDatabase"/> for the hot read paths (message content,
/// attachment bytes), with its prepared statements. Those paths step SQLite statements directly
/// (SQLitePCL <c>raw</c>): Microsoft.Data.Sqlite copies every blob column into a new array, and a
/// connection, command, parameters and reader per read cost several KB per message
/// (docs/benchmarks.md). Used by one thread at a time; holds no transaction while idle (every
/// statement is reset after use), so it never pins the WAL.
/// </summary>
internal sealed class SqliteReadConnection : IDisposable
{
    // Bounds the statements kept; the hot paths use a handful of fixed SQL texts.
    private const int MaxStatements = 32;
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, sqlite3_stmt> _statements = new(StringComparer.Ordinal);

    public SqliteReadConnection(SqliteConnection connection) => _connection = connection;

    public sqlite3 Handle => _connection.Handle!;

    /// <summary>True when no transaction is open on the connection (SQLite's autocommit mode).</summary>
    public bool IsIdle => raw.sqlite3_get_autocommit(Handle) != 0;

    /// <summary>The prepared statement for <paramref name="sql"/>, reset and unbound when the returned scope ends.</summary>
    public SqliteRawStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(Handle, sql, out statement), Handle);
            if (_statements.Count < MaxStatements)
            {
                _statements.Add(sql, statement);
            }
            else
            {
                return new SqliteRawStatement(statement, Handle, finalizeAfterUse: true);
            }
        }

        return new SqliteRawStatement(statement, Handle, finalizeAfterUse: false);
    }

    /// <summary>True when the database file this connection has open is no longer the one at its path.</summary>
    public bool FileHasMoved() => SqliteNativeMethods.HasMoved(Handle);

    /// <summary>Finalizes the kept statements, ends a transaction left open, and closes the connection.</summary>
    public void Dispose() => Dispose(closeHandle: false);

    /// <summary>As <see cref="Dispose()"/>; <paramref name="closeHandle"/> closes the SQLite handle instead of pooling it.</summary>
    public void Dispose(bool closeHandle)
    {
        foreach (var statement in _statements.Values)
        {
            raw.sqlite3_finalize(statement);
        }

        _statements.Clear();
        if (_connection.Handle is { } handle && raw.sqlite3_get_autocommit(handle) == 0)
        {
            // Only after a failure half-way: the pooled handle must not carry a transaction.
            raw.sqlite3_exec(handle, "ROLLBACK");
        }

        if (closeHandle)
        {
            SqliteConnection.ClearPool(_connection);
        }

        _connection.Dispose();
    }
}
