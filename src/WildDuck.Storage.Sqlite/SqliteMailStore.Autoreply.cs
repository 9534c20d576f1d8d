// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task<AutoreplySettings?> GetAutoreplyAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT enabled, name, subject, text, html, start, end FROM autoreplies WHERE user_id = $u");
                command.Parameters.AddWithValue("$u", Blob(user));
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                return new AutoreplySettings
                {
                    Enabled = reader.GetInt64(0) != 0,
                    Name = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Subject = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Text = reader.IsDBNull(3) ? null : reader.GetString(3),
                    Html = reader.IsDBNull(4) ? null : reader.GetString(4),
                    Start = reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                    End = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                };
            },
            cancellationToken);

    /// <inheritdoc />
    public Task SetAutoreplyAsync(UserId user, AutoreplySettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, user) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                Execute(
                    c,
                    t,
                    """
                    INSERT INTO autoreplies (user_id, enabled, name, subject, text, html, start, end, updated)
                    VALUES ($u, $enabled, $name, $subject, $text, $html, $start, $end, $now)
                    ON CONFLICT(user_id) DO UPDATE SET enabled = excluded.enabled, name = excluded.name,
                        subject = excluded.subject, text = excluded.text, html = excluded.html,
                        start = excluded.start, end = excluded.end, updated = excluded.updated
                    """,
                    ("$u", Blob(user)),
                    ("$enabled", settings.Enabled),
                    ("$name", settings.Name),
                    ("$subject", settings.Subject),
                    ("$text", settings.Text),
                    ("$html", settings.Html),
                    ("$start", settings.Start?.ToUnixTimeMilliseconds()),
                    ("$end", settings.End?.ToUnixTimeMilliseconds()),
                    ("$now", now));
                Execute(c, t, "DELETE FROM autoreply_senders WHERE user_id = $u", ("$u", Blob(user)));
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAutoreplyAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                Execute(c, t, "DELETE FROM autoreply_senders WHERE user_id = $u", ("$u", Blob(user)));
                return Execute(c, t, "DELETE FROM autoreplies WHERE user_id = $u", ("$u", Blob(user))) > 0;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryRecordAutoreplyAsync(UserId user, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sender);
        var key = sender.Trim().ToLowerInvariant();
        var nowMs = now.ToUnixTimeMilliseconds();
        var cutoff = (now - interval).ToUnixTimeMilliseconds();
        return _db.WriteAsync(
            (c, t) =>
            {
                // Like WildDuck's ZREMRANGEBYSCORE + ZADD NX on war:<id>, in one transaction.
                Execute(c, t, "DELETE FROM autoreply_senders WHERE user_id = $u AND replied <= $cutoff", ("$u", Blob(user)), ("$cutoff", cutoff));
                return Execute(
                    c,
                    t,
                    "INSERT INTO autoreply_senders (user_id, sender, replied) SELECT $u, $s, $now WHERE EXISTS (SELECT 1 FROM users WHERE id = $u) ON CONFLICT DO NOTHING",
                    ("$u", Blob(user)),
                    ("$s", key),
                    ("$now", nowMs)) > 0;
            },
            cancellationToken);
    }
}
