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
    private const string UserColumns =
        "id, username, username_view, name, address, password_hash, quota, storage_used, disabled, suspended, disabled_scopes, retention_ms, spam_level, language, auth_version, created, forward_targets, enabled_2fa, pub_key, encrypt_messages, encrypt_forwarded";

    /// <summary>What a user read selects: the inserted columns plus those set only by updates (the temporary password).</summary>
    private const string UserReadColumns = UserColumns + ", temp_password_hash, temp_password_created, temp_password_valid_after, from_whitelist, recipients";

    private const int SqliteConstraint = 19;

    /// <summary>The columns <see cref="ReadAddress"/> reads, in order.</summary>
    private const string AddressColumns = "id, user_id, address, address_view, main, created, name";

    /// <inheritdoc />
    public async Task<UserRecord> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        var (username, address) = StoreRules.NewUserIdentity(request, _options);
        var passwordHash = request.PasswordHash ?? (request.Password is { Length: > 0 } pw ? _passwordHasher.Hash(pw) : string.Empty);
        var id = UserId.NewId(_time);
        var now = NowMs;
        var user = new UserRecord
        {
            Id = id,
            Username = username,
            UsernameView = AddressNormalizer.UsernameView(username),
            Name = request.Name,
            Address = address,
            PasswordHash = passwordHash,
            Quota = Math.Max(0, request.Quota),
            Recipients = Math.Max(0, request.Recipients),
            Retention = request.Retention is { } r && r > TimeSpan.Zero ? r : null,
            SpamLevel = Math.Clamp(request.SpamLevel, 0, 100),
            Language = request.Language,
            PublicKey = string.IsNullOrEmpty(request.PublicKey) ? null : request.PublicKey,
            EncryptMessages = request.EncryptMessages,
            EncryptForwarded = request.EncryptForwarded,
            FromWhitelist = request.FromWhitelist ?? Array.Empty<string>(),
            Created = DateTimeOffset.FromUnixTimeMilliseconds(now),
        };

        await _db.WriteAsync(
            (c, t) =>
            {
                using (var exists = Command(c, t, "SELECT 1 FROM users WHERE username_view = $v"))
                {
                    exists.Parameters.AddWithValue("$v", user.UsernameView);
                    if (exists.ExecuteScalar() is not null)
                    {
                        throw new StorageException(StorageError.AlreadyExists, "Username already exists.");
                    }
                }

                using (var insert = Command(c, t, "INSERT INTO users (" + UserColumns + ", from_whitelist, recipients, last_uid_validity) VALUES ($id, $username, $view, $name, $address, $hash, $quota, 0, 0, 0, '', $retention, $spam, $language, 1, $created, '', '', $pubkey, $encrypt, $encryptfwd, $whitelist, $recipients, 0)"))
                {
                    insert.Parameters.AddWithValue("$id", Blob(id));
                    insert.Parameters.AddWithValue("$username", user.Username);
                    insert.Parameters.AddWithValue("$view", user.UsernameView);
                    insert.Parameters.AddWithValue("$name", (object?)user.Name ?? DBNull.Value);
                    insert.Parameters.AddWithValue("$address", (object?)user.Address ?? DBNull.Value);
                    insert.Parameters.AddWithValue("$hash", user.PasswordHash);
                    insert.Parameters.AddWithValue("$quota", user.Quota);
                    insert.Parameters.AddWithValue("$retention", user.Retention is { } ret ? (long)ret.TotalMilliseconds : DBNull.Value);
                    insert.Parameters.AddWithValue("$spam", user.SpamLevel);
                    insert.Parameters.AddWithValue("$language", (object?)user.Language ?? DBNull.Value);
                    insert.Parameters.AddWithValue("$created", now);
                    insert.Parameters.AddWithValue("$pubkey", (object?)user.PublicKey ?? DBNull.Value);
                    insert.Parameters.AddWithValue("$encrypt", user.EncryptMessages);
                    insert.Parameters.AddWithValue("$encryptfwd", user.EncryptForwarded);
                    insert.Parameters.AddWithValue("$whitelist", string.Join('\n', user.FromWhitelist));
                    insert.Parameters.AddWithValue("$recipients", user.Recipients);
                    insert.ExecuteNonQuery();
                }

                foreach (var (path, specialUse) in StoreRules.DefaultMailboxes)
                {
                    var retention = StoreRules.DefaultRetention(specialUse, user.Retention, _options.Users);
                    InsertMailbox(c, t, id, path, new CreateMailboxOptions { SpecialUse = specialUse, Retention = retention }, journal: false);
                }

                if (address is not null)
                {
                    InsertAddress(c, t, id, address, main: true, now);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(UserId id, CancellationToken cancellationToken = default) =>
        _db.ReadAsync((c, t) => ReadUser(c, t, id), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> FindUserAsync(string usernameOrAddress, CancellationToken cancellationToken = default) =>
        StoreRules.FindUserAsync(
            this,
            usernameOrAddress,
            (view, ct) => _db.ReadAsync(
                (c, t) =>
                {
                    using var command = Command(c, t, "SELECT " + UserReadColumns + " FROM users WHERE username_view = $v");
                    command.Parameters.AddWithValue("$v", view);
                    using var reader = command.ExecuteReader();
                    return reader.Read() ? ReadUser(reader) : null;
                },
                ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(int limit, string? afterUsername = null, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<UserRecord>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + UserReadColumns + " FROM users WHERE username > $after ORDER BY username LIMIT $limit");
                command.Parameters.AddWithValue("$after", afterUsername ?? string.Empty);
                command.Parameters.AddWithValue("$limit", Math.Max(0, limit));
                return ReadRows(command, ReadUser);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> UpdateUserAsync(UserId id, UserUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return _db.WriteAsync(
            (c, t) =>
            {
                var sets = new List<string>();
                using var command = Command(c, t, string.Empty);
                if (update.Name is not null)
                {
                    sets.Add("name = $name");
                    command.Parameters.AddWithValue("$name", update.Name);
                }

                if (update.Quota is { } quota)
                {
                    sets.Add("quota = $quota");
                    command.Parameters.AddWithValue("$quota", Math.Max(0, quota));
                }

                if (update.Recipients is { } recipients)
                {
                    sets.Add("recipients = $recipients");
                    command.Parameters.AddWithValue("$recipients", Math.Max(0, recipients));
                }

                if (update.Disabled is { } disabled)
                {
                    sets.Add("disabled = $disabled");
                    command.Parameters.AddWithValue("$disabled", disabled);
                }

                if (update.Suspended is { } suspended)
                {
                    sets.Add("suspended = $suspended");
                    sets.Add("auth_version = auth_version + 1");
                    command.Parameters.AddWithValue("$suspended", suspended);
                }

                if (update.Retention is { } retention)
                {
                    sets.Add("retention_ms = $retention");
                    command.Parameters.AddWithValue("$retention", retention > TimeSpan.Zero ? (long)retention.TotalMilliseconds : DBNull.Value);
                }

                if (update.SpamLevel is { } spam)
                {
                    sets.Add("spam_level = $spam");
                    command.Parameters.AddWithValue("$spam", Math.Clamp(spam, 0, 100));
                }

                if (update.Language is not null)
                {
                    sets.Add("language = $language");
                    command.Parameters.AddWithValue("$language", update.Language);
                }

                if (update.DisabledScopes is not null)
                {
                    sets.Add("disabled_scopes = $scopes");
                    command.Parameters.AddWithValue("$scopes", string.Join(',', update.DisabledScopes));
                }

                if (update.ForwardTargets is not null)
                {
                    // One target per line: URLs may contain commas but never line breaks.
                    sets.Add("forward_targets = $targets");
                    command.Parameters.AddWithValue("$targets", string.Join('\n', update.ForwardTargets));
                }

                if (update.PublicKey is not null)
                {
                    sets.Add("pub_key = $pubkey");
                    command.Parameters.AddWithValue("$pubkey", update.PublicKey.Length == 0 ? DBNull.Value : update.PublicKey);
                }

                if (update.EncryptMessages is { } encrypt)
                {
                    sets.Add("encrypt_messages = $encrypt");
                    command.Parameters.AddWithValue("$encrypt", encrypt);
                }

                if (update.EncryptForwarded is { } encryptForwarded)
                {
                    sets.Add("encrypt_forwarded = $encryptfwd");
                    command.Parameters.AddWithValue("$encryptfwd", encryptForwarded);
                }

                if (update.FromWhitelist is not null)
                {
                    sets.Add("from_whitelist = $whitelist");
                    command.Parameters.AddWithValue("$whitelist", string.Join('\n', update.FromWhitelist));
                }

                if (update.PasswordHash is not null)
                {
                    // A password change ends a reset: the temporary password stops working (reference §7.1).
                    sets.Add("password_hash = $hash");
                    sets.Add("auth_version = auth_version + 1");
                    sets.Add("temp_password_hash = NULL, temp_password_created = NULL, temp_password_valid_after = NULL");
                    command.Parameters.AddWithValue("$hash", update.PasswordHash);
                }
                else if (update.TemporaryPassword is { } temporary)
                {
                    sets.Add("temp_password_hash = $temp, temp_password_created = $tempCreated, temp_password_valid_after = $tempValid");
                    command.Parameters.AddWithValue("$temp", temporary.Hash);
                    command.Parameters.AddWithValue("$tempCreated", temporary.Created.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$tempValid", temporary.ValidAfter.ToUnixTimeMilliseconds());
                }

                if (sets.Count > 0)
                {
                    command.CommandText = "UPDATE users SET " + string.Join(", ", sets) + " WHERE id = $id";
                    command.Parameters.AddWithValue("$id", Blob(id));
                    command.ExecuteNonQuery();
                }

                return ReadUser(c, t, id);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteUserAsync(UserId id, CancellationToken cancellationToken = default)
    {
        var deleted = await _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, id) is null)
                {
                    return false;
                }

                // Messages first: releasing their attachment references is what keeps counts exact.
                var mailboxes = new List<long>();
                using (var select = Command(c, t, "SELECT rid FROM mailboxes WHERE user_id = $u"))
                {
                    select.Parameters.AddWithValue("$u", Blob(id));
                    using var reader = select.ExecuteReader();
                    while (reader.Read())
                    {
                        mailboxes.Add(reader.GetInt64(0));
                    }
                }

                foreach (var mailboxRid in mailboxes)
                {
                    DeleteAllMessagesOfMailbox(c, t, mailboxRid);
                }

                Execute(c, t, "DELETE FROM mailboxes WHERE user_id = $u", ("$u", Blob(id)));
                Execute(c, t, "DELETE FROM thread_refs WHERE user_id = $u", ("$u", Blob(id)));
                Execute(c, t, "DELETE FROM threads WHERE user_id = $u", ("$u", Blob(id)));
                Execute(c, t, "DELETE FROM journal WHERE user_id = $u", ("$u", Blob(id)));
                Execute(c, t, "DELETE FROM users WHERE id = $u", ("$u", Blob(id)));
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            await NotifyAsync(id).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <inheritdoc />
    public Task<AddressRecord> AddAddressAsync(UserId user, string address, bool main = false, string? name = null, CancellationToken cancellationToken = default)
    {
        var normalized = StoreRules.NewAddress(address, main);
        var identity = name is null ? null : AddressAdminRules.Name(name);

        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, user) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                var record = InsertAddress(c, t, user, normalized, main, NowMs, identity);
                if (main)
                {
                    Execute(c, t, "UPDATE addresses SET main = 0 WHERE user_id = $u AND id <> $id", ("$u", Blob(user)), ("$id", Blob(record.Id)));
                    Execute(c, t, "UPDATE users SET address = $a WHERE id = $u", ("$u", Blob(user)), ("$a", normalized));
                }

                return record;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AddressRecord>> ListAddressesAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<AddressRecord>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT " + AddressColumns + " FROM addresses WHERE user_id = $u ORDER BY address_view");
                command.Parameters.AddWithValue("$u", Blob(user));
                return ReadRows(command, ReadAddress);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAddressAsync(UserId user, EntityId address, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                using var select = Command(c, t, "SELECT main FROM addresses WHERE id = $id AND user_id = $u");
                select.Parameters.AddWithValue("$id", Blob(address));
                select.Parameters.AddWithValue("$u", Blob(user));
                var main = select.ExecuteScalar();
                if (main is null)
                {
                    return false;
                }

                if ((long)main != 0)
                {
                    throw new StorageException(StorageError.Cannot, "The main address cannot be deleted.");
                }

                Execute(c, t, "DELETE FROM addresses WHERE id = $id", ("$id", Blob(address)));
                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<AddressRecord?> ResolveAddressAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default) =>
        (await ResolveRecipientAsync(address, allowWildcard, cancellationToken).ConfigureAwait(false))?.UserAddress;

    /// <inheritdoc />
    public Task AddDomainAliasAsync(DomainAlias alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alias);
        var from = AddressNormalizer.NormalizeDomain(alias.Alias);
        var to = AddressNormalizer.NormalizeDomain(alias.Domain);
        return _db.WriteAsync(
            (c, t) =>
            {
                try
                {
                    Execute(c, t, "INSERT INTO domain_aliases (alias, domain) VALUES ($a, $d)", ("$a", from), ("$d", to));
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    throw new StorageException(StorageError.AlreadyExists, "Domain alias already exists.", ex);
                }

                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken = default) =>
        _db.ReadAsync<IReadOnlyList<DomainAlias>>(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT alias, domain FROM domain_aliases ORDER BY alias");
                using var reader = command.ExecuteReader();
                var list = new List<DomainAlias>();
                while (reader.Read())
                {
                    list.Add(new DomainAlias(reader.GetString(0), reader.GetString(1)));
                }

                return list;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteDomainAliasAsync(string alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alias);
        var from = AddressNormalizer.NormalizeDomain(alias);
        return _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM domain_aliases WHERE alias = $a", ("$a", from)) > 0, cancellationToken);
    }

    private static AddressRecord InsertAddress(SqliteConnection c, SqliteTransaction t, UserId user, string address, bool main, long now, string? name = null)
    {
        var record = new AddressRecord
        {
            Id = EntityId.NewId(),
            User = user,
            Address = address,
            AddressView = AddressNormalizer.AddressView(address),
            Main = main,
            Created = DateTimeOffset.FromUnixTimeMilliseconds(now),
            Name = name,
        };
        try
        {
            Execute(
                c,
                t,
                "INSERT INTO addresses (id, user_id, address, address_view, main, created, name) VALUES ($id, $u, $a, $v, $m, $c, $n)",
                ("$id", Blob(record.Id)),
                ("$u", Blob(user)),
                ("$a", address),
                ("$v", record.AddressView),
                ("$m", main),
                ("$c", now),
                ("$n", name));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new StorageException(StorageError.AlreadyExists, "Address already exists.", ex);
        }

        return record;
    }

    private static AddressRecord ReadAddress(SqliteDataReader reader) => new()
    {
        Id = ReadId(reader, 0),
        User = new UserId(ReadId(reader, 1)),
        Address = reader.GetString(2),
        AddressView = reader.GetString(3),
        Main = reader.GetInt64(4) != 0,
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        Name = reader.IsDBNull(6) ? null : reader.GetString(6),
    };

    private static UserRecord? ReadUser(SqliteConnection c, SqliteTransaction t, UserId id)
    {
        using var command = Command(c, t, "SELECT " + UserReadColumns + " FROM users WHERE id = $id");
        command.Parameters.AddWithValue("$id", Blob(id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadUser(reader) : null;
    }

    private static UserRecord ReadUser(SqliteDataReader reader) => new()
    {
        Id = new UserId(ReadId(reader, 0)),
        Username = reader.GetString(1),
        UsernameView = reader.GetString(2),
        Name = reader.IsDBNull(3) ? null : reader.GetString(3),
        Address = reader.IsDBNull(4) ? null : reader.GetString(4),
        PasswordHash = reader.GetString(5),
        Quota = reader.GetInt64(6),
        StorageUsed = reader.GetInt64(7),
        Disabled = reader.GetInt64(8) != 0,
        Suspended = reader.GetInt64(9) != 0,
        DisabledScopes = reader.GetString(10).Length == 0 ? Array.Empty<string>() : reader.GetString(10).Split(','),
        Retention = reader.IsDBNull(11) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(11)),
        SpamLevel = (int)reader.GetInt64(12),
        Language = reader.IsDBNull(13) ? null : reader.GetString(13),
        AuthVersion = (int)reader.GetInt64(14),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(15)),
        ForwardTargets = reader.GetString(16).Length == 0 ? Array.Empty<string>() : reader.GetString(16).Split('\n'),
        Enabled2fa = reader.GetString(17).Length == 0 ? Array.Empty<string>() : reader.GetString(17).Split(','),
        PublicKey = reader.IsDBNull(18) ? null : reader.GetString(18),
        EncryptMessages = reader.GetInt64(19) != 0,
        EncryptForwarded = reader.GetInt64(20) != 0,
        TemporaryPassword = reader.IsDBNull(21)
            ? null
            : new TemporaryPassword(reader.GetString(21), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(22)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(23))),
        FromWhitelist = reader.GetString(24).Length == 0 ? Array.Empty<string>() : reader.GetString(24).Split('\n'),
        Recipients = (int)reader.GetInt64(25),
    };

    private static int Execute(SqliteConnection c, SqliteTransaction t, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, t, sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }
}
