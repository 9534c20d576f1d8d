// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<AddressRecord>> ListAllAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default)
    {
        var needle = AddressAdminRules.QueryNeedle(query);
        return _db.ReadAsync<IReadOnlyList<AddressRecord>>(
            (c, t) =>
            {
                // The address_view UNIQUE index serves the order and the keyset; the query is a
                // literal substring of the display form (stored lowercased, like the needle).
                using var command = Command(
                    c,
                    t,
                    "SELECT " + AddressColumns + " FROM addresses WHERE ($after IS NULL OR address_view > $after) AND ($q IS NULL OR instr(address, $q) > 0) ORDER BY address_view LIMIT $limit");
                command.Parameters.AddWithValue("$after", (object?)afterAddressView ?? DBNull.Value);
                command.Parameters.AddWithValue("$q", (object?)needle ?? DBNull.Value);
                command.Parameters.AddWithValue("$limit", Math.Max(0, limit));
                return ReadRows(command, ReadAddress);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AddressRecord?> UpdateAddressAsync(UserId user, EntityId address, AddressUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var name = update.Name is null ? null : AddressAdminRules.Name(update.Name);
        return _db.WriteAsync(
            (c, t) =>
            {
                var current = ReadAddressOfUser(c, t, user, address);
                if (current is null)
                {
                    return null;
                }

                var (main, renamed) = AddressAdminRules.Plan(current, update);

                if (update.Address is not null)
                {
                    try
                    {
                        Execute(
                            c,
                            t,
                            "UPDATE addresses SET address = $a, address_view = $v WHERE id = $id",
                            ("$id", Blob(address)),
                            ("$a", renamed),
                            ("$v", AddressNormalizer.AddressView(renamed)));
                    }
                    catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                    {
                        throw new StorageException(StorageError.AlreadyExists, "Address already exists.", ex);
                    }
                }

                if (update.Name is not null)
                {
                    Execute(c, t, "UPDATE addresses SET name = $n WHERE id = $id", ("$id", Blob(address)), ("$n", name));
                }

                if (update.MakeMain && !current.Main)
                {
                    Execute(c, t, "UPDATE addresses SET main = (id = $id) WHERE user_id = $u", ("$id", Blob(address)), ("$u", Blob(user)));
                }

                if (main)
                {
                    Execute(c, t, "UPDATE users SET address = $a WHERE id = $u", ("$u", Blob(user)), ("$a", renamed));
                }

                return ReadAddressOfUser(c, t, user, address);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DomainRenameResult> RenameAddressDomainAsync(string oldDomain, string newDomain, CancellationToken cancellationToken = default)
    {
        var from = AddressAdminRules.Domain(oldDomain);
        var to = AddressAdminRules.Domain(newDomain);
        return _db.WriteAsync(
            (c, t) =>
            {
                List<AddressRecord> moving;
                using (var select = Command(c, t, "SELECT " + AddressColumns + " FROM addresses WHERE substr(address_view, -length($s)) = $s ORDER BY address_view"))
                {
                    select.Parameters.AddWithValue("$s", AddressAdminRules.DomainSuffix(from));
                    moving = ReadRows(select, ReadAddress);
                }

                int renamed = 0;
                int mains = 0;
                var conflicts = new List<string>();
                foreach (var record in moving)
                {
                    var moved = AddressAdminRules.MoveToDomain(record.Address, to);
                    try
                    {
                        // A failed statement rolls back only itself; the transaction goes on.
                        Execute(c, t, "UPDATE addresses SET address = $a, address_view = $v WHERE id = $id", ("$id", Blob(record.Id)), ("$a", moved), ("$v", AddressNormalizer.AddressView(moved)));
                    }
                    catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                    {
                        conflicts.Add(record.Address);
                        continue;
                    }

                    renamed++;
                    if (record.Main)
                    {
                        mains++;
                        Execute(c, t, "UPDATE users SET address = $a WHERE id = $u", ("$u", Blob(record.User)), ("$a", moved));
                    }
                }

                // Forwarded addresses move too (WildDuck keeps both kinds in one collection).
                List<(EntityId Id, string Address)> forwarded;
                using (var select = Command(c, t, "SELECT id, address FROM forwarded_addresses WHERE substr(address_view, -length($s)) = $s ORDER BY address_view"))
                {
                    select.Parameters.AddWithValue("$s", AddressAdminRules.DomainSuffix(from));
                    forwarded = ReadRows(select, static r => (ReadId(r, 0), r.GetString(1)));
                }

                foreach (var (id, current) in forwarded)
                {
                    var moved = AddressAdminRules.MoveToDomain(current, to);
                    try
                    {
                        Execute(c, t, "UPDATE forwarded_addresses SET address = $a, address_view = $v WHERE id = $id", ("$id", Blob(id)), ("$a", moved), ("$v", AddressNormalizer.AddressView(moved)));
                        renamed++;
                    }
                    catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                    {
                        conflicts.Add(current);
                    }
                }

                conflicts.Sort(StringComparer.Ordinal);
                return new DomainRenameResult(renamed, mains, conflicts);
            },
            cancellationToken);
    }

    /// <summary>Every row of a query, mapped.</summary>
    private static List<T> ReadRows<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }

        return list;
    }

    private static AddressRecord? ReadAddressOfUser(SqliteConnection c, SqliteTransaction t, UserId user, EntityId address)
    {
        using var command = Command(c, t, "SELECT " + AddressColumns + " FROM addresses WHERE id = $id AND user_id = $u");
        command.Parameters.AddWithValue("$id", Blob(address));
        command.Parameters.AddWithValue("$u", Blob(user));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadAddress(reader) : null;
    }
}
