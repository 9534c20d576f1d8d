// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Reads attachment bytes with SQLite incremental blob I/O, so a partial FETCH of a large
/// attachment reads only the pages it needs. Reads run on the database's kept read connections
/// with a prepared lookup, straight into the caller's buffer: no connection is opened and nothing
/// but the blob handle is allocated per read.
/// </summary>
internal sealed class SqliteAttachmentSource : IAttachmentContentSource
{
    private const string LookupSql = "SELECT rid FROM attachments WHERE hash = ?1";
    private readonly SqliteDatabase _db;

    public SqliteAttachmentSource(SqliteDatabase db) => _db = db;

    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var read = _db.ReadRaw((Hash: hash, Offset: offset, Destination: destination), static (reader, s) => Read(reader, s.Hash, s.Offset, s.Destination.Span));
        return ValueTask.FromResult(read);
    }

    private static int Read(SqliteReadConnection reader, ContentHash hash, long offset, Span<byte> destination)
    {
        // The lookup statement stays on its row until the blob is read: its read transaction spans
        // both, so garbage collection cannot delete the row (and a new attachment reuse its rowid)
        // in between.
        using var lookup = reader.Statement(LookupSql);
        Span<byte> key = stackalloc byte[32];
        hash.WriteBytes(key);
        lookup.Bind(1, key);
        if (!lookup.Step())
        {
            // A missing attachment is store damage (check reports it); never serve wrong bytes.
            throw new StorageException(StorageError.NotFound, "Attachment " + hash + " is missing from the store.");
        }

        var rid = lookup.Int64(0);
        SqliteException.ThrowExceptionForRC(
            raw.sqlite3_blob_open(reader.Handle, utf8z.FromSpan("main\0"u8), utf8z.FromSpan("attachments\0"u8), utf8z.FromSpan("data\0"u8), rid, 0, out var blob),
            reader.Handle);
        using (blob)
        {
            long length = raw.sqlite3_blob_bytes(blob);
            if (offset >= length)
            {
                return 0;
            }

            var count = (int)Math.Min(destination.Length, length - offset);
            SqliteException.ThrowExceptionForRC(raw.sqlite3_blob_read(blob, destination[..count], (int)offset), reader.Handle);
            return count;
        }
    }
}
