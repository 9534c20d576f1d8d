// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>Webhooks in the <c>webhooks</c> table (schema version 10), their delivery queue in <c>webhook_deliveries</c> (version 11).</summary>
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
                        throw StoreRules.TooManyWebhooks(_options.Users.MaxWebhooks);
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

    private const string DeliveryColumns = "id, webhook_id, url, type, body, attempts, next_attempt, last_error, created";

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookDelivery>> EnqueueWebhookDeliveriesAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var now = _time.GetUtcNow();
        var saved = new List<WebhookDelivery>(deliveries.Count);
        var bodies = new byte[deliveries.Count][];
        foreach (var delivery in deliveries)
        {
            // The bodies are copied here, not inside the write transaction (the store's serial section).
            bodies[saved.Count] = delivery.Body.ToArray();
            saved.Add(StoreRules.PrepareWebhookDelivery(delivery, now, _time));
        }

        if (saved.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<WebhookDelivery>>(saved);
        }

        return _db.WriteAsync<IReadOnlyList<WebhookDelivery>>(
            (c, t) =>
            {
                using var command = Command(c, t, "INSERT INTO webhook_deliveries (" + DeliveryColumns + ") VALUES ($id, $w, $url, $type, $body, 0, $next, NULL, $c)");
                var id = command.Parameters.Add("$id", SqliteType.Blob);
                var webhook = command.Parameters.Add("$w", SqliteType.Blob);
                var url = command.Parameters.Add("$url", SqliteType.Text);
                var type = command.Parameters.Add("$type", SqliteType.Text);
                var body = command.Parameters.Add("$body", SqliteType.Blob);
                command.Parameters.AddWithValue("$next", now.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$c", now.ToUnixTimeMilliseconds());
                for (var i = 0; i < saved.Count; i++)
                {
                    var delivery = saved[i];
                    id.Value = Blob(delivery.Id);
                    webhook.Value = Blob(delivery.Webhook);
                    url.Value = delivery.Url;
                    type.Value = delivery.Type;
                    body.Value = bodies[i];
                    command.ExecuteNonQuery();
                }

                return saved;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookDeliveryLease>> ClaimWebhookDeliveriesAsync(int maxDeliveries, TimeSpan leaseTime, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseTime, TimeSpan.Zero);
        var token = Guid.NewGuid();
        var tokenBytes = token.ToByteArray();
        // One IMMEDIATE transaction selects and leases: it holds the database's write lock, so a
        // second process (or a second claimer here) sees either none or all of these leases.
        return _db.WriteAsync<IReadOnlyList<WebhookDeliveryLease>>(
            (c, t) =>
            {
                var now = NowMs;
                var until = now + (long)leaseTime.TotalMilliseconds;
                using var command = Command(
                    c,
                    t,
                    "UPDATE webhook_deliveries SET attempts = attempts + 1, lease_token = $token, lease_until = $until WHERE id IN (SELECT id FROM webhook_deliveries WHERE next_attempt <= $now AND (lease_until IS NULL OR lease_until <= $now) ORDER BY next_attempt, id LIMIT $n) RETURNING " + DeliveryColumns);
                command.Parameters.AddWithValue("$token", tokenBytes);
                command.Parameters.AddWithValue("$until", until);
                command.Parameters.AddWithValue("$now", now);
                command.Parameters.AddWithValue("$n", maxDeliveries);
                using var reader = command.ExecuteReader();
                var expires = DateTimeOffset.FromUnixTimeMilliseconds(until);
                var leases = new List<WebhookDeliveryLease>();
                while (reader.Read())
                {
                    leases.Add(new WebhookDeliveryLease(ReadDelivery(reader), token, expires));
                }

                // RETURNING has no defined order; hand them out earliest due first, then oldest.
                leases.Sort(static (a, b) =>
                {
                    var c = a.Delivery.NextAttempt.CompareTo(b.Delivery.NextAttempt);
                    return c != 0 ? c : a.Delivery.Id.CompareTo(b.Delivery.Id);
                });
                return leases;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CompleteWebhookDeliveryAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(c, t, "DELETE FROM webhook_deliveries WHERE id = $id AND lease_token = $token", ("$id", Blob(id)), ("$token", leaseToken.ToByteArray())) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RetryWebhookDeliveryAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE webhook_deliveries SET next_attempt = $next, last_error = $error, lease_token = NULL, lease_until = NULL WHERE id = $id AND lease_token = $token",
                ("$id", Blob(id)),
                ("$token", leaseToken.ToByteArray()),
                ("$next", nextAttempt.ToUnixTimeMilliseconds()),
                ("$error", error)) > 0,
            cancellationToken);
    }

    private static WebhookDelivery ReadDelivery(SqliteDataReader reader) => new()
    {
        Id = ReadId(reader, 0),
        Webhook = ReadId(reader, 1),
        Url = reader.GetString(2),
        Type = reader.GetString(3),
        Body = reader.GetFieldValue<byte[]>(4),
        Attempts = (int)reader.GetInt64(5),
        NextAttempt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        LastError = reader.IsDBNull(7) ? null : reader.GetString(7),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
    };

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
