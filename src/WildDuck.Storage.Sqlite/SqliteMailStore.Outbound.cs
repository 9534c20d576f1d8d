// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    private const string OutboundColumns =
        "id, state, reason, user_id, return_path, recipients, route, size, created, attempts, next_attempt, last_error, lease_until";

    private const int MaxOutboundPage = 1000;

    /// <inheritdoc />
    public async Task<EntityId> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken = default) =>
        (await EnqueueAllAsync(new[] { message }, cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    public Task<IReadOnlyList<EntityId>> EnqueueAllAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var rows = new List<(EntityId Id, OutboundMessage Message, string Recipients, byte[] Content)>(messages.Count);
        foreach (var message in messages)
        {
            StoreRules.ValidateOutbound(message, _options.Messages);
            rows.Add((EntityId.NewId(_time), message, string.Join('\n', message.Recipients), message.Content.ToArray()));
        }

        // One write transaction for all: WriteAsync commits with the configured synchronous mode
        // before returning, so the entries are as durable as an appended message, and an
        // acknowledged delivery never loses (or half-queues) its forwards.
        return _db.WriteAsync<IReadOnlyList<EntityId>>(
            (c, t) =>
            {
                var now = NowMs;
                var ids = new EntityId[rows.Count];
                for (var i = 0; i < rows.Count; i++)
                {
                    var (id, message, recipients, content) = rows[i];
                    Execute(
                        c,
                        t,
                        "INSERT INTO outbound_queue (id, state, reason, user_id, return_path, recipients, route, size, created, attempts, next_attempt, content) VALUES ($id, $state, $reason, $u, $rp, $rcpt, $route, $size, $created, $attempts, $next, $content)",
                        ("$id", Blob(id)),
                        ("$reason", message.Reason),
                        ("$u", message.User is { } user ? Blob(user) : null),
                        ("$rp", message.ReturnPath),
                        ("$rcpt", recipients),
                        ("$route", message.Route),
                        ("$size", (long)content.Length),
                        ("$state", (long)(message.PreviousAttempts > 0 ? OutboundState.Deferred : OutboundState.Queued)),
                        ("$created", message.FirstQueued?.ToUnixTimeMilliseconds() ?? now),
                        ("$attempts", (long)Math.Max(0, message.PreviousAttempts)),
                        ("$next", message.NotBefore?.ToUnixTimeMilliseconds() ?? now),
                        ("$content", content));
                    ids[i] = id;
                }

                return ids;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboundEntry>> ListEntriesAsync(OutboundListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = Math.Clamp(request.Limit, 1, MaxOutboundPage);
        return _db.ReadAsync<IReadOnlyList<OutboundEntry>>(
            (c, t) =>
            {
                using var command = Command(
                    c,
                    t,
                    "SELECT " + OutboundColumns + " FROM outbound_queue WHERE ($state IS NULL OR state = $state) AND ($u IS NULL OR user_id = $u) AND ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit");
                command.Parameters.AddWithValue("$state", request.State is { } state ? (long)state : DBNull.Value);
                command.Parameters.AddWithValue("$u", request.User is { } user ? Blob(user) : DBNull.Value);
                command.Parameters.AddWithValue("$after", request.After is { } after ? Blob(after) : DBNull.Value);
                command.Parameters.AddWithValue("$limit", limit);
                using var reader = command.ExecuteReader();
                var now = NowMs;
                var list = new List<OutboundEntry>();
                while (reader.Read())
                {
                    list.Add(ReadOutbound(reader, now));
                }

                return list;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<OutboundQueueItem?> GetEntryAsync(EntityId id, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + OutboundColumns + ", content FROM outbound_queue WHERE id = $id");
                command.Parameters.AddWithValue("$id", Blob(id));
                using var reader = command.ExecuteReader();
                return reader.Read()
                    ? new OutboundQueueItem(ReadOutbound(reader, NowMs), reader.GetFieldValue<byte[]>(13))
                    : null;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteEntryAsync(EntityId id, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM outbound_queue WHERE id = $id", ("$id", Blob(id))) > 0, cancellationToken);

    /// <inheritdoc />
    public Task<OutboundCancelResult> CancelSubmissionAsync(EntityId id, UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                const string Mine = "id = $id AND user_id = $user AND reason = 'submission'";
                if (Execute(c, t, "DELETE FROM outbound_queue WHERE " + Mine + " AND (lease_until IS NULL OR lease_until <= $now)", ("$id", Blob(id)), ("$user", Blob(user)), ("$now", NowMs)) > 0)
                {
                    return OutboundCancelResult.Cancelled;
                }

                using var command = Command(c, t, "SELECT 1 FROM outbound_queue WHERE " + Mine);
                command.Parameters.AddWithValue("$id", Blob(id));
                command.Parameters.AddWithValue("$user", Blob(user));
                return command.ExecuteScalar() is null ? OutboundCancelResult.NotFound : OutboundCancelResult.Sending;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueAsync(EntityId id, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE outbound_queue SET state = 0, attempts = 0, next_attempt = $now WHERE id = $id",
                ("$id", Blob(id)),
                ("$now", NowMs)) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboundLease>> ClaimDueAsync(OutboundClaimRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseTime, TimeSpan.Zero);
        var token = Guid.NewGuid();
        var tokenBytes = token.ToByteArray();
        // One IMMEDIATE transaction selects and leases: it holds the database's write lock, so a
        // second process (or a second claimer here) sees either none or all of these leases.
        return _db.WriteAsync<IReadOnlyList<OutboundLease>>(
            (c, t) =>
            {
                var now = NowMs;
                var until = now + (long)request.LeaseTime.TotalMilliseconds;
                using var command = Command(
                    c,
                    t,
                    "UPDATE outbound_queue SET lease_token = $token, lease_until = $until WHERE id IN (SELECT id FROM outbound_queue WHERE state IN (0, 1) AND next_attempt <= $now AND (lease_until IS NULL OR lease_until <= $now) AND ($routed = 0 OR route IS NOT NULL) ORDER BY next_attempt, id LIMIT $n) RETURNING " + OutboundColumns + ", content");
                command.Parameters.AddWithValue("$token", tokenBytes);
                command.Parameters.AddWithValue("$until", until);
                command.Parameters.AddWithValue("$now", now);
                command.Parameters.AddWithValue("$n", request.MaxEntries);
                command.Parameters.AddWithValue("$routed", request.RoutedOnly);
                using var reader = command.ExecuteReader();
                var expires = DateTimeOffset.FromUnixTimeMilliseconds(until);
                var leases = new List<OutboundLease>();
                while (reader.Read())
                {
                    leases.Add(new OutboundLease(ReadOutbound(reader, now), reader.GetFieldValue<byte[]>(13), token, expires));
                }

                // RETURNING has no defined order; hand them out earliest due first.
                leases.Sort(static (a, b) =>
                {
                    var c = a.Entry.NextAttempt.CompareTo(b.Entry.NextAttempt);
                    return c != 0 ? c : a.Entry.Id.CompareTo(b.Entry.Id);
                });
                return leases;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MarkDeliveredAsync(EntityId id, Guid leaseToken, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(c, t, "DELETE FROM outbound_queue WHERE id = $id AND lease_token = $token", ("$id", Blob(id)), ("$token", leaseToken.ToByteArray())) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> MarkDeferredAsync(EntityId id, Guid leaseToken, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE outbound_queue SET state = 1, attempts = attempts + 1, next_attempt = $next, last_error = $error, lease_token = NULL, lease_until = NULL WHERE id = $id AND lease_token = $token",
                ("$id", Blob(id)),
                ("$token", leaseToken.ToByteArray()),
                ("$next", nextAttempt.ToUnixTimeMilliseconds()),
                ("$error", error)) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(EntityId id, Guid leaseToken, string error, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE outbound_queue SET state = 2, attempts = attempts + 1, next_attempt = $now, last_error = $error, lease_token = NULL, lease_until = NULL WHERE id = $id AND lease_token = $token",
                ("$id", Blob(id)),
                ("$token", leaseToken.ToByteArray()),
                ("$now", NowMs),
                ("$error", error)) > 0,
            cancellationToken);

    private static OutboundEntry ReadOutbound(SqliteDataReader reader, long nowMs)
    {
        long? leaseUntil = reader.IsDBNull(12) ? null : reader.GetInt64(12);
        return new OutboundEntry
        {
            Id = ReadId(reader, 0),
            State = (OutboundState)reader.GetInt64(1),
            Reason = reader.GetString(2),
            User = reader.IsDBNull(3) ? null : new UserId(ReadId(reader, 3)),
            ReturnPath = reader.GetString(4),
            Recipients = reader.GetString(5).Split('\n'),
            Route = reader.IsDBNull(6) ? null : reader.GetString(6),
            Size = reader.GetInt64(7),
            Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
            Attempts = (int)reader.GetInt64(9),
            NextAttempt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            LastError = reader.IsDBNull(11) ? null : reader.GetString(11),
            LeasedUntil = leaseUntil is { } until && until > nowMs ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null,
        };
    }
}
