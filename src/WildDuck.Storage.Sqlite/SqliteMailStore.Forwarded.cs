// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage.Sqlite;

/// <summary>Forwarded addresses (schema version 11, docs/storage.md).</summary>
public sealed partial class SqliteMailStore
{
    private const string ForwardedColumns =
        "id, address, address_view, name, targets, forwards, forwarded_disabled, autoreply_status, autoreply_name, autoreply_subject, autoreply_text, autoreply_html, autoreply_start, autoreply_end, created";

    /// <inheritdoc />
    public Task<ForwardedAddressRecord> CreateForwardedAddressAsync(CreateForwardedAddressRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = StoreRules.NewForwardedAddress(request.Address, request.AllowWildcard);
        var record = new ForwardedAddressRecord
        {
            Id = EntityId.NewId(_time),
            Address = address,
            AddressView = AddressNormalizer.AddressView(address),
            Name = string.IsNullOrEmpty(request.Name) ? null : request.Name,
            Targets = StoreRules.CanonicalTargets(request.Targets),
            Forwards = Math.Max(0, request.Forwards),
            Autoreply = request.Autoreply,
            ForwardedDisabled = request.ForwardedDisabled,
            Created = DateTimeOffset.FromUnixTimeMilliseconds(NowMs),
        };
        return _db.WriteAsync(
            (c, t) =>
            {
                WriteForwarded(c, t, record, insert: true);
                return record;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ForwardedAddressRecord?> GetForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default) =>
        _db.ReadAsync((c, t) => ReadForwarded(c, t, "id = $p", Blob(id)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ForwardedAddressRecord>> ListForwardedAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return _db.ReadAsync<IReadOnlyList<ForwardedAddressRecord>>(
            (c, t) =>
            {
                using var command = Command(
                    c,
                    t,
                    "SELECT " + ForwardedColumns + " FROM forwarded_addresses WHERE ($after IS NULL OR address_view > $after) AND ($q IS NULL OR instr(address_view, $q) > 0) ORDER BY address_view LIMIT $limit");
                command.Parameters.AddWithValue("$after", (object?)afterAddressView ?? DBNull.Value);
                command.Parameters.AddWithValue("$q", string.IsNullOrEmpty(query) ? DBNull.Value : query.Trim().ToLowerInvariant());
                command.Parameters.AddWithValue("$limit", limit);
                using var reader = command.ExecuteReader();
                var list = new List<ForwardedAddressRecord>();
                while (reader.Read())
                {
                    list.Add(ReadForwarded(reader));
                }

                return list;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ForwardedAddressRecord?> UpdateForwardedAddressAsync(EntityId id, ForwardedAddressUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var address = update.Address is null ? null : StoreRules.NewForwardedAddress(update.Address, update.AllowWildcard);
        var targets = update.Targets is null ? null : StoreRules.CanonicalTargets(update.Targets);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadForwarded(c, t, "id = $p", Blob(id)) is not { } current)
                {
                    return null;
                }

                var updated = current with
                {
                    Address = address ?? current.Address,
                    AddressView = address is null ? current.AddressView : AddressNormalizer.AddressView(address),
                    Name = update.Name is null ? current.Name : (update.Name.Length == 0 ? null : update.Name),
                    Targets = targets ?? current.Targets,
                    Forwards = update.Forwards is { } forwards ? Math.Max(0, forwards) : current.Forwards,
                    Autoreply = update.Autoreply ?? current.Autoreply,
                    ForwardedDisabled = update.ForwardedDisabled ?? current.ForwardedDisabled,
                };
                WriteForwarded(c, t, updated, insert: false);
                if (update.Autoreply is not null)
                {
                    Execute(c, t, "DELETE FROM forwarded_autoreply_senders WHERE address_id = $a", ("$a", Blob(id)));
                }

                return updated;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default) =>
        // Its autoreply sender log goes with it (forwarded_autoreply_senders: ON DELETE CASCADE).
        _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM forwarded_addresses WHERE id = $a", ("$a", Blob(id))) > 0, cancellationToken);

    /// <inheritdoc />
    public Task<ResolvedAddress?> ResolveRecipientAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var view = AddressNormalizer.AddressView(address);
        return _db.ReadAsync(
            (c, t) =>
            {
                var found = FindAnyByView(c, t, view);
                if (found is not null)
                {
                    return found;
                }

                if (StoreRules.DomainOf(view) is not { } domain)
                {
                    return null;
                }

                string? aliasTarget;
                using (var alias = Command(c, t, "SELECT domain FROM domain_aliases WHERE alias = $a"))
                {
                    alias.Parameters.AddWithValue("$a", domain);
                    aliasTarget = alias.ExecuteScalar() as string;
                }

                foreach (var candidate in StoreRules.ResolutionFallbacks(view, aliasTarget, allowWildcard))
                {
                    found = FindAnyByView(c, t, candidate);
                    if (found is not null)
                    {
                        return found;
                    }
                }

                return null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryRecordForwardedAutoreplyAsync(EntityId address, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sender);
        var key = sender.Trim().ToLowerInvariant();
        var cutoff = (now - interval).ToUnixTimeMilliseconds();
        return _db.WriteAsync(
            (c, t) =>
            {
                // As TryRecordAutoreplyAsync: WildDuck's ZREMRANGEBYSCORE + ZADD NX, in one transaction.
                Execute(c, t, "DELETE FROM forwarded_autoreply_senders WHERE address_id = $a AND replied <= $cutoff", ("$a", Blob(address)), ("$cutoff", cutoff));
                return Execute(
                    c,
                    t,
                    "INSERT INTO forwarded_autoreply_senders (address_id, sender, replied) SELECT $a, $s, $now WHERE EXISTS (SELECT 1 FROM forwarded_addresses WHERE id = $a) ON CONFLICT DO NOTHING",
                    ("$a", Blob(address)),
                    ("$s", key),
                    ("$now", now.ToUnixTimeMilliseconds())) > 0;
            },
            cancellationToken);
    }

    /// <summary>A user's address or a forwarded address with exactly this view (the view is unique across both).</summary>
    private static ResolvedAddress? FindAnyByView(SqliteConnection c, SqliteTransaction t, string view)
    {
        using (var command = Command(c, t, "SELECT " + AddressColumns + " FROM addresses WHERE address_view = $v"))
        {
            command.Parameters.AddWithValue("$v", view);
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                return ResolvedAddress.OfUser(ReadAddress(reader));
            }
        }

        return ReadForwarded(c, t, "address_view = $p", view) is { } forwarded ? ResolvedAddress.OfForwarded(forwarded) : null;
    }

    private static ForwardedAddressRecord? ReadForwarded(SqliteConnection c, SqliteTransaction t, string where, object key)
    {
        using var command = Command(c, t, "SELECT " + ForwardedColumns + " FROM forwarded_addresses WHERE " + where);
        command.Parameters.AddWithValue("$p", key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadForwarded(reader) : null;
    }

    private static ForwardedAddressRecord ReadForwarded(SqliteDataReader reader) => new()
    {
        Id = ReadId(reader, 0),
        Address = reader.GetString(1),
        AddressView = reader.GetString(2),
        Name = reader.IsDBNull(3) ? null : reader.GetString(3),
        Targets = reader.GetString(4).Length == 0 ? Array.Empty<string>() : reader.GetString(4).Split('\n'),
        Forwards = (int)reader.GetInt64(5),
        ForwardedDisabled = reader.GetInt64(6) != 0,
        Autoreply = reader.IsDBNull(7) ? null : new AutoreplySettings
        {
            Enabled = reader.GetInt64(7) != 0,
            Name = reader.IsDBNull(8) ? null : reader.GetString(8),
            Subject = reader.IsDBNull(9) ? null : reader.GetString(9),
            Text = reader.IsDBNull(10) ? null : reader.GetString(10),
            Html = reader.IsDBNull(11) ? null : reader.GetString(11),
            Start = reader.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
            End = reader.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
        },
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(14)),
    };

    /// <summary>Inserts or rewrites every column; a taken address view is <see cref="StorageError.AlreadyExists"/>.</summary>
    private static void WriteForwarded(SqliteConnection c, SqliteTransaction t, ForwardedAddressRecord record, bool insert)
    {
        var sql = insert
            ? "INSERT INTO forwarded_addresses (" + ForwardedColumns + ") VALUES ($id, $address, $view, $name, $targets, $forwards, $disabled, $ar, $arname, $arsubject, $artext, $arhtml, $arstart, $arend, $created)"
            : """
              UPDATE forwarded_addresses SET address = $address, address_view = $view, name = $name, targets = $targets,
                  forwards = $forwards, forwarded_disabled = $disabled, autoreply_status = $ar, autoreply_name = $arname,
                  autoreply_subject = $arsubject, autoreply_text = $artext, autoreply_html = $arhtml,
                  autoreply_start = $arstart, autoreply_end = $arend
              WHERE id = $id
              """;
        var autoreply = record.Autoreply;
        try
        {
            Execute(
                c,
                t,
                sql,
                ("$id", Blob(record.Id)),
                ("$address", record.Address),
                ("$view", record.AddressView),
                ("$name", record.Name),
                ("$targets", string.Join('\n', record.Targets)),
                ("$forwards", record.Forwards),
                ("$disabled", record.ForwardedDisabled),
                ("$ar", autoreply?.Enabled),
                ("$arname", autoreply?.Name),
                ("$arsubject", autoreply?.Subject),
                ("$artext", autoreply?.Text),
                ("$arhtml", autoreply?.Html),
                ("$arstart", autoreply?.Start?.ToUnixTimeMilliseconds()),
                ("$arend", autoreply?.End?.ToUnixTimeMilliseconds()),
                ("$created", record.Created.ToUnixTimeMilliseconds()));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new StorageException(StorageError.AlreadyExists, "Address already exists.", ex);
        }
    }
}
