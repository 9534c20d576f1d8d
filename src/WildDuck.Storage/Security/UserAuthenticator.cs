// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage.Security;

/// <summary>
/// The default <see cref="IUserAuthenticator"/>: master-password login as in reference §7.2 steps 1-6, 8 and 11
/// (temporary and application-specific passwords are not handled here; with 2FA the master password is
/// refused for every scope but <c>master</c>, whose second step the API performs).
/// </summary>
public sealed partial class UserAuthenticator : IUserAuthenticator
{
    private readonly IUserStore _store;
    private readonly IPasswordHasher _hasher;
    private readonly IAuthenticationRateLimiter _rateLimiter;
    private readonly AuthenticationOptions _limits;
    private readonly bool _rehashOnLogin;
    private readonly ILogger<UserAuthenticator> _logger;
    private readonly Lazy<string> _dummyHash;

    /// <summary>Creates an authenticator with an <see cref="InMemoryAuthenticationRateLimiter"/>.</summary>
    /// <param name="store">The user store.</param>
    /// <param name="hasher">The password hasher.</param>
    /// <param name="options">The options (<see cref="WildDuckOptions.Authentication"/>, <see cref="WildDuckOptions.Passwords"/>).</param>
    /// <param name="timeProvider">The clock used by the rate limiter.</param>
    /// <param name="logger">The logger.</param>
    public UserAuthenticator(IUserStore store, IPasswordHasher hasher, IOptions<WildDuckOptions> options, TimeProvider timeProvider, ILogger<UserAuthenticator> logger)
        : this(store, hasher, new InMemoryAuthenticationRateLimiter(timeProvider ?? throw new ArgumentNullException(nameof(timeProvider))), options, logger)
    {
    }

