// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WildDuck.Storage.Security;

/// <summary>
/// The default <see cref="IAuthenticationLog"/>: writes to the backend's <see cref="IAuthLogStore"/> with the
/// retention and merge window of <see cref="AuthenticationOptions"/>, and purges expired entries at most once per
/// <see cref="AuthenticationOptions.AuthLogPurgeInterval"/> after a write (MongoDB's TTL index also drops them).
/// Without a store, or with a retention of zero, nothing is recorded.
/// </summary>
public sealed partial class AuthenticationLog : IAuthenticationLog
{
    private readonly IAuthLogStore? _store;
    private readonly AuthenticationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuthenticationLog> _logger;
    private long _nextPurgeTicks;
    private int _purging;

    /// <summary>Creates the log.</summary>
    /// <param name="store">The backend's log store; null records nothing.</param>
    /// <param name="options">The options (<see cref="WildDuckOptions.Authentication"/>).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Where store errors go.</param>
    public AuthenticationLog(IAuthLogStore? store, IOptions<WildDuckOptions> options, TimeProvider timeProvider, ILogger<AuthenticationLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _options = options.Value.Authentication ?? new AuthenticationOptions();
        _time = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task RecordAsync(AuthEvent entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_store is null || _options.AuthLogRetention <= TimeSpan.Zero)
        {
            return;
        }

        var now = _time.GetUtcNow();
        try
        {
            await _store.AddAuthEventAsync(
                new AuthEventRecord
                {
                    Id = EntityId.NewId(_time),
                    User = entry.User,
                    Action = entry.Action,
                    Result = entry.Result,
                    Reason = entry.Reason,
                    Protocol = entry.Protocol,
                    Session = Clip(entry.Session),
                    RemoteAddress = Clip(entry.RemoteAddress),
                    RequiredScope = entry.RequiredScope,
                    Source = entry.Source,
                    Asp = entry.Asp,
                    AspName = entry.AspName,
                    Created = now,
                    Last = now,
                    Expires = now + _options.AuthLogRetention,
                },
                _options.AuthLogMergeWindow,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Best effort by contract (reference §7.5 is an audit aid): a full disk or a cancelled connection must
            // not turn a valid login into a failure.
            LogWriteFailed(ex, entry.Action, entry.User?.ToString());
            return;
        }

        await PurgeIfDueAsync(now).ConfigureAwait(false);
    }

    private async Task PurgeIfDueAsync(DateTimeOffset now)
    {
        if (now.UtcTicks < Interlocked.Read(ref _nextPurgeTicks) || Interlocked.Exchange(ref _purging, 1) == 1)
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref _nextPurgeTicks, (now + _options.AuthLogPurgeInterval).UtcTicks);
            long purged = await _store!.DeleteExpiredAuthEventsAsync(now).ConfigureAwait(false);
            if (purged > 0)
            {
                LogPurged(purged);
            }
        }
        catch (Exception ex)
        {
            LogPurgeFailed(ex);
        }
        finally
        {
            Volatile.Write(ref _purging, 0);
        }
    }

    // Bounds what a client-chosen value (an API caller's sess or ip) can put into the log.
    private static string? Clip(string? value) => value is { Length: > 255 } ? value[..255] : value;

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Could not record the authentication log event {Action} of user {UserId}")]
    private partial void LogWriteFailed(Exception exception, string action, string? userId);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "Purged {Count} expired authentication log entries")]
    private partial void LogPurged(long count);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Could not purge expired authentication log entries")]
    private partial void LogPurgeFailed(Exception exception);
}
