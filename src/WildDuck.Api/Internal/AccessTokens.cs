// SPDX-License-Identifier: MIT
using System;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>
/// Finds the caller of a request (reference §8.2): the token comes from <c>X-Access-Token</c>,
/// <c>Authorization: Bearer</c> or <c>?accessToken=</c>; it is the static root or webmail token,
/// or a user token from <c>POST /authenticate</c> (40 hex characters, looked up by its SHA-256,
/// valid until it expires or the user's auth version changes; a token issued to a 2FA user opens only
/// the 2FA check routes until a second factor is checked on it).
/// </summary>
internal static class AccessTokens
{
    public const int TokenBytes = 20;

    public static string? Extract(HttpRequest request)
    {
        if (request.Headers["X-Access-Token"] is { Count: > 0 } header && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        return request.Query[ApiInputReader.AccessTokenParameter] is { Count: > 0 } query ? query[0] : null;
    }

    public static async Task<Caller> AuthenticateAsync(HttpRequest request, ApiServices services, CancellationToken cancellationToken)
    {
        var token = Extract(request);
        if (string.IsNullOrEmpty(token))
        {
            return Caller.Anonymous;
        }

        if (Matches(token, services.Options.AccessToken))
        {
            return Caller.Root;
        }

        if (Matches(token, services.Options.WebmailAccessToken))
        {
            return Caller.Webmail;
        }

        if (token.Length != TokenBytes * 2 || !IsHex(token) || services.Tokens is null)
        {
            throw ApiException.InvalidToken();
        }

        var hash = Hash(token);
        var record = await services.Tokens.GetTokenAsync(hash, services.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            throw ApiException.InvalidToken();
        }

        // A password change or suspension bumps the user's auth version: every older token is dead.
        var user = await services.Users.GetUserAsync(record.User, cancellationToken).ConfigureAwait(false);
        if (user is null || user.AuthVersion != record.AuthVersion || user.Disabled || user.Suspended)
        {
            throw ApiException.InvalidToken();
        }

        await SlideAsync(services, record, cancellationToken).ConfigureAwait(false);
        return new Caller(ApiRole.User, user.Id, hash, user) { Pending2fa = record.Pending2fa };
    }

    /// <summary>
    /// Extends the token on use, as WildDuck: to now + <see cref="ApiOptions.TokenLifetime"/>, never
    /// past issue + <see cref="ApiOptions.TokenMaxLifetime"/>. Written only once half the lifetime
    /// is used up, so a busy client does not turn every read into a write.
    /// </summary>
    private static async Task SlideAsync(ApiServices services, AccessTokenRecord record, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var options = services.Options;
        var wanted = now + options.TokenLifetime;
        var cap = record.Created + options.TokenMaxLifetime;
        if (wanted > cap)
        {
            wanted = cap;
        }

        if (wanted - record.Expires >= options.TokenLifetime / 2)
        {
            await services.Tokens!.ExtendTokenAsync(record.TokenHash, wanted, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A new random token (20 bytes as 40 lowercase hex characters, as WildDuck).</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>What the store keeps: the lowercase hex SHA-256 of the token.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token.ToLowerInvariant())));

    /// <summary>Compares in constant time (hashing first equalises the lengths).</summary>
    private static bool Matches(string token, string? configured)
    {
        if (string.IsNullOrEmpty(configured))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
