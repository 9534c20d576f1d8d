// SPDX-License-Identifier: MIT
using System;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// One use of a prepared statement: bind, step, read columns without copying them into new
/// arrays (<see cref="Blob"/> is a view valid until the next step), then dispose to reset it.
/// </summary>
internal readonly struct SqliteRawStatement : IDisposable
{
    private readonly sqlite3_stmt _statement;
    private readonly sqlite3 _db;
    private readonly bool _finalizeAfterUse;

    public SqliteRawStatement(sqlite3_stmt statement, sqlite3 db, bool finalizeAfterUse)
    {
        _statement = statement;
        _db = db;
        _finalizeAfterUse = finalizeAfterUse;
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_statement, index, blob));

    public void Bind(int index, EntityId id)
    {
        Span<byte> bytes = stackalloc byte[12];
        id.WriteBytes(bytes);
        Bind(index, bytes);
    }

    /// <summary>Advances to the next row; false when there is none.</summary>
    public bool Step()
    {
        int rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>The column's bytes (a TEXT column's UTF-8), valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    public string String(int column) => Encoding.UTF8.GetString(Blob(column));

    public string? NullableString(int column) => IsNull(column) ? null : String(column);

    public byte[]? NullableBytes(int column) => IsNull(column) ? null : Blob(column).ToArray();

    public EntityId Id(int column) => EntityId.FromBytes(Blob(column));

    /// <summary>Resets the statement (ending its implicit read transaction) and clears its bindings.</summary>
    public void Dispose()
    {
        if (_finalizeAfterUse)
        {
            raw.sqlite3_finalize(_statement);
            return;
        }

        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
