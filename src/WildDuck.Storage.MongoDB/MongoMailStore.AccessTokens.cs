// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

/// <summary>
/// API access tokens in the <c>accesstokens</c> collection: one document per token hash, each
/// operation one single-document atomic write (or a <c>deleteMany</c> for the purge), so none needs
/// a transaction. Expired tokens are never returned (every read and extension filters on
/// <c>expires</c>); the TTL index <c>token_autoexpire</c> removes them within about a minute of
/// expiry, and <see cref="DeleteExpiredTokensAsync"/> removes them at once.
/// </summary>
public sealed partial class MongoMailStore : IAccessTokenStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The user is checked, the token inserted (the <c>_id</c> index refuses a taken hash), and the
    /// user checked again: a user deleted in between (its tokens already deleted) loses the new token
    /// too, and the caller gets <see cref="StorageError.NotFound"/>.
    /// </remarks>
    public Task CreateTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var document = ToAccessTokenDocument(token);
        return RunDirectAsync(
            async ct =>
            {
                await RequireUserAsync(null, document.User, ct).ConfigureAwait(false);
                await InsertUniqueAsync(_context.AccessTokens, null, document, "The token exists.", ct).ConfigureAwait(false);
                if (!await UserExistsAsync(null, document.User, ct).ConfigureAwait(false))
                {
                    await _context.AccessTokens.DeleteOneWithAsync(null, AccessTokenByHash(document.Id), ct).ConfigureAwait(false);
                    throw new StorageException(StorageError.NotFound, "No such user.");
                }

                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<AccessTokenRecord?> GetTokenAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return RunDirectAsync(
            async ct =>
            {
                var document = await _context.AccessTokens.FindWith(null, AccessTokenValid(tokenHash, MongoMapping.ToBsonDate(now)), UsersFind())
                    .FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToAccessTokenRecord(document);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ExtendTokenAsync(string tokenHash, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return RunDirectAsync(
            async ct =>
            {
                var result = await _context.AccessTokens.UpdateOneWithAsync(
                    null,
                    AccessTokenValid(tokenHash, MongoMapping.ToBsonDate(now)),
                    AccessTokenExtend(MongoMapping.ToBsonDate(expires)),
                    null,
                    ct).ConfigureAwait(false);
                return result.MatchedCount > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ConfirmTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return RunDirectAsync(
            async ct => (await _context.AccessTokens.UpdateOneWithAsync(null, AccessTokenByHash(tokenHash), AccessTokenConfirm(), null, ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return RunDirectAsync(
            async ct => (await _context.AccessTokens.DeleteOneWithAsync(null, AccessTokenByHash(tokenHash), ct).ConfigureAwait(false)).DeletedCount > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> DeleteUserTokensAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.AccessTokens.DeleteManyWithAsync(null, AccessTokensOfUser(MongoIds.ToObjectId(user)), ct).ConfigureAwait(false)).DeletedCount,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Counts only what this call deletes: tokens the TTL monitor removed before are gone already.</remarks>
    public Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.AccessTokens.DeleteManyWithAsync(null, AccessTokensExpired(MongoMapping.ToBsonDate(now)), ct).ConfigureAwait(false)).DeletedCount,
            cancellationToken);

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    /// <summary><c>{_id: hash}</c>.</summary>
    internal static FilterDefinition<AccessTokenDocument> AccessTokenByHash(string hash) =>
        Builders<AccessTokenDocument>.Filter.Eq(t => t.Id, hash);

    /// <summary><c>{_id: hash, expires: {$gt: now}}</c>: the token while it is valid.</summary>
    internal static FilterDefinition<AccessTokenDocument> AccessTokenValid(string hash, DateTime now) =>
        Builders<AccessTokenDocument>.Filter.Eq(t => t.Id, hash) & Builders<AccessTokenDocument>.Filter.Gt(t => t.Expires, now);

    /// <summary><c>{expires: {$lte: now}}</c>: every expired token (served by the TTL index).</summary>
    internal static FilterDefinition<AccessTokenDocument> AccessTokensExpired(DateTime now) =>
        Builders<AccessTokenDocument>.Filter.Lte(t => t.Expires, now);

    /// <summary><c>{user}</c>: a user's tokens (index <c>user</c>), deleted with the user.</summary>
    internal static FilterDefinition<AccessTokenDocument> AccessTokensOfUser(ObjectId user) =>
        Builders<AccessTokenDocument>.Filter.Eq(t => t.User, user);

    /// <summary><c>{$set: {expires}}</c>.</summary>
    internal static UpdateDefinition<AccessTokenDocument> AccessTokenExtend(DateTime expires) =>
        Builders<AccessTokenDocument>.Update.Set(t => t.Expires, expires);

    /// <summary><c>{$unset: {pending2fa}}</c>: the second factor was checked on the token.</summary>
    internal static UpdateDefinition<AccessTokenDocument> AccessTokenConfirm() =>
        Builders<AccessTokenDocument>.Update.Unset(t => t.Pending2fa);

    // ------------------------------------------------------------------ mapping

    internal static AccessTokenDocument ToAccessTokenDocument(AccessTokenRecord token) => new()
    {
        Id = token.TokenHash,
        User = MongoIds.ToObjectId(token.User),
        Role = token.Role,
        AuthVersion = token.AuthVersion,
        Created = MongoMapping.ToBsonDate(token.Created),
        Expires = MongoMapping.ToBsonDate(token.Expires),
        Pending2fa = token.Pending2fa,
    };

    internal static AccessTokenRecord ToAccessTokenRecord(AccessTokenDocument document) => new()
    {
        TokenHash = document.Id,
        User = MongoIds.ToUserId(document.User),
        Role = document.Role,
        AuthVersion = document.AuthVersion,
        Created = MongoMapping.FromBsonDate(document.Created),
        Expires = MongoMapping.FromBsonDate(document.Expires),
        Pending2fa = document.Pending2fa,
    };
}
