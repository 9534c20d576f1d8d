// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<FilterDefinition>> ListFiltersAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<FilterDefinition>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT id, user_id, name, query, action, disabled, created FROM filters WHERE user_id = $u ORDER BY created, id");
                command.Parameters.AddWithValue("$u", Blob(user));
                using var reader = command.ExecuteReader();
                var list = new List<FilterDefinition>();
                while (reader.Read())
                {
                    list.Add(ReadFilter(reader));
                }

                return list;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<FilterPage> ListAllFiltersAsync(FilterPageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _db.ReadAsync(
            (c, t) =>
            {
                long total;
                using (var count = Command(c, t, "SELECT COUNT(*) FROM filters"))
                {
                    total = (long)count.ExecuteScalar()!;
                }

                // The previous page is read newest first from its boundary, then turned around.
                bool backwards = query.After is null && query.Before is not null;
                var sql = "SELECT id, user_id, name, query, action, disabled, created FROM filters"
                    + (query.After is not null ? " WHERE id > $pos ORDER BY id" : backwards ? " WHERE id < $pos ORDER BY id DESC" : " ORDER BY id")
                    + " LIMIT $limit";
                using var command = Command(c, t, sql);
                if ((query.After ?? query.Before) is { } position)
                {
                    command.Parameters.AddWithValue("$pos", Blob(position));
                }

                command.Parameters.AddWithValue("$limit", Math.Max(0, query.Limit));
                var list = new List<FilterDefinition>();
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        list.Add(ReadFilter(reader));
                    }
                }

                if (backwards)
                {
                    list.Reverse();
                }

                return new FilterPage(list, total);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<FilterDefinition?> GetFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT id, user_id, name, query, action, disabled, created FROM filters WHERE user_id = $u AND id = $id");
                command.Parameters.AddWithValue("$u", Blob(user));
                command.Parameters.AddWithValue("$id", Blob(filter));
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadFilter(reader) : null;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<FilterDefinition> SaveFilterAsync(FilterDefinition filter, CancellationToken cancellationToken = default)
    {
        var saved = StoreRules.PrepareFilter(filter, _time);

        var query = JsonSerializer.Serialize(
            new StoredFilterQuery
            {
                From = saved.Query.From,
                To = saved.Query.To,
                Subject = saved.Query.Subject,
                ListId = saved.Query.ListId,
                Text = saved.Query.Text,
                HasAttachments = saved.Query.HasAttachments,
                Size = saved.Query.Size,
            },
            SqliteJsonContext.Default.StoredFilterQuery);
        var action = JsonSerializer.Serialize(
            new StoredFilterAction
            {
                Seen = saved.Action.Seen,
                Flag = saved.Action.Flag,
                Delete = saved.Action.Delete,
                Spam = saved.Action.Spam,
                Mailbox = saved.Action.Mailbox?.ToString(),
                Targets = new List<string>(saved.Action.Targets),
            },
            SqliteJsonContext.Default.StoredFilterAction);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, saved.User) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                var exists = false;
                using (var check = Command(c, t, "SELECT 1 FROM filters WHERE id = $id AND user_id = $u"))
                {
                    check.Parameters.AddWithValue("$id", Blob(saved.Id));
                    check.Parameters.AddWithValue("$u", Blob(saved.User));
                    exists = check.ExecuteScalar() is not null;
                }

                if (!exists)
                {
                    using var count = Command(c, t, "SELECT COUNT(*) FROM filters WHERE user_id = $u");
                    count.Parameters.AddWithValue("$u", Blob(saved.User));
                    if ((long)count.ExecuteScalar()! >= _options.Users.MaxFilters)
                    {
                        throw new StorageException(StorageError.Limit, "Too many filters.");
                    }
                }

                Execute(
                    c,
                    t,
                    "INSERT INTO filters (id, user_id, name, query, action, disabled, created) VALUES ($id, $u, $n, $q, $a, $d, $c) ON CONFLICT(id) DO UPDATE SET name = $n, query = $q, action = $a, disabled = $d",
                    ("$id", Blob(saved.Id)),
                    ("$u", Blob(saved.User)),
                    ("$n", saved.Name),
                    ("$q", query),
                    ("$a", action),
                    ("$d", saved.Disabled),
                    ("$c", saved.Created.ToUnixTimeMilliseconds()));
                return saved;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteFilterAsync(UserId user, EntityId filter, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM filters WHERE user_id = $u AND id = $id", ("$u", Blob(user)), ("$id", Blob(filter))) > 0, cancellationToken);

    private static FilterDefinition ReadFilter(SqliteDataReader reader)
    {
        var query = JsonSerializer.Deserialize(reader.GetString(3), SqliteJsonContext.Default.StoredFilterQuery) ?? new StoredFilterQuery();
        var action = JsonSerializer.Deserialize(reader.GetString(4), SqliteJsonContext.Default.StoredFilterAction) ?? new StoredFilterAction();
        return new FilterDefinition
        {
            Id = ReadId(reader, 0),
            User = new UserId(ReadId(reader, 1)),
            Name = reader.IsDBNull(2) ? null : reader.GetString(2),
            Query = new FilterQuery
            {
                From = query.From,
                To = query.To,
                Subject = query.Subject,
                ListId = query.ListId,
                Text = query.Text,
                HasAttachments = query.HasAttachments,
                Size = query.Size,
            },
            Action = new FilterAction
            {
                Seen = action.Seen,
                Flag = action.Flag,
                Delete = action.Delete,
                Spam = action.Spam,
                Mailbox = MailboxId.TryParse(action.Mailbox, out var mailbox) ? mailbox : null,
                Targets = action.Targets,
            },
            Disabled = reader.GetInt64(5) != 0,
            Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        };
    }
}
