// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        _attachmentSource.ReadAsync(hash, offset, destination, cancellationToken);

    /// <inheritdoc />
    public Task<AttachmentStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE(SUM(size * refcount), 0), COALESCE(SUM(refcount = 0), 0) FROM attachments");
                using var reader = command.ExecuteReader();
                reader.Read();
                return new AttachmentStatistics(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<long> CollectGarbageAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        var cutoff = _time.GetUtcNow().Subtract(minimumAge).ToUnixTimeMilliseconds();
        // Reference counts change in the same transaction as the messages, so refcount = 0 is
        // exact; the grace period only spares entries touched moments ago.
        return _db.WriteAsync((c, t) => (long)Execute(c, t, "DELETE FROM attachments WHERE refcount <= 0 AND updated <= $cutoff", ("$cutoff", cutoff)), cancellationToken);
    }
}