    /// <summary>Creates an authenticator with a given rate limiter (for example a shared one).</summary>
    /// <param name="store">The user store.</param>
    /// <param name="hasher">The password hasher.</param>
    /// <param name="rateLimiter">The failure counters.</param>
    /// <param name="options">The options (<see cref="WildDuckOptions.Authentication"/>, <see cref="WildDuckOptions.Passwords"/>).</param>
    /// <param name="logger">The logger.</param>
    public UserAuthenticator(IUserStore store, IPasswordHasher hasher, IAuthenticationRateLimiter rateLimiter, IOptions<WildDuckOptions> options, ILogger<UserAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(rateLimiter);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _hasher = hasher;
        _rateLimiter = rateLimiter;
        _limits = options.Value.Authentication ?? new AuthenticationOptions();
        _rehashOnLogin = options.Value.Passwords?.RehashOnLogin ?? true;
        _logger = logger;

        // Verified for unknown users so that response time does not reveal whether a name exists.
        _dummyHash = new Lazy<string>(() => _hasher.Hash(Guid.NewGuid().ToString("N")), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public async Task<AuthenticationResult> AuthenticateAsync(string username, string password, AuthenticationContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        string scope = context.Scope ?? string.Empty;
        string? ip = string.IsNullOrWhiteSpace(context.RemoteAddress) ? null : context.RemoteAddress.Trim();
        string logName = ForLog(username);

        // Step 1: an empty password (or name) fails without counting. Passwords are never trimmed (the IMAP/POP3
        // trimming of reference §9.9 item 12 is a WildDuck bug that is not copied).
        if (string.IsNullOrEmpty(password) || string.IsNullOrWhiteSpace(username))
        {
            LogFailed(logName, scope, ip, AuthenticationFailure.InvalidCredentials);
            return AuthenticationResult.Failed(AuthenticationFailure.InvalidCredentials);
        }

        // Step 2: per-IP limit (disabled in WildDuck 2025; here configurable, 0 disables).
        string? ipKey = ip is not null && _limits.IpFailureLimit > 0 ? "auth_ip:" + ip : null;
        if (ipKey is not null)
        {
            RateLimitStatus ipStatus = await _rateLimiter.CheckAsync(ipKey, _limits.IpFailureLimit, _limits.IpFailureWindow, ct).ConfigureAwait(false);
            if (ipStatus.Limited)
            {
                LogRateLimited(logName, scope, ip, ipStatus.RetryAfter);
                return AuthenticationResult.RateLimited(ipStatus.RetryAfter);
            }
        }

        // Step 3: resolve the login name (username without dots, or an address without wildcards).
        UserRecord? user = await _store.FindUserAsync(username, ct).ConfigureAwait(false);
        string userKey = "auth_user:" + (user is null ? AddressNormalizer.UsernameView(username) : user.Id.ToString());

        // Step 4: per-user limit; unknown names are counted under their name view.
        if (_limits.UserFailureLimit > 0)
        {
            RateLimitStatus userStatus = await _rateLimiter.CheckAsync(userKey, _limits.UserFailureLimit, _limits.UserFailureWindow, ct).ConfigureAwait(false);
            if (userStatus.Limited)
            {
                LogRateLimited(logName, scope, ip, userStatus.RetryAfter);
                return AuthenticationResult.RateLimited(userStatus.RetryAfter);
            }
        }

        if (user is null)
        {
            _ = _hasher.Verify(password, _dummyHash.Value);
            await CountFailureAsync(userKey, ipKey, ct).ConfigureAwait(false);
            LogUnknownUser(logName, scope, ip);
            return AuthenticationResult.Failed(AuthenticationFailure.InvalidCredentials);
        }

        // Step 5: disabled and suspended accounts (checked before the password, so nothing about it leaks).
        if (user.Disabled || user.Suspended)
        {
            AuthenticationFailure reason = user.Disabled ? AuthenticationFailure.Disabled : AuthenticationFailure.Suspended;
            LogFailed(logName, scope, ip, reason);
            return AuthenticationResult.Failed(reason, user);
        }

        // Step 6: disabled scopes.
        foreach (string disabled in user.DisabledScopes)
        {
            if (string.Equals(disabled, scope, StringComparison.OrdinalIgnoreCase))
            {
                LogFailed(logName, scope, ip, AuthenticationFailure.ScopeDisabled);
                return AuthenticationResult.Failed(AuthenticationFailure.ScopeDisabled, user);
            }
        }

        // Step 8: the master password. An empty stored hash means password login is disabled (reference §7.1).
        PasswordVerification verification = _hasher.Verify(password, user.PasswordHash);
        if (verification == PasswordVerification.Failed)
        {
            // Step 11: count the failure against the user and the IP.
            await CountFailureAsync(userKey, ipKey, ct).ConfigureAwait(false);
            LogFailed(logName, scope, ip, AuthenticationFailure.InvalidCredentials);
            return AuthenticationResult.Failed(AuthenticationFailure.InvalidCredentials);
        }

        // Step 8: with 2FA on, the master password opens only the master scope (the API, which then
        // asks for the second factor); mail protocols need an application-specific password. Counted
        // as a failure: the caller did not get in, and a mail client retrying it must be slowed down.
        if (user.Enabled2fa.Count > 0 && !string.Equals(scope, AuthenticationScope.Master, StringComparison.Ordinal))
        {
            await CountFailureAsync(userKey, ipKey, ct).ConfigureAwait(false);
            LogFailed(logName, scope, ip, AuthenticationFailure.TwoFactorRequired);
            return AuthenticationResult.Failed(AuthenticationFailure.TwoFactorRequired);
        }

        // A success clears the user's window (reference §7.2 step 4); the IP window is left to expire.
        await _rateLimiter.ResetAsync(userKey, ct).ConfigureAwait(false);

        if (verification == PasswordVerification.SuccessRehashNeeded && _rehashOnLogin)
        {
            user = await RehashAsync(user, password, logName, ct).ConfigureAwait(false);
        }

        LogSucceeded(logName, user.Id.ToString(), scope, ip);
        return AuthenticationResult.Success(user);
    }

    private async Task CountFailureAsync(string userKey, string? ipKey, CancellationToken ct)
    {
        if (_limits.UserFailureLimit > 0)
        {
            await _rateLimiter.RecordFailureAsync(userKey, _limits.UserFailureLimit, _limits.UserFailureWindow, ct).ConfigureAwait(false);
        }

        if (ipKey is not null)
        {
            await _rateLimiter.RecordFailureAsync(ipKey, _limits.IpFailureLimit, _limits.IpFailureWindow, ct).ConfigureAwait(false);
        }
    }

    private async Task<UserRecord> RehashAsync(UserRecord user, string password, string logName, CancellationToken ct)
    {
        try
        {
            string newHash = _hasher.Hash(password);

            // Note: UserUpdate.PasswordHash bumps AuthVersion (its documented contract), which invalidates the user's
            // existing tokens once after an upgrade. WildDuck's REHASH does not bump authVersion; accepted for now
            // rather than adding a store method just for rehashing.
            UserRecord? updated = await _store.UpdateUserAsync(user.Id, new UserUpdate { PasswordHash = newHash }, ct).ConfigureAwait(false);
            LogRehashed(logName, user.Id.ToString());
            return updated ?? user;
        }
        catch (StorageException ex)
        {
            // The login itself succeeded; a failed upgrade is retried on the next login.
            LogRehashFailed(ex, logName, user.Id.ToString());
            return user;
        }
    }

    private static string ForLog(string? username)
    {
        if (username is null)
        {
            return string.Empty;
        }

        string value = username.Length > 256 ? username[..256] : username;
        return string.Create(value.Length, value, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Authentication succeeded for {Username} (user {UserId}, scope {Scope}, ip {RemoteAddress})")]
    private partial void LogSucceeded(string username, string userId, string scope, string? remoteAddress);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "[AUTHFAIL] Authentication failed for {Username} (scope {Scope}, ip {RemoteAddress}): {Reason}")]
    private partial void LogFailed(string username, string scope, string? remoteAddress, AuthenticationFailure reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "[AUTHFAIL] Authentication failed for unknown user {Username} (scope {Scope}, ip {RemoteAddress})")]
    private partial void LogUnknownUser(string username, string scope, string? remoteAddress);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "[AUTHFAIL] Authentication rate limited for {Username} (scope {Scope}, ip {RemoteAddress}); retry after {RetryAfter}")]
    private partial void LogRateLimited(string username, string scope, string? remoteAddress, TimeSpan? retryAfter);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "REHASH password hash of {Username} (user {UserId}) upgraded to the current scheme")]
    private partial void LogRehashed(string username, string userId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "REHASH of the password hash of {Username} (user {UserId}) failed")]
    private partial void LogRehashFailed(Exception exception, string username, string userId);
}
