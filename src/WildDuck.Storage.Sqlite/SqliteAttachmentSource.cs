// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Reads attachment bytes with SQLite incremental blob I/O, so a partial FETCH of a large
/// attachment reads only the pages it needs.
/// </summary>
internal sealed class SqliteAttachmentSource : IAttachmentContentSource
{
    private readonly SqliteDatabase _db;

    public SqliteAttachmentSource(SqliteDatabase db) => _db = db;

    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);

        // One read transaction around the row lookup and the blob read: garbage collection cannot
        // delete the row (and a new attachment reuse its rowid) in between.
        var read = _db.Read((connection, transaction) =>
        {
            long rid;
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT rid FROM attachments WHERE hash = $h";
                command.Parameters.AddWithValue("$h", hash.ToByteArray());
                var value = command.ExecuteScalar();
                if (value is null)
                {
                    // A missing attachment is store damage (check reports it); never serve wrong bytes.
                    throw new StorageException(StorageError.NotFound, "Attachment " + hash + " is missing from the store.");
                }

                rid = (long)value;
            }

            using var blob = new SqliteBlob(connection, "attachments", "data", rid, readOnly: true);
            if (offset >= blob.Length)
            {
                return 0;
            }

            blob.Position = offset;
            var count = (int)Math.Min(destination.Length, blob.Length - offset);
            return blob.Read(destination.Span[..count]);
        });
        return ValueTask.FromResult(read);
    }
}
