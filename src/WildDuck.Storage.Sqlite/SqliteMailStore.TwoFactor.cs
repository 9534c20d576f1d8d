// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Two-factor state (reference §7.4): the method list and TOTP columns of <c>users</c>, the
/// <c>webauthn_credentials</c> and <c>webauthn_challenges</c> tables. Each method is one write
/// transaction, so "first method enabled" and the auth-version bump cannot be split.
/// </summary>
public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task<TwoFactorState?> GetTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT enabled_2fa, totp_seed, totp_pending_seed, totp_pending_changed FROM users WHERE id = $id");
                command.Parameters.AddWithValue("$id", Blob(user));
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                return new TwoFactorState
                {
                    Enabled = SplitMethods(reader.GetString(0)),
                    TotpSeed = reader.IsDBNull(1) ? null : reader.GetString(1),
                    PendingTotpSeed = reader.IsDBNull(2) ? null : reader.GetString(2),
                    PendingTotpSeedChanged = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    WebAuthnCredentials = ReadCredentials(c, t, user),
                };
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPendingTotpSeedAsync(UserId user, string seed, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(seed);
        return _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE users SET totp_pending_seed = $seed, totp_pending_changed = $now WHERE id = $id",
                ("$seed", seed),
                ("$now", now.ToUnixTimeMilliseconds()),
                ("$id", Blob(user))) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord?> EnableTotpAsync(UserId user, string pendingSeed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pendingSeed);
        return _db.WriteAsync(
            (c, t) =>
            {
                var changed = Execute(
                    c,
                    t,
                    "UPDATE users SET totp_seed = totp_pending_seed, totp_pending_seed = NULL, totp_pending_changed = NULL WHERE id = $id AND totp_pending_seed = $seed",
                    ("$id", Blob(user)),
                    ("$seed", pendingSeed));
                return changed == 0 ? null : AddMethod(c, t, user, TwoFactorMethod.Totp);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryUseTotpStepAsync(UserId user, long timeStep, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE users SET totp_last_step = $step WHERE id = $id AND totp_last_step < $step",
                ("$step", timeStep),
                ("$id", Blob(user))) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> DisableTotpAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => RemoveMethod(c, t, user, TwoFactorMethod.Totp, "totp_seed = NULL, totp_pending_seed = NULL, totp_pending_changed = NULL, "), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> DisableTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                if (Execute(c, t, "UPDATE users SET totp_seed = NULL, totp_pending_seed = NULL, totp_pending_changed = NULL, enabled_2fa = '' WHERE id = $id", ("$id", Blob(user))) == 0)
                {
                    return null;
                }

                Execute(c, t, "DELETE FROM webauthn_credentials WHERE user_id = $id", ("$id", Blob(user)));
                return ReadUser(c, t, user);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> EnableCustomTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => ReadMethods(c, t, user) is null ? null : AddMethod(c, t, user, TwoFactorMethod.Custom), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> DisableCustomTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => RemoveMethod(c, t, user, TwoFactorMethod.Custom, string.Empty), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> AddWebAuthnCredentialAsync(UserId user, WebAuthnCredentialRecord credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadMethods(c, t, user) is null)
                {
                    return null;
                }

                var inserted = Execute(
                    c,
                    t,
                    """
                    INSERT INTO webauthn_credentials (id, user_id, credential_id, public_key, sign_count, rp_id, description, attachment, created)
                    VALUES ($id, $user, $credential, $key, $count, $rp, $description, $attachment, $created) ON CONFLICT DO NOTHING
                    """,
                    ("$id", Blob(credential.Id)),
                    ("$user", Blob(user)),
                    ("$credential", credential.CredentialId),
                    ("$key", credential.PublicKey),
                    ("$count", (long)credential.SignCount),
                    ("$rp", credential.RpId),
                    ("$description", credential.Description),
                    ("$attachment", credential.AuthenticatorAttachment),
                    ("$created", credential.Created.ToUnixTimeMilliseconds()));
                if (inserted == 0)
                {
                    throw new StorageException(StorageError.AlreadyExists, "The credential is registered already.");
                }

                return AddMethod(c, t, user, TwoFactorMethod.WebAuthn);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateWebAuthnSignCountAsync(UserId user, EntityId credential, uint signCount, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE webauthn_credentials SET sign_count = $count WHERE id = $id AND user_id = $user",
                ("$count", (long)signCount),
                ("$id", Blob(credential)),
                ("$user", Blob(user))) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteWebAuthnCredentialAsync(UserId user, EntityId credential, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) =>
            {
                if (Execute(c, t, "DELETE FROM webauthn_credentials WHERE id = $id AND user_id = $user", ("$id", Blob(credential)), ("$user", Blob(user))) == 0)
                {
                    return false;
                }

                if (ReadCredentials(c, t, user).Count == 0 && ReadMethods(c, t, user) is { } methods)
                {
                    Execute(
                        c,
                        t,
                        "UPDATE users SET enabled_2fa = $methods WHERE id = $id",
                        ("$methods", JoinMethods(methods.Where(m => m != TwoFactorMethod.WebAuthn))),
                        ("$id", Blob(user)));
                }

                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task SaveWebAuthnChallengeAsync(WebAuthnChallengeRecord challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadMethods(c, t, challenge.User) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                // Expired ceremonies are purged where new ones are made, so the table stays bounded.
                Execute(c, t, "DELETE FROM webauthn_challenges WHERE expires <= $now", ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()));
                Execute(
                    c,
                    t,
                    """
                    INSERT INTO webauthn_challenges (challenge, user_id, kind, options, description, attachment, expires)
                    VALUES ($challenge, $user, $kind, $options, $description, $attachment, $expires)
                    """,
                    ("$challenge", challenge.Challenge),
                    ("$user", Blob(challenge.User)),
                    ("$kind", challenge.Kind),
                    ("$options", challenge.Options),
                    ("$description", challenge.Description),
                    ("$attachment", challenge.AuthenticatorAttachment),
                    ("$expires", challenge.Expires.ToUnixTimeMilliseconds()));
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<WebAuthnChallengeRecord?> TakeWebAuthnChallengeAsync(UserId user, string challenge, string kind, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(kind);
        return _db.WriteAsync(
            (c, t) =>
            {
                WebAuthnChallengeRecord? found = null;
                using (var command = Command(c, t, "SELECT options, description, attachment, expires FROM webauthn_challenges WHERE challenge = $challenge AND user_id = $user AND kind = $kind"))
                {
                    command.Parameters.AddWithValue("$challenge", challenge);
                    command.Parameters.AddWithValue("$user", Blob(user));
                    command.Parameters.AddWithValue("$kind", kind);
                    using var reader = command.ExecuteReader();
                    if (reader.Read())
                    {
                        found = new WebAuthnChallengeRecord
                        {
                            Challenge = challenge,
                            User = user,
                            Kind = kind,
                            Options = reader.GetString(0),
                            Description = reader.IsDBNull(1) ? null : reader.GetString(1),
                            AuthenticatorAttachment = reader.IsDBNull(2) ? null : reader.GetString(2),
                            Expires = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                        };
                    }
                }

                if (found is null)
                {
                    return null;
                }

                Execute(c, t, "DELETE FROM webauthn_challenges WHERE challenge = $challenge", ("$challenge", challenge));
                return found.Expires > now ? found : null;
            },
            cancellationToken);
    }

    /// <summary>Adds a method in the current transaction; the first method of a user also increments its auth version.</summary>
    private static UserRecord? AddMethod(SqliteConnection c, SqliteTransaction t, UserId user, string method)
    {
        var methods = ReadMethods(c, t, user)!;
        Execute(
            c,
            t,
            "UPDATE users SET enabled_2fa = $methods, auth_version = auth_version + $bump WHERE id = $id",
            ("$methods", JoinMethods(methods.Contains(method) ? methods : methods.Append(method))),
            ("$bump", methods.Count == 0 ? 1 : 0),
            ("$id", Blob(user)));
        return ReadUser(c, t, user);
    }

    /// <summary>Removes a method in the current transaction, with <paramref name="alsoSet"/> (<c>column = value, </c>…) in the same update; null when the user does not exist.</summary>
    private static UserRecord? RemoveMethod(SqliteConnection c, SqliteTransaction t, UserId user, string method, string alsoSet)
    {
        var methods = ReadMethods(c, t, user);
        if (methods is null)
        {
            return null;
        }

        Execute(c, t, "UPDATE users SET " + alsoSet + "enabled_2fa = $methods WHERE id = $id", ("$methods", JoinMethods(methods.Where(m => m != method))), ("$id", Blob(user)));
        return ReadUser(c, t, user);
    }

    private static List<string>? ReadMethods(SqliteConnection c, SqliteTransaction t, UserId user)
    {
        using var command = Command(c, t, "SELECT enabled_2fa FROM users WHERE id = $id");
        command.Parameters.AddWithValue("$id", Blob(user));
        return command.ExecuteScalar() is string text ? SplitMethods(text).ToList() : null;
    }

    private static List<WebAuthnCredentialRecord> ReadCredentials(SqliteConnection c, SqliteTransaction t, UserId user)
    {
        using var command = Command(c, t, "SELECT id, credential_id, public_key, sign_count, rp_id, description, attachment, created FROM webauthn_credentials WHERE user_id = $user ORDER BY created, id");
        command.Parameters.AddWithValue("$user", Blob(user));
        using var reader = command.ExecuteReader();
        var list = new List<WebAuthnCredentialRecord>();
        while (reader.Read())
        {
            list.Add(new WebAuthnCredentialRecord
            {
                Id = ReadId(reader, 0),
                CredentialId = reader.GetFieldValue<byte[]>(1),
                PublicKey = reader.GetFieldValue<byte[]>(2),
                SignCount = (uint)reader.GetInt64(3),
                RpId = reader.GetString(4),
                Description = reader.GetString(5),
                AuthenticatorAttachment = reader.IsDBNull(6) ? null : reader.GetString(6),
                Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
            });
        }

        return list;
    }

    private static string[] SplitMethods(string text) => text.Length == 0 ? Array.Empty<string>() : text.Split(',');

    private static string JoinMethods(IEnumerable<string> methods) => string.Join(',', methods);
}
