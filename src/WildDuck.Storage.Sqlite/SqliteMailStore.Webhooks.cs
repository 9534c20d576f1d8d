// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>Webhooks in the <c>webhooks</c> table (schema version 6).</summary>
public sealed partial class SqliteMailStore : IWebhookStore
{
    private const string WebhookColumns = "id, user_id, types, url, created";

    /// <inheritdoc />
    public Task<WebhookRecord> CreateWebhookAsync(WebhookRecord webhook, CancellationToken cancellationToken = default)
    {
        var saved = StoreRules.PrepareWebhook(webhook, _time);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (saved.User is { } user && ReadUser(c, t, user) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                using (var count = Command(c, t, "SELECT COUNT(*) FROM webhooks"))
                {
                    if ((long)count.ExecuteScalar()! >= _options.Users.MaxWebhooks)
                    {
                        throw new StorageException(StorageError.Limit, "Too many webhooks.");
                    }
                }

                try
                {
                    Execute(
                        c,
                        t,
                        "INSERT INTO webhooks (id, user_id, types, url, created) VALUES ($id, $u, $types, $url, $c)",
                        ("$id", Blob(saved.Id)),
                        ("$u", saved.User is { } owner ? Blob(owner) : null),
                        ("$types", string.Join('\n', saved.Types)),
                        ("$url", saved.Url),
                        ("$c", saved.Created.ToUnixTimeMilliseconds()));
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    throw new StorageException(StorageError.AlreadyExists, "The webhook id is taken.", ex);
                }

                return saved;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookRecord>> ListWebhooksAsync(int limit, EntityId? afterId = null, UserId? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return _db.ReadAsync<IReadOnlyList<WebhookRecord>>(
            (c, t) =>
            {
                var sql = "SELECT " + WebhookColumns + " FROM webhooks WHERE ($after IS NULL OR id > $after) AND ($u IS NULL OR user_id = $u) ORDER BY id LIMIT $limit";
                using var command = Command(c, t, sql);
                command.Parameters.AddWithValue("$after", afterId is { } after ? Blob(after) : DBNull.Value);
                command.Parameters.AddWithValue("$u", user is { } u ? Blob(u) : DBNull.Value);
                command.Parameters.AddWithValue("$limit", limit);
                return ReadWebhooks(command);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookRecord>> FindWebhooksAsync(UserId? user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<WebhookRecord>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + WebhookColumns + " FROM webhooks WHERE user_id IS NULL OR user_id = $u ORDER BY id");
                command.Parameters.AddWithValue("$u", user is { } u ? Blob(u) : DBNull.Value);
                return ReadWebhooks(command);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteWebhookAsync(EntityId id, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM webhooks WHERE id = $id", ("$id", Blob(id))) > 0, cancellationToken);

    private static List<WebhookRecord> ReadWebhooks(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<WebhookRecord>();
        while (reader.Read())
        {
            list.Add(new WebhookRecord
            {
                Id = ReadId(reader, 0),
                User = reader.IsDBNull(1) ? null : new UserId(ReadId(reader, 1)),
                Types = reader.GetString(2).Split('\n'),
                Url = reader.GetString(3),
                Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
            });
        }

        return list;
    }
}
