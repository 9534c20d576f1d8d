// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    /// <inheritdoc />
    public Task CreateTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _db.WriteAsync(
            (c, t) =>
            {
                if (ReadUser(c, t, token.User) is null)
                {
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                var inserted = Execute(
                    c,
                    t,
                    """
                    INSERT INTO access_tokens (hash, user_id, role, auth_version, created, expires, pending_2fa)
                    VALUES ($h, $u, $role, $v, $created, $expires, $pending) ON CONFLICT(hash) DO NOTHING
                    """,
                    ("$h", token.TokenHash),
                    ("$u", Blob(token.User)),
                    ("$role", token.Role),
                    ("$v", token.AuthVersion),
                    ("$created", token.Created.ToUnixTimeMilliseconds()),
                    ("$expires", token.Expires.ToUnixTimeMilliseconds()),
                    ("$pending", token.Pending2fa));
                if (inserted == 0)
                {
                    throw new StorageException(StorageError.AlreadyExists, "The token exists.");
                }

                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AccessTokenRecord?> GetTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return _db.ReadAsync(
            (c, t) =>
            {
                using var command = Command(c, t, "SELECT user_id, role, auth_version, created, expires, pending_2fa FROM access_tokens WHERE hash = $h AND expires > $now");
                command.Parameters.AddWithValue("$h", tokenHash);
                command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                return new AccessTokenRecord
                {
                    TokenHash = tokenHash,
                    User = new UserId(ReadId(reader, 0)),
                    Role = reader.GetString(1),
                    AuthVersion = reader.GetInt32(2),
                    Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    Expires = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    Pending2fa = reader.GetInt64(5) != 0,
                };
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ExtendTokenAsync(string tokenHash, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return _db.WriteAsync(
            (c, t) => Execute(
                c,
                t,
                "UPDATE access_tokens SET expires = $expires WHERE hash = $h AND expires > $now",
                ("$h", tokenHash),
                ("$expires", expires.ToUnixTimeMilliseconds()),
                ("$now", now.ToUnixTimeMilliseconds())) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ConfirmTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return _db.WriteAsync((c, t) => Execute(c, t, "UPDATE access_tokens SET pending_2fa = 0 WHERE hash = $h", ("$h", tokenHash)) > 0, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return _db.WriteAsync((c, t) => Execute(c, t, "DELETE FROM access_tokens WHERE hash = $h", ("$h", tokenHash)) > 0, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> DeleteUserTokensAsync(UserId user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) => (long)Execute(c, t, "DELETE FROM access_tokens WHERE user_id = $u", ("$u", Blob(user))), cancellationToken);

    /// <inheritdoc />
    public Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(
            (c, t) => (long)Execute(c, t, "DELETE FROM access_tokens WHERE expires <= $now", ("$now", now.ToUnixTimeMilliseconds())),
            cancellationToken);
}
