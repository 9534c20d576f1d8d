// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    private const string MailboxColumns =
        "rid, id, user_id, path, special_use, uid_validity, uid_next, modseq, subscribed, retention_ms, hidden, keywords, message_count, unseen_count, total_size, encrypt_messages";

    /// <inheritdoc />
    public Task<IReadOnlyList<MailboxRecord>> ListMailboxesAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<MailboxRecord>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + MailboxColumns + " FROM mailboxes WHERE user_id = $u ORDER BY path");
                command.Parameters.AddWithValue("$u", Blob(user));
                using var reader = command.ExecuteReader();
                var list = new List<MailboxRecord>();
                while (reader.Read())
                {
                    list.Add(ReadMailbox(reader).Record);
                }

                return list;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<MailboxRecord?> GetMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default) =>
        _db.ReadAsync((c, t) => FindMailboxRow(c, t, user, mailbox)?.Record, cancellationToken);

    /// <inheritdoc />
    public Task<MailboxRecord?> FindMailboxAsync(UserId user, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = StoreRules.NormalizeMailboxPath(path);
        return _db.ReadAsync((c, t) => FindMailboxRowByPath(c, t, user, normalized)?.Record, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MailboxRecord?> FindSpecialUseAsync(UserId user, SpecialUse specialUse, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + MailboxColumns + " FROM mailboxes WHERE user_id = $u AND special_use = $s ORDER BY rid LIMIT 1");
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$s", (int)specialUse);
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadMailbox(reader).Record : null;
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<MailboxRecord> CreateMailboxAsync(UserId user, string path, CreateMailboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = StoreRules.ValidateMailboxPath(path, _options.Users);
        var record = await _db.WriteAsync(
            (c, t) =>
            {
                var owner = ReadUser(c, t, user) ?? throw new StorageException(StorageError.NotFound, "No such user.");
                EnsureMailboxLimit(c, t, user);

                var effective = options ?? new CreateMailboxOptions();
                if (effective.Retention is null && owner.Retention is not null)
                {
                    effective = effective with { Retention = owner.Retention };
                }

                return InsertMailbox(c, t, user, normalized, effective, journal: true);
            },
            cancellationToken).ConfigureAwait(false);
        await NotifyAsync(user).ConfigureAwait(false);
        StoreEvents.MailboxCreated(_events, record);
        return record;
    }

    /// <inheritdoc />
    public async Task<MailboxRecord> RenameMailboxAsync(UserId user, MailboxId mailbox, string newPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newPath);
        var target = StoreRules.ValidateMailboxPath(newPath, _options.Users);
        string? previousPath = null;
        var result = await _db.WriteAsync(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                previousPath = row.Record.Path;
                if (string.Equals(target, "INBOX", StringComparison.Ordinal) || FindMailboxRowByPath(c, t, user, target) is not null)
                {
                    throw new StorageException(StorageError.AlreadyExists, "Target mailbox already exists.");
                }

                if (string.Equals(row.Record.Path, "INBOX", StringComparison.Ordinal))
                {
                    // RFC 3501 §6.3.5: renaming INBOX moves all its messages to a new mailbox with
                    // the given name and leaves INBOX in place, empty. That creates a mailbox, so
                    // the per-user mailbox limit applies as it does to CREATE.
                    EnsureMailboxLimit(c, t, user);
                    var owner = ReadUser(c, t, user)!;
                    var created = InsertMailbox(c, t, user, target, new CreateMailboxOptions { Retention = owner.Retention }, journal: true);
                    var createdRow = FindMailboxRow(c, t, user, created.Id)!;
                    MoveAll(c, t, row, createdRow);
                    return FindMailboxRow(c, t, user, created.Id)!.Record;
                }

                var oldPath = row.Record.Path;
                if (target.StartsWith(oldPath + "/", StringComparison.Ordinal))
                {
                    throw new StorageException(StorageError.Cannot, "A mailbox cannot be moved into itself.");
                }

                // The mailbox and every mailbox below it (RFC 3501 §6.3.5: inferior names change too).
                var renames = new List<(MailboxRow Row, string NewPath)> { (row, target) };
                // length() counts characters the way substr() does; a C# Length counts UTF-16 code
                // units, which differs for paths with characters outside the BMP (e.g. emoji).
                using (var children = Command(c, t, "SELECT " + MailboxColumns + " FROM mailboxes WHERE user_id = $u AND substr(path, 1, length($prefix)) = $prefix"))
                {
                    children.Parameters.AddWithValue("$u", Blob(user));
                    children.Parameters.AddWithValue("$prefix", oldPath + "/");
                    using var reader = children.ExecuteReader();
                    while (reader.Read())
                    {
                        var child = ReadMailbox(reader);
                        renames.Add((child, target + child.Record.Path[oldPath.Length..]));
                    }
                }

                foreach (var (r, p) in renames)
                {
                    if (r.Rid != row.Rid && FindMailboxRowByPath(c, t, user, p) is not null)
                    {
                        throw new StorageException(StorageError.AlreadyExists, "A mailbox below the target already exists.");
                    }
                }

                // Two passes through temporary names keep the UNIQUE(user, path) index happy when
                // renamed paths overlap with each other.
                foreach (var (r, _) in renames)
                {
                    Execute(c, t, "UPDATE mailboxes SET path = $p WHERE rid = $r", ("$p", "\u0001rename\u0001" + r.Rid.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$r", r.Rid));
                }

                foreach (var (r, p) in renames)
                {
                    var modseq = BumpModSeq(c, t, r.Rid);
                    Execute(c, t, "UPDATE mailboxes SET path = $p WHERE rid = $r", ("$p", p), ("$r", r.Rid));
                    if (TakeOrphanSubscription(c, t, user, p))
                    {
                        Execute(c, t, "UPDATE mailboxes SET subscribed = 1 WHERE rid = $r", ("$r", r.Rid));
                    }

                    InsertJournal(c, t, user, r.Record.Id, modseq, JournalCommand.Rename, 0, null, MessageFlags.None, string.Empty, p);
                }

                return FindMailboxRow(c, t, user, mailbox)!.Record;
            },
            cancellationToken).ConfigureAwait(false);
        await NotifyAsync(user).ConfigureAwait(false);
        StoreEvents.MailboxRenamed(_events, result, previousPath);
        return result;
    }

    /// <inheritdoc />
    public async Task DeleteMailboxAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default)
    {
        string? path = null;
        await _db.WriteAsync(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox) ?? throw new StorageException(StorageError.NotFound, "No such mailbox.");
                if (string.Equals(row.Record.Path, "INBOX", StringComparison.Ordinal))
                {
                    throw new StorageException(StorageError.Cannot, "INBOX cannot be deleted.");
                }

                path = row.Record.Path;
                var released = DeleteAllMessagesOfMailbox(c, t, row.Rid);
                Execute(c, t, "UPDATE users SET storage_used = storage_used - $s WHERE id = $u", ("$s", released), ("$u", Blob(user)));
                Execute(c, t, "DELETE FROM mailboxes WHERE rid = $r", ("$r", row.Rid));
                if (row.Record.Subscribed)
                {
                    // RFC 3501 §6.3.6: the name stays subscribed after its mailbox is gone.
                    Execute(c, t, "INSERT OR IGNORE INTO orphan_subscriptions (user_id, path) VALUES ($u, $p)", ("$u", Blob(user)), ("$p", row.Record.Path));
                }

                InsertJournal(c, t, user, row.Record.Id, row.Record.HighestModSeq + 1, JournalCommand.Delete, 0, null, MessageFlags.None, string.Empty, row.Record.Path);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        await NotifyAsync(user).ConfigureAwait(false);
        StoreEvents.MailboxDeleted(_events, user, mailbox, path);
    }

    /// <inheritdoc />
    public Task SetEncryptMessagesAsync(UserId user, MailboxId mailbox, bool encrypt, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(c, t, "UPDATE mailboxes SET encrypt_messages = $e WHERE id = $id AND user_id = $u", ("$e", encrypt), ("$id", Blob(mailbox)), ("$u", Blob(user))) == 0
                ? throw new StorageException(StorageError.NotFound, "No such mailbox.")
                : 0,
            cancellationToken);

    /// <inheritdoc />
    public Task SetSubscribedAsync(UserId user, MailboxId mailbox, bool subscribed, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                var changed = Execute(c, t, "UPDATE mailboxes SET subscribed = $s WHERE id = $id AND user_id = $u", ("$s", subscribed), ("$id", Blob(mailbox)), ("$u", Blob(user)));
                if (changed == 0)
                {
                    throw new StorageException(StorageError.NotFound, "No such mailbox.");
                }

                return 0;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListOrphanSubscriptionsAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<string>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT path FROM orphan_subscriptions WHERE user_id = $u ORDER BY path");
                command.Parameters.AddWithValue("$u", Blob(user));
                using var reader = command.ExecuteReader();
                var paths = new List<string>();
                while (reader.Read())
                {
                    paths.Add(reader.GetString(0));
                }

                return paths;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveOrphanSubscriptionAsync(UserId user, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = StoreRules.NormalizeMailboxPath(path);
        return _db.WriteAsync((c, t) => TakeOrphanSubscription(c, t, user, normalized), cancellationToken);
    }

    /// <summary>Removes the orphan subscription to <paramref name="path"/>; true when there was one.</summary>
    private static bool TakeOrphanSubscription(SqliteConnection c, SqliteTransaction t, UserId user, string path) =>
        Execute(c, t, "DELETE FROM orphan_subscriptions WHERE user_id = $u AND path = $p", ("$u", Blob(user)), ("$p", path)) > 0;

    /// <inheritdoc />
    public Task<MailboxSnapshot?> OpenAsync(UserId user, MailboxId mailbox, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                var row = FindMailboxRow(c, t, user, mailbox);
                if (row is null)
                {
                    return null;
                }

                // Runs of consecutive UIDs, built while reading: no per-message array.
                var runs = new List<UidRange>();
                uint runStart = 0, runEnd = 0;
                uint firstUnseen = 0;
                using (var command = Command(c, t, "SELECT uid, flags FROM messages WHERE mailbox_rid = $m ORDER BY uid"))
                {
                    command.Parameters.AddWithValue("$m", row.Rid);
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        var uid = (uint)reader.GetInt64(0);
                        if (runStart != 0 && uid == runEnd + 1)
                        {
                            runEnd = uid;
                        }
                        else
                        {
                            if (runStart != 0)
                            {
                                runs.Add(new UidRange(runStart, runEnd));
                            }

                            runStart = runEnd = uid;
                        }

                        if (firstUnseen == 0 && (reader.GetInt64(1) & (long)MessageFlags.Seen) == 0)
                        {
                            firstUnseen = uid;
                        }
                    }
                }

                if (runStart != 0)
                {
                    runs.Add(new UidRange(runStart, runEnd));
                }

                return new MailboxSnapshot { Mailbox = row.Record, UidSet = UidSet.FromRanges(runs), FirstUnseenUid = firstUnseen };
            },
            cancellationToken);

    private MailboxRecord InsertMailbox(SqliteConnection c, SqliteTransaction t, UserId user, string path, CreateMailboxOptions options, bool journal)
    {
        if (FindMailboxRowByPath(c, t, user, path) is not null)
        {
            throw new StorageException(StorageError.AlreadyExists, "Mailbox already exists.");
        }

        // UIDVALIDITY: the creation time in seconds (as WildDuck), but strictly increasing per
        // user, so a mailbox deleted and re-created within one second never reuses a value
        // (RFC 3501 §2.3.1.1: UIDs must not be reused with the same UIDVALIDITY).
        long last;
        using (var read = Command(c, t, "SELECT last_uid_validity FROM users WHERE id = $u"))
        {
            read.Parameters.AddWithValue("$u", Blob(user));
            last = (long)(read.ExecuteScalar() ?? 0L);
        }

        var uidValidity = Math.Max(_time.GetUtcNow().ToUnixTimeSeconds(), last + 1);
        if (uidValidity > uint.MaxValue)
        {
            uidValidity = last + 1;
        }

        Execute(c, t, "UPDATE users SET last_uid_validity = $v WHERE id = $u", ("$v", uidValidity), ("$u", Blob(user)));
        if (TakeOrphanSubscription(c, t, user, path))
        {
            options = options with { Subscribed = true };
        }

        var id = MailboxId.NewId(_time);
        Execute(
            c,
            t,
            "INSERT INTO mailboxes (id, user_id, path, special_use, uid_validity, uid_next, modseq, subscribed, retention_ms, hidden, encrypt_messages) VALUES ($id, $u, $p, $s, $v, 1, 1, $sub, $ret, $h, $enc)",
            ("$id", Blob(id)),
            ("$u", Blob(user)),
            ("$p", path),
            ("$s", (int)options.SpecialUse),
            ("$v", uidValidity),
            ("$sub", options.Subscribed),
            ("$ret", options.Retention is { } r && r > TimeSpan.Zero ? (long)r.TotalMilliseconds : null),
            ("$h", options.Hidden),
            ("$enc", options.EncryptMessages));
        if (journal)
        {
            InsertJournal(c, t, user, id, 1, JournalCommand.Create, 0, null, MessageFlags.None, string.Empty, path);
        }

        return new MailboxRecord
        {
            Id = id,
            User = user,
            Path = path,
            SpecialUse = options.SpecialUse,
            UidValidity = (uint)uidValidity,
            UidNext = 1,
            // RFC 7162 §7: mod-sequence values are positive; a new mailbox starts at 1 so its
            // first HIGHESTMODSEQ is valid and every later change is above it.
            HighestModSeq = 1,
            Subscribed = options.Subscribed,
            Retention = options.Retention,
            Hidden = options.Hidden,
            EncryptMessages = options.EncryptMessages,
        };
    }

    private void EnsureMailboxLimit(SqliteConnection c, SqliteTransaction t, UserId user)
    {
        using var count = Command(c, t, "SELECT COUNT(*) FROM mailboxes WHERE user_id = $u");
        count.Parameters.AddWithValue("$u", Blob(user));
        if ((long)count.ExecuteScalar()! >= _options.Users.MaxMailboxes)
        {
            throw new StorageException(StorageError.Limit, "Too many mailboxes.");
        }
    }

    private static long BumpModSeq(SqliteConnection c, SqliteTransaction t, long mailboxRid)
    {
        using var command = Command(c, t, "UPDATE mailboxes SET modseq = modseq + 1 WHERE rid = $r RETURNING modseq");
        command.Parameters.AddWithValue("$r", mailboxRid);
        return (long)command.ExecuteScalar()!;
    }

    private static MailboxRow? FindMailboxRow(SqliteConnection c, SqliteTransaction t, UserId user, MailboxId mailbox)
    {
        using var command = Command(c, t, "SELECT " + MailboxColumns + " FROM mailboxes WHERE id = $id AND user_id = $u");
        command.Parameters.AddWithValue("$id", Blob(mailbox));
        command.Parameters.AddWithValue("$u", Blob(user));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadMailbox(reader) : null;
    }

    private static MailboxRow? FindMailboxRowByPath(SqliteConnection c, SqliteTransaction t, UserId user, string path)
    {
        using var command = Command(c, t, "SELECT " + MailboxColumns + " FROM mailboxes WHERE user_id = $u AND path = $p");
        command.Parameters.AddWithValue("$u", Blob(user));
        command.Parameters.AddWithValue("$p", path);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadMailbox(reader) : null;
    }

    private static MailboxRow ReadMailbox(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        new MailboxRecord
        {
            Id = new MailboxId(ReadId(reader, 1)),
            User = new UserId(ReadId(reader, 2)),
            Path = reader.GetString(3),
            SpecialUse = (SpecialUse)reader.GetInt64(4),
            UidValidity = (uint)reader.GetInt64(5),
            UidNext = (uint)reader.GetInt64(6),
            HighestModSeq = reader.GetInt64(7),
            Subscribed = reader.GetInt64(8) != 0,
            Retention = reader.IsDBNull(9) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(9)),
            Hidden = reader.GetInt64(10) != 0,
            Keywords = SplitKeywords(reader.GetString(11)),
            MessageCount = reader.GetInt64(12),
            UnseenCount = reader.GetInt64(13),
            TotalSize = reader.GetInt64(14),
            EncryptMessages = reader.GetInt64(15) != 0,
        });

    private sealed record MailboxRow(long Rid, MailboxRecord Record);
}
