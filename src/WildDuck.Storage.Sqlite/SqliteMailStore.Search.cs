// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Search;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<uint>> SearchAsync(UserId user, MailboxId mailbox, SearchKey query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _db.ReadAsync<IReadOnlyList<uint>>(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                using var command = Command(c, t, string.Empty);
                var condition = SqliteSearchTranslator.Translate(query, command, NowMs);
                command.CommandText = "SELECT m.uid FROM messages m JOIN message_text mt ON mt.rid = m.rid WHERE m.mailbox_rid = $mailbox AND (" + condition + ") ORDER BY m.uid";
                command.Parameters.AddWithValue("$mailbox", row.Rid);
                using var reader = command.ExecuteReader();
                var uids = new List<uint>();
                while (reader.Read())
                {
                    uids.Add((uint)reader.GetInt64(0));
                }

                return uids;
            },
            cancellationToken);
    }
}
