// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage.Security;

/// <summary>
/// The default <see cref="IUserAuthenticator"/> (reference §7.2): rate limits, account state and disabled scopes,
/// the temporary password, the account password (restricted to the master scope while the user has second
/// factors, see <see cref="ITwoFactorPolicy"/>) and application-specific passwords. Every attempt with a known
/// login name, and failed ones without, is recorded in the <see cref="IAuthenticationLog"/>.
/// </summary>
public sealed partial class UserAuthenticator : IUserAuthenticator
{
    private readonly IUserStore _store;
    private readonly IPasswordHasher _hasher;
    private readonly IAuthenticationRateLimiter _rateLimiter;
    private readonly AuthenticationOptions _limits;
    private readonly bool _rehashOnLogin;
    private readonly ILogger<UserAuthenticator> _logger;
    private readonly IAspStore? _asps;
    private readonly IAuthenticationLog? _log;
    private readonly ITwoFactorPolicy _twoFactor;
    private readonly TimeProvider _time;
    private readonly Lazy<string> _dummyHash;

    /// <summary>Creates an authenticator with an <see cref="InMemoryAuthenticationRateLimiter"/>.</summary>
    /// <param name="store">The user store.</param>
    /// <param name="hasher">The password hasher.</param>
    /// <param name="options">The options (<see cref="WildDuckOptions.Authentication"/>, <see cref="WildDuckOptions.Passwords"/>).</param>
    /// <param name="timeProvider">The clock used by the rate limiter and for temporary passwords.</param>
    /// <param name="logger">The logger.</param>
    public UserAuthenticator(IUserStore store, IPasswordHasher hasher, IOptions<WildDuckOptions> options, TimeProvider timeProvider, ILogger<UserAuthenticator> logger)
        : this(store, hasher, new InMemoryAuthenticationRateLimiter(timeProvider ?? throw new ArgumentNullException(nameof(timeProvider))), options, logger, timeProvider: timeProvider)
    {
    }

