// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>Application-specific passwords (table <c>asps</c>) and the authentication log (table <c>authlog</c>).</summary>
public sealed partial class SqliteMailStore
{
    private const string AspColumns = "id, user_id, description, scopes, password_hash, selector, created, last_use, last_ip, ttl_ms, expires";

    private const string AuthEventColumns =
        "id, user_id, action, result, reason, protocol, session, ip, required_scope, source, asp_id, asp_name, events, created, last, expires";

    /// <inheritdoc />
    public Task CreateAspAsync(AspRecord asp, int limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        StoreRules.ValidateAsp(asp);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, asp.User) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                var nowMs = now.ToUnixTimeMilliseconds();
                Execute(c, t, "DELETE FROM asps WHERE user_id = $u AND expires <= $now", ("$u", Blob(asp.User)), ("$now", nowMs));
                using (var count = Command(c, t, "SELECT COUNT(*) FROM asps WHERE user_id = $u"))
                {
                    count.Parameters.AddWithValue("$u", Blob(asp.User));
                    if ((long)count.ExecuteScalar()! >= limit)
                    {
                        throw StoreRules.TooManyApplicationPasswords(limit);
                    }
                }

                Execute(
                    c,
                    t,
                    "INSERT INTO asps (" + AspColumns + ") VALUES ($id, $u, $description, $scopes, $hash, $selector, $created, $lastUse, $lastIp, $ttl, $expires)",
                    ("$id", Blob(asp.Id)),
                    ("$u", Blob(asp.User)),
                    ("$description", asp.Description),
                    ("$scopes", string.Join(',', asp.Scopes)),
                    ("$hash", asp.PasswordHash),
                    ("$selector", asp.Selector),
                    ("$created", asp.Created.ToUnixTimeMilliseconds()),
                    ("$lastUse", asp.LastUse?.ToUnixTimeMilliseconds()),
                    ("$lastIp", asp.LastIp),
                    ("$ttl", asp.Ttl is { } ttl ? (long)ttl.TotalMilliseconds : null),
                    ("$expires", asp.Expires?.ToUnixTimeMilliseconds()));
                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AspRecord>> ListAspsAsync(UserId user, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<AspRecord>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + AspColumns + " FROM asps WHERE user_id = $u AND (expires IS NULL OR expires > $now) ORDER BY id");
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                using var reader = command.ExecuteReader();
                var list = new List<AspRecord>();
                while (reader.Read())
                {
                    list.Add(ReadAsp(reader));
                }

