// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task<StorageRecount?> RecalculateStorageAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, user) is not { } owner)
                {
                    return null;
                }

                long actual;
                using (var sum = Command(c, t, "SELECT COALESCE(SUM(size), 0) FROM messages WHERE user_id = $u"))
                {
                    sum.Parameters.AddWithValue("$u", Blob(user));
                    actual = (long)sum.ExecuteScalar()!;
                }

                Execute(c, t, "UPDATE users SET storage_used = $s WHERE id = $u", ("$s", actual), ("$u", Blob(user)));
                return new StorageRecount(owner.StorageUsed, actual);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<ConsistencyReport> CheckAsync(CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                var problems = new List<ConsistencyProblem>();

                // Attachment reference counts against the message → attachment relation.
                Collect(c, t, problems, "refcount", "SELECT hex(a.hash), a.refcount, (SELECT COUNT(*) FROM message_attachments ma WHERE ma.hash = a.hash) AS actual FROM attachments a WHERE a.refcount <> actual", r =>
                    $"attachment {r.GetString(0)} has refcount {r.GetInt64(1)} but {r.GetInt64(2)} references");
                Collect(c, t, problems, "refcount", "SELECT hex(ma.hash), ma.message_rid FROM message_attachments ma LEFT JOIN attachments a ON a.hash = ma.hash WHERE a.rid IS NULL", r =>
                    $"message {r.GetInt64(1)} references missing attachment {r.GetString(0)}");
                Collect(c, t, problems, "orphan", "SELECT ma.message_rid FROM message_attachments ma LEFT JOIN messages m ON m.rid = ma.message_rid WHERE m.rid IS NULL", r =>
                    $"attachment reference from missing message {r.GetInt64(0)}");

                // Mailbox counters against the messages.
                Collect(
                    c,
                    t,
                    problems,
                    "counter",
                    """
                    SELECT b.path, b.message_count, b.unseen_count, b.total_size, COUNT(m.rid), COALESCE(SUM((m.flags & 1) = 0), 0), COALESCE(SUM(m.size), 0)
                    FROM mailboxes b LEFT JOIN messages m ON m.mailbox_rid = b.rid
                    GROUP BY b.rid
                    HAVING b.message_count <> COUNT(m.rid) OR b.unseen_count <> COALESCE(SUM((m.flags & 1) = 0), 0) OR b.total_size <> COALESCE(SUM(m.size), 0)
                    """,
                    r => $"mailbox '{r.GetString(0)}' counters (messages {r.GetInt64(1)}, unseen {r.GetInt64(2)}, size {r.GetInt64(3)}) differ from its messages ({r.GetInt64(4)}, {r.GetInt64(5)}, {r.GetInt64(6)})");

                // Quota usage against the messages.
                Collect(c, t, problems, "quota", "SELECT u.username, u.storage_used, COALESCE((SELECT SUM(size) FROM messages m WHERE m.user_id = u.id), 0) AS actual FROM users u WHERE u.storage_used <> actual", r =>
                    $"user '{r.GetString(0)}' storage_used {r.GetInt64(1)} differs from stored messages {r.GetInt64(2)}");

                // UIDs and MODSEQs within the mailbox's counters; no duplicate UIDs.
                Collect(c, t, problems, "uid", "SELECT b.path, m.uid, b.uid_next FROM messages m JOIN mailboxes b ON b.rid = m.mailbox_rid WHERE m.uid >= b.uid_next OR m.uid < 1", r =>
                    $"mailbox '{r.GetString(0)}' has UID {r.GetInt64(1)} not below UIDNEXT {r.GetInt64(2)}");
                Collect(c, t, problems, "modseq", "SELECT b.path, m.uid, m.modseq, b.modseq FROM messages m JOIN mailboxes b ON b.rid = m.mailbox_rid WHERE m.modseq > b.modseq", r =>
                    $"mailbox '{r.GetString(0)}' message {r.GetInt64(1)} has MODSEQ {r.GetInt64(2)} above HIGHESTMODSEQ {r.GetInt64(3)}");
                Collect(c, t, problems, "uid", "SELECT mailbox_rid, uid, COUNT(*) FROM messages GROUP BY mailbox_rid, uid HAVING COUNT(*) > 1", r =>
                    $"mailbox {r.GetInt64(0)} has UID {r.GetInt64(1)} {r.GetInt64(2)} times");
                Collect(c, t, problems, "orphan", "SELECT m.rid FROM messages m LEFT JOIN mailboxes b ON b.rid = m.mailbox_rid WHERE b.rid IS NULL", r =>
                    $"message {r.GetInt64(0)} belongs to no mailbox");
                Collect(c, t, problems, "search", "SELECT m.rid FROM messages m LEFT JOIN message_text mt ON mt.rid = m.rid WHERE mt.rid IS NULL", r =>
                    $"message {r.GetInt64(0)} has no search text");

                // Every message's layout must add up to its size, and name only attachments it references.
                long messages = 0;
                using (var layouts = Command(c, t, "SELECT rid, size, layout, length(inline_content) FROM messages"))
                using (var refs = Command(c, t, "SELECT 1 FROM message_attachments WHERE message_rid = $r AND hash = $h"))
                {
                    var pr = refs.Parameters.Add("$r", SqliteType.Integer);
                    var ph = refs.Parameters.Add("$h", SqliteType.Blob);
                    using var reader = layouts.ExecuteReader();
                    while (reader.Read())
                    {
                        messages++;
                        var rid = reader.GetInt64(0);
                        MessageLayout layout;
                        try
                        {
                            layout = MessageLayoutSerializer.Deserialize(reader.GetFieldValue<byte[]>(2));
                        }
                        catch (System.IO.InvalidDataException ex)
                        {
                            problems.Add(new ConsistencyProblem("layout", $"message {rid} has an unreadable layout: {ex.Message}"));
                            continue;
                        }

                        long total = 0;
                        long inline = 0;
                        foreach (var segment in layout.Segments)
                        {
                            total += segment.Length;
                            if (segment.IsExternal)
                            {
                                pr.Value = rid;
                                ph.Value = segment.Hash.ToByteArray();
                                if (refs.ExecuteScalar() is null)
                                {
                                    problems.Add(new ConsistencyProblem("refcount", $"message {rid} uses attachment {segment.Hash} without a reference"));
                                }
                            }
                            else
                            {
                                inline += segment.Length;
                            }
                        }

                        if (total != reader.GetInt64(1) || layout.Size != total || inline != reader.GetInt64(3))
                        {
                            problems.Add(new ConsistencyProblem("layout", $"message {rid} layout covers {total} bytes ({inline} inline) but its size is {reader.GetInt64(1)}"));
                        }
                    }
                }

                return new ConsistencyReport(
                    problems,
                    Count(c, t, "SELECT COUNT(*) FROM users"),
                    Count(c, t, "SELECT COUNT(*) FROM mailboxes"),
                    messages,
                    Count(c, t, "SELECT COUNT(*) FROM attachments"));
            },
            cancellationToken);

    private static long Count(SqliteConnection c, SqliteTransaction t, string sql)
    {
        using var command = Command(c, t, sql);
        return (long)command.ExecuteScalar()!;
    }

    private static void Collect(SqliteConnection c, SqliteTransaction t, List<ConsistencyProblem> problems, string kind, string sql, System.Func<SqliteDataReader, string> describe)
    {
        using var command = Command(c, t, sql);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            problems.Add(new ConsistencyProblem(kind, describe(reader)));
        }
    }
}
