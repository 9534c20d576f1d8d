// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    private const string JournalColumns = "id, user_id, mailbox_id, modseq, command, uid, message_id, flags, keywords, path, created";

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadSinceAsync(UserId user, MailboxId mailbox, long sinceModSeq, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<JournalEntry>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + JournalColumns + " FROM journal WHERE mailbox_id = $m AND user_id = $u AND modseq > $since ORDER BY modseq, id");
                command.Parameters.AddWithValue("$m", Blob(mailbox));
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$since", sinceModSeq);
                return ReadJournal(command);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadUserAsync(UserId user, long afterId, int limit, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<JournalEntry>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + JournalColumns + " FROM journal WHERE user_id = $u AND id > $after ORDER BY id LIMIT $n");
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$after", afterId);
                command.Parameters.AddWithValue("$n", Math.Max(0, limit));
                return ReadJournal(command);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<long> GetLatestUserIdAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                // MAX on the journal_user_id index (user_id, id): one index seek.
                using var command = Command(c, t, "SELECT COALESCE(MAX(id), 0) FROM journal WHERE user_id = $u");
                command.Parameters.AddWithValue("$u", Blob(user));
                return (long)command.ExecuteScalar()!;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<long> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => (long)Execute(c, t, "DELETE FROM journal WHERE created < $t", ("$t", olderThan.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>The newest journal entry id, or 0.</summary>
    internal Task<long> GetLastJournalIdAsync(CancellationToken cancellationToken) =>
        _db.ReadAsync((c, t) => Count(c, t, "SELECT COALESCE(MAX(id), 0) FROM journal"), cancellationToken);

    /// <summary>Users with journal entries after <paramref name="afterId"/>, and the id read up to.</summary>
    internal Task<(IReadOnlyList<UserId> Users, long UpTo)> GetUsersChangedSinceAsync(long afterId, CancellationToken cancellationToken) =>
        _db.ReadAsync<(IReadOnlyList<UserId>, long)>(
            (c, t) =>
            {
                var upTo = Count(c, t, "SELECT COALESCE(MAX(id), 0) FROM journal");
                if (upTo <= afterId)
                {
                    return (Array.Empty<UserId>(), Math.Max(upTo, afterId));
                }

                using var command = Command(c, t, "SELECT DISTINCT user_id FROM journal WHERE id > $after AND id <= $upTo");
                command.Parameters.AddWithValue("$after", afterId);
                command.Parameters.AddWithValue("$upTo", upTo);
                using var reader = command.ExecuteReader();
                var users = new List<UserId>();
                while (reader.Read())
                {
                    users.Add(new UserId(ReadId(reader, 0)));
                }

                return (users, upTo);
            },
            cancellationToken);

    /// <summary>
    /// Deletes threads that no message belongs to any more and that were last used before
    /// <paramref name="updatedBefore"/> (WildDuck expires threads after 180 days); returns how many.
    /// </summary>
    public Task<long> PruneThreadsAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                const string Orphans = "SELECT id FROM threads WHERE updated < $t AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.user_id = threads.user_id AND m.thread_id = threads.id)";
                Execute(c, t, "DELETE FROM thread_refs WHERE thread_id IN (" + Orphans + ")", ("$t", updatedBefore.ToUnixTimeMilliseconds()));
                return (long)Execute(c, t, "DELETE FROM threads WHERE id IN (" + Orphans + ")", ("$t", updatedBefore.ToUnixTimeMilliseconds()));
            },
            cancellationToken);

    private static List<JournalEntry> ReadJournal(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<JournalEntry>();
        while (reader.Read())
        {
            list.Add(new JournalEntry
            {
                Id = reader.GetInt64(0),
                User = new UserId(ReadId(reader, 1)),
                Mailbox = new MailboxId(ReadId(reader, 2)),
                ModSeq = reader.GetInt64(3),
                Command = (JournalCommand)reader.GetInt64(4),
                Uid = (uint)reader.GetInt64(5),
                Message = reader.IsDBNull(6) ? null : new MessageId(ReadId(reader, 6)),
                Flags = (MessageFlags)reader.GetInt64(7),
                Keywords = SplitKeywords(reader.GetString(8)),
                Path = reader.IsDBNull(9) ? null : reader.GetString(9),
                Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            });
        }

        return list;
    }
}