                return list;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<AspRecord?> GetAspAsync(UserId user, EntityId id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + AspColumns + " FROM asps WHERE id = $id AND user_id = $u AND (expires IS NULL OR expires > $now)");
                command.Parameters.AddWithValue("$id", Blob(id));
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadAsp(reader) : null;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAspAsync(UserId user, EntityId id, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM asps WHERE id = $id AND user_id = $u", ("$id", Blob(id)), ("$u", Blob(user))) > 0, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RecordAspUseAsync(UserId user, EntityId id, DateTimeOffset time, string? remoteAddress, CancellationToken cancellationToken = default)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE asps SET last_use = $time, last_ip = $ip, expires = CASE WHEN ttl_ms IS NULL THEN expires ELSE $time + ttl_ms END WHERE id = $id AND user_id = $u",
                ("$id", Blob(id)),
                ("$u", Blob(user)),
                ("$time", ms),
                ("$ip", remoteAddress)) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthEventRecord> AddAuthEventAsync(AuthEventRecord entry, TimeSpan mergeWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = StoreRules.AuthEventMergeKey(entry);
        object user = entry.User is { } u ? Blob(u) : DBNull.Value;
        return _db.WriteAsync(
            (c, t) =>
            {
                if (mergeWindow > TimeSpan.Zero)
                {
                    using var merge = Command(
                        c,
                        t,
                        "UPDATE authlog SET events = events + 1, last = $last, expires = MAX(expires, $expires) "
                        + "WHERE id = (SELECT id FROM authlog WHERE user_id IS $u AND merge_key = $key AND created > $since ORDER BY created DESC LIMIT 1) "
                        + "RETURNING " + AuthEventColumns);
                    merge.Parameters.AddWithValue("$u", user);
                    merge.Parameters.AddWithValue("$key", key);
                    merge.Parameters.AddWithValue("$since", (entry.Created - mergeWindow).ToUnixTimeMilliseconds());
                    merge.Parameters.AddWithValue("$last", entry.Created.ToUnixTimeMilliseconds());
                    merge.Parameters.AddWithValue("$expires", entry.Expires.ToUnixTimeMilliseconds());
                    using var reader = merge.ExecuteReader();
                    if (reader.Read())
                    {
                        return ReadAuthEvent(reader);
                    }
                }

                Execute(
                    c,
                    t,
                    "INSERT INTO authlog (" + AuthEventColumns + ", merge_key) VALUES "
                    + "($id, $u, $action, $result, $reason, $protocol, $session, $ip, $scope, $source, $asp, $aspName, 1, $created, $created, $expires, $key)",
                    ("$id", Blob(entry.Id)),
                    ("$u", user),
                    ("$action", entry.Action),
                    ("$result", entry.Result),
                    ("$reason", entry.Reason),
                    ("$protocol", entry.Protocol),
                    ("$session", entry.Session),
                    ("$ip", entry.RemoteAddress),
                    ("$scope", entry.RequiredScope),
                    ("$source", entry.Source),
                    ("$asp", entry.Asp is { } asp ? Blob(asp) : null),
                    ("$aspName", entry.AspName),
                    ("$created", entry.Created.ToUnixTimeMilliseconds()),
                    ("$expires", entry.Expires.ToUnixTimeMilliseconds()),
                    ("$key", key));
                return entry with { Events = 1, Last = entry.Created };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthEventPage> ListAuthEventsAsync(UserId user, AuthEventQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _db.ReadAsync(
            (c, t) =>
            {
                const string Filter = "user_id = $u AND expires > $now AND ($action IS NULL OR action = $action) AND ($ip IS NULL OR ip = $ip)";
                void Bind(SqliteCommand command)
                {
                    command.Parameters.AddWithValue("$u", Blob(user));
                    command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$action", (object?)query.Action ?? DBNull.Value);
                    command.Parameters.AddWithValue("$ip", (object?)query.RemoteAddress ?? DBNull.Value);
                }

                long total;
                using (var count = Command(c, t, "SELECT COUNT(*) FROM authlog WHERE " + Filter))
                {
                    Bind(count);
                    total = (long)count.ExecuteScalar()!;
                }

                // The previous page is read oldest first from its boundary, then turned around.
                bool backwards = query.Before is null && query.After is not null;
                var sql = "SELECT " + AuthEventColumns + " FROM authlog WHERE " + Filter
                    + (query.Before is not null ? " AND id < $pos ORDER BY id DESC" : backwards ? " AND id > $pos ORDER BY id ASC" : " ORDER BY id DESC")
                    + " LIMIT $limit";
                using var command = Command(c, t, sql);
                Bind(command);
                if ((query.Before ?? query.After) is { } position)
                {
                    command.Parameters.AddWithValue("$pos", Blob(position));
                }

                command.Parameters.AddWithValue("$limit", Math.Max(0, query.Limit));
                var list = new List<AuthEventRecord>();
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        list.Add(ReadAuthEvent(reader));
                    }
                }

                if (backwards)
                {
                    list.Reverse();
                }

                return new AuthEventPage(list, total);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthEventRecord?> GetAuthEventAsync(UserId user, EntityId id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + AuthEventColumns + " FROM authlog WHERE id = $id AND user_id = $u AND expires > $now");
                command.Parameters.AddWithValue("$id", Blob(id));
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadAuthEvent(reader) : null;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<long> DeleteExpiredAuthEventsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => (long)Execute(c, t, "DELETE FROM authlog WHERE expires <= $now", ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);

    private static AspRecord ReadAsp(SqliteDataReader reader) => new()
    {
        Id = ReadId(reader, 0),
        User = new UserId(ReadId(reader, 1)),
        Description = reader.GetString(2),
        Scopes = reader.GetString(3).Split(','),
        PasswordHash = reader.GetString(4),
        Selector = reader.GetString(5),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        LastUse = reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        LastIp = reader.IsDBNull(8) ? null : reader.GetString(8),
        Ttl = reader.IsDBNull(9) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(9)),
        Expires = reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
    };

    private static AuthEventRecord ReadAuthEvent(SqliteDataReader reader) => new()
    {
        Id = ReadId(reader, 0),
        User = reader.IsDBNull(1) ? null : new UserId(ReadId(reader, 1)),
        Action = reader.GetString(2),
        Result = reader.GetString(3),
        Reason = reader.IsDBNull(4) ? null : reader.GetString(4),
        Protocol = reader.IsDBNull(5) ? null : reader.GetString(5),
        Session = reader.IsDBNull(6) ? null : reader.GetString(6),
        RemoteAddress = reader.IsDBNull(7) ? null : reader.GetString(7),
        RequiredScope = reader.IsDBNull(8) ? null : reader.GetString(8),
        Source = reader.IsDBNull(9) ? null : reader.GetString(9),
        Asp = reader.IsDBNull(10) ? null : ReadId(reader, 10),
        AspName = reader.IsDBNull(11) ? null : reader.GetString(11),
        Events = (int)reader.GetInt64(12),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
        Last = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(14)),
        Expires = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(15)),
    };
}
