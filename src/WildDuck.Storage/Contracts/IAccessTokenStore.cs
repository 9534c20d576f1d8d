// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// A user-bound API access token as stored: only the SHA-256 of the token, never the token itself
/// (WildDuck keeps <c>tn:token:&lt;sha256&gt;</c> in Redis, reference §8.2).
/// </summary>
public sealed record AccessTokenRecord
{
    /// <summary>Lowercase hex SHA-256 of the token; the key.</summary>
    public required string TokenHash { get; init; }

    /// <summary>The user the token acts for.</summary>
    public required UserId User { get; init; }

    /// <summary>The role granted ("user").</summary>
    public required string Role { get; init; }

    /// <summary>
    /// The user's <see cref="UserRecord.AuthVersion"/> when the token was issued; a token whose value
    /// differs from the user's current one is revoked (password change, suspension).
    /// </summary>
    public required int AuthVersion { get; init; }

    /// <summary>When the token was issued.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the token stops being valid.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>
    /// True for a token issued to a user with 2FA until a second factor is checked on it: it opens
    /// only the 2FA check routes and logout (<see cref="IAccessTokenStore.ConfirmTokenAsync"/>).
    /// </summary>
    public bool Pending2fa { get; init; }
}

/// <summary>Hashed, expiring API access tokens (issued by <c>POST /authenticate</c>).</summary>
public interface IAccessTokenStore
{
    /// <summary>
    /// Stores a token; <see cref="StorageError.NotFound"/> when the user does not exist,
    /// <see cref="StorageError.AlreadyExists"/> when the hash is taken. Deleting the user deletes its tokens.
    /// </summary>
    Task CreateTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>Gets a token by hash; null when unknown or expired at <paramref name="now"/>.</summary>
    Task<AccessTokenRecord?> GetTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the expiry of an unexpired token to <paramref name="expires"/> (sliding expiry on use);
    /// false when the token is unknown or already expired at <paramref name="now"/>.
    /// </summary>
    Task<bool> ExtendTokenAsync(string tokenHash, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Clears <see cref="AccessTokenRecord.Pending2fa"/> after a successful 2FA check; false when the token does not exist.</summary>
    Task<bool> ConfirmTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Deletes a token; false when it did not exist.</summary>
    Task<bool> DeleteTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Deletes every token of <paramref name="user"/> (a forced logout); returns how many.</summary>
    Task<long> DeleteUserTokensAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Deletes every token that expired before <paramref name="now"/>; returns how many.</summary>
    Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