    /// <summary>Creates an authenticator with a given rate limiter (for example a shared one) and the account security services.</summary>
    /// <param name="store">The user store.</param>
    /// <param name="hasher">The password hasher.</param>
    /// <param name="rateLimiter">The failure counters.</param>
    /// <param name="options">The options (<see cref="WildDuckOptions.Authentication"/>, <see cref="WildDuckOptions.Passwords"/>).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="asps">Application-specific passwords; null when the backend has none (they are then never accepted).</param>
    /// <param name="log">The authentication log; null records nothing.</param>
    /// <param name="twoFactor">Which users have second factors; null for none.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public UserAuthenticator(
        IUserStore store,
        IPasswordHasher hasher,
        IAuthenticationRateLimiter rateLimiter,
        IOptions<WildDuckOptions> options,
        ILogger<UserAuthenticator> logger,
        IAspStore? asps = null,
        IAuthenticationLog? log = null,
        ITwoFactorPolicy? twoFactor = null,
        TimeProvider? timeProvider = null)
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
        _asps = asps;
        _log = log;
        _twoFactor = twoFactor ?? new UserRecordTwoFactorPolicy();
        _time = timeProvider ?? TimeProvider.System;

        // Verified for unknown users so that response time does not reveal whether a name exists.
        _dummyHash = new Lazy<string>(() => _hasher.Hash(Guid.NewGuid().ToString("N")), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public async Task<AuthenticationResult> AuthenticateAsync(string username, string password, AuthenticationContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var attempt = new Attempt(context, ForLog(username));

        // Step 1: an empty password (or name) fails without counting. Passwords are never trimmed (the IMAP/POP3
        // trimming of reference §9.9 item 12 is a WildDuck bug that is not copied).
        if (string.IsNullOrEmpty(password) || string.IsNullOrWhiteSpace(username))
        {
            LogFailed(attempt.LogName, attempt.Scope, attempt.Ip, AuthenticationFailure.InvalidCredentials);
            return AuthenticationResult.Failed(AuthenticationFailure.InvalidCredentials);
        }

        // Step 2: per-IP limit (disabled in WildDuck 2025; here configurable, 0 disables). Refused before any
        // lookup or log write, so a flood from one address costs one counter read per attempt.
        string? ipKey = attempt.Ip is not null && _limits.IpFailureLimit > 0 ? "auth_ip:" + attempt.Ip : null;
        if (ipKey is not null)
        {
            RateLimitStatus ipStatus = await _rateLimiter.CheckAsync(ipKey, _limits.IpFailureLimit, _limits.IpFailureWindow, ct).ConfigureAwait(false);
            if (ipStatus.Limited)
            {
                LogRateLimited(attempt.LogName, attempt.Scope, attempt.Ip, ipStatus.RetryAfter);
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
                LogRateLimited(attempt.LogName, attempt.Scope, attempt.Ip, userStatus.RetryAfter);
                await RecordAsync(attempt, user, AuthenticationFailure.RateLimited, null, null, ct).ConfigureAwait(false);
                return AuthenticationResult.RateLimited(userStatus.RetryAfter);
            }
        }

        if (user is null)
        {
            _ = _hasher.Verify(password, _dummyHash.Value);
            await CountFailureAsync(userKey, ipKey, ct).ConfigureAwait(false);
            LogUnknownUser(attempt.LogName, attempt.Scope, attempt.Ip);
            await RecordAsync(attempt, null, AuthenticationFailure.InvalidCredentials, null, null, ct).ConfigureAwait(false);
            return AuthenticationResult.Failed(AuthenticationFailure.InvalidCredentials);
        }

        // Step 5: disabled and suspended accounts (checked before the password, so nothing about it leaks).
        if (user.Disabled || user.Suspended)
        {
            return await FailAsync(attempt, user, user.Disabled ? AuthenticationFailure.Disabled : AuthenticationFailure.Suspended, null, null, ct).ConfigureAwait(false);
        }

        // Step 6: disabled scopes.
        foreach (string disabled in user.DisabledScopes)
        {
            if (string.Equals(disabled, attempt.Scope, StringComparison.OrdinalIgnoreCase))
            {
                return await FailAsync(attempt, user, AuthenticationFailure.ScopeDisabled, null, null, ct).ConfigureAwait(false);
            }
        }

        // Step 7: a temporary password from a reset, tried first while it is fresh. It opens only the master
        // scope, and marks the login as needing a password change.
        DateTimeOffset now = _time.GetUtcNow();
        if (user.TemporaryPassword is { } temporary
            && now - temporary.Created < _limits.TemporaryPasswordLifetime
            && _hasher.Verify(password, temporary.Hash) != PasswordVerification.Failed)
        {
            if (now < temporary.ValidAfter)
            {
                return await FailAsync(attempt, user, AuthenticationFailure.TemporaryPasswordNotYetValid, AuthenticationSource.Temporary, null, ct).ConfigureAwait(false);
            }

            if (attempt.Scope != AuthenticationScope.Master)
            {
                return await FailAsync(attempt, user, AuthenticationFailure.InvalidScope, AuthenticationSource.Temporary, null, ct).ConfigureAwait(false);
            }

            await _rateLimiter.ResetAsync(userKey, ct).ConfigureAwait(false);
            return await SucceedAsync(attempt, user, new AuthenticationResult
            {
                User = user,
                Source = AuthenticationSource.Temporary,
                RequirePasswordChange = true,
                RequireTwoFactor = _twoFactor.EnabledMethods(user),
            }, ct).ConfigureAwait(false);
        }

        // Step 8: the master password. An empty stored hash means password login is disabled (reference §7.1).
        PasswordVerification verification = _hasher.Verify(password, user.PasswordHash);
        if (verification != PasswordVerification.Failed)
        {
            // With second factors the account password is only the first step of an API login; the protocols
            // need an application-specific password (reference §7.2 step 8, §7.4).
            IReadOnlyList<string> secondFactors = _twoFactor.EnabledMethods(user);
            // Counted as a failure: the caller did not get in, and a mail client retrying it must be slowed down.
            if (secondFactors.Count > 0 && attempt.Scope != AuthenticationScope.Master)
            {
                await CountFailureAsync(userKey, ipKey, ct).ConfigureAwait(false);
                return await FailAsync(attempt, user, AuthenticationFailure.TwoFactorRequired, AuthenticationSource.Master, null, ct).ConfigureAwait(false);
            }

            // A success clears the user's window (reference §7.2 step 4); the IP window is left to expire.
            await _rateLimiter.ResetAsync(userKey, ct).ConfigureAwait(false);
            if (verification == PasswordVerification.SuccessRehashNeeded && _rehashOnLogin)
            {
                user = await RehashAsync(user, password, attempt.LogName, ct).ConfigureAwait(false);
            }

            return await SucceedAsync(attempt, user, new AuthenticationResult { User = user, Source = AuthenticationSource.Master, RequireTwoFactor = secondFactors }, ct).ConfigureAwait(false);
        }

        // Steps 9 and 10: application-specific passwords, never for the master scope.
        if (attempt.Scope != AuthenticationScope.Master && await FindAspAsync(user, password, now, ct).ConfigureAwait(false) is { } asp)
        {
            if (!AccountPasswords.AllowsScope(asp.Scopes, attempt.Scope))
            {
                return await FailAsync(attempt, user, AuthenticationFailure.InvalidScope, AuthenticationSource.Asp, asp, ct).ConfigureAwait(false);
            }

            await _rateLimiter.ResetAsync(userKey, ct).ConfigureAwait(false);
            await RecordAspUseAsync(asp, now, attempt.Ip, ct).ConfigureAwait(false);
            return await SucceedAsync(attempt, user, new AuthenticationResult { User = user, Source = AuthenticationSource.Asp, Asp = asp }, ct).ConfigureAwait(false);
        }

        // Step 11: count the failure against the user and the IP.
        await CountFailureAsync(userKey, ipKey, ct).ConfigureAwait(false);
        return await FailAsync(attempt, user, AuthenticationFailure.InvalidCredentials, null, null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The user's application password matching <paramref name="password"/>: only those of the password's
    /// selector bucket are verified (plus any stored without a selector), so a login costs a few hash checks
    /// rather than one per password.
    /// </summary>
    private async Task<AspRecord?> FindAspAsync(UserRecord user, string password, DateTimeOffset now, CancellationToken ct)
    {
        if (_asps is null || AccountPasswords.NormalizeApplicationPassword(password) is not { } normalized)
        {
            return null;
        }

        string selector = AccountPasswords.Selector(normalized);
        foreach (AspRecord asp in await _asps.ListAspsAsync(user.Id, now, ct).ConfigureAwait(false))
        {
            if ((asp.Selector.Length == 0 || asp.Selector == selector) && _hasher.Verify(normalized, asp.PasswordHash) != PasswordVerification.Failed)
            {
                return asp;
            }
        }

        return null;
    }

    private async Task RecordAspUseAsync(AspRecord asp, DateTimeOffset now, string? ip, CancellationToken ct)
    {
        try
        {
            await _asps!.RecordAspUseAsync(asp.User, asp.Id, now, ip, ct).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            // The login succeeded; only the "last used" bookkeeping (and a TTL extension) is lost.
            LogAspUseFailed(ex, asp.Id.ToString(), asp.User.ToString());
        }
    }

    private async Task<AuthenticationResult> SucceedAsync(Attempt attempt, UserRecord user, AuthenticationResult result, CancellationToken ct)
    {
        LogSucceeded(attempt.LogName, user.Id.ToString(), attempt.Scope, attempt.Ip, result.Source);
        await RecordAsync(attempt, user, AuthenticationFailure.None, result.Source, result.Asp, ct).ConfigureAwait(false);
        return result;
    }

    private async Task<AuthenticationResult> FailAsync(Attempt attempt, UserRecord user, AuthenticationFailure failure, string? source, AspRecord? asp, CancellationToken ct)
    {
        LogFailed(attempt.LogName, attempt.Scope, attempt.Ip, failure);
        await RecordAsync(attempt, user, failure, source, asp, ct).ConfigureAwait(false);

        // The user is exposed only where the account state itself refused the login (the result's contract).
        bool stateRefusal = failure is AuthenticationFailure.Disabled or AuthenticationFailure.Suspended or AuthenticationFailure.ScopeDisabled;
        return AuthenticationResult.Failed(failure, stateRefusal ? user : null);
    }

    private Task RecordAsync(Attempt attempt, UserRecord? user, AuthenticationFailure failure, string? source, AspRecord? asp, CancellationToken ct)
    {
        if (_log is null)
        {
            return Task.CompletedTask;
        }

        return _log.RecordAsync(
            new AuthEvent
            {
                User = user?.Id,
                Action = AuthEventAction.Authentication,
                Result = failure switch
                {
                    AuthenticationFailure.None => AuthEventResult.Success,
                    AuthenticationFailure.Disabled => AuthEventResult.Disabled,
                    AuthenticationFailure.Suspended => AuthEventResult.Suspended,
                    _ => AuthEventResult.Fail,
                },
                Reason = failure == AuthenticationFailure.None ? null : failure.ToString(),
                Protocol = attempt.Protocol,
                Session = attempt.Context.Session,
                RemoteAddress = attempt.Ip,
                RequiredScope = attempt.Scope,
                Source = source,
                Asp = asp?.Id,
                AspName = asp?.Description,
            },
            ct);
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

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Authentication succeeded for {Username} (user {UserId}, scope {Scope}, ip {RemoteAddress}, source {Source})")]
    private partial void LogSucceeded(string username, string userId, string scope, string? remoteAddress, string? source);

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

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Could not record the use of application password {AspId} of user {UserId}")]
    private partial void LogAspUseFailed(Exception exception, string aspId, string userId);

    /// <summary>One login attempt's normalised context.</summary>
    private sealed class Attempt
    {
        public Attempt(AuthenticationContext context, string logName)
        {
            Context = context;
            LogName = logName;
            Scope = context.Scope ?? string.Empty;
            Ip = string.IsNullOrWhiteSpace(context.RemoteAddress) ? null : context.RemoteAddress.Trim();
            Protocol = context.Protocol ?? Scope switch
            {
                AuthenticationScope.Imap => "IMAP",
                AuthenticationScope.Pop3 => "POP3",
                AuthenticationScope.Smtp => "SMTP",
                _ => "API",
            };
        }

        public AuthenticationContext Context { get; }

        public string LogName { get; }

        public string Scope { get; }

        public string? Ip { get; }

        public string Protocol { get; }
    }
}
