// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.Redis;

/// <summary>
/// An <see cref="IAuthenticationRateLimiter"/> whose counters live in Redis, so that every instance
/// sharing the Redis server (and <see cref="RedisOptions.ChannelPrefix"/>) counts the same failures:
/// an attacker cannot multiply the limit by spreading attempts over instances. One key per counter,
/// <c>{ChannelPrefix}rl:{key}</c>, which expires when its window ends.
/// </summary>
/// <remarks>
/// <para>
/// A failure is counted in one atomic step (a Lua script): the key is incremented and its expiry is set
/// only when the increment opened the window, so windows are fixed and start at the first failure, as
/// with <see cref="InMemoryAuthenticationRateLimiter"/>.
/// </para>
/// <para>
/// Redis is not critical state. While it is unreachable, answers with an error, or does not answer within
/// <see cref="CallTimeout"/>, every call goes to an in-process <see cref="InMemoryAuthenticationRateLimiter"/>
/// instead: logins keep working and stay limited, per instance. The fallback is logged once per outage;
/// the client reconnects by itself and the next call that reaches Redis uses the shared counters again.
/// </para>
/// </remarks>
public sealed partial class RedisAuthenticationRateLimiter : IAuthenticationRateLimiter
{
    /// <summary>The longest a call waits for Redis before it uses the in-process counters.</summary>
    public static readonly TimeSpan CallTimeout = RedisOutage.CallTimeout;

    // INCR, then PEXPIRE only when this failure opened the window (or, defensively, when the key somehow
    // has no expiry, so that no counter can live forever). Returns { count, remaining ms }.
    private const string RecordScript = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = -1
        if n > 1 then ttl = redis.call('PTTL', KEYS[1]) end
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return { n, ttl }
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly InMemoryAuthenticationRateLimiter _fallback;
    private readonly string _prefix;
    private readonly RedisOutage _outage;

    /// <summary>Creates the limiter over <paramref name="redis"/>, which it uses but does not own.</summary>
    /// <param name="redis">The connection; create it with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.</param>
    /// <param name="options">The key prefix (<see cref="RedisOptions.ChannelPrefix"/>).</param>
    /// <param name="timeProvider">Clock of the in-process fallback; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logs the fallback and the recovery.</param>
    public RedisAuthenticationRateLimiter(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _prefix = options.Value.ChannelPrefix + "rl:";
        _fallback = new InMemoryAuthenticationRateLimiter(timeProvider);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisAuthenticationRateLimiter>();
        _outage = new RedisOutage(ex => LogFallback(logger, ex), () => LogRecovered(logger));
    }

    /// <inheritdoc />
    public async ValueTask<RateLimitStatus> CheckAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisKey redisKey = _prefix + key;
        var (reached, reply) = await _outage.TryCallAsync(
            _redis,
            async db =>
            {
                // Pipelined, not atomic: a window ending between the two replies reads as not limited, which it is.
                var count = db.StringGetAsync(redisKey);
                var ttl = db.KeyTimeToLiveAsync(redisKey);
                await Task.WhenAll(count, ttl).ConfigureAwait(false);
                return (Count: count.Result, Ttl: ttl.Result);
            },
            cancellationToken).ConfigureAwait(false);
        if (reached)
        {
            return reply.Ttl is { } left && reply.Count.TryParse(out long failures)
                ? Status(failures, left, limit)
                : new RateLimitStatus(false, 0, null);
        }

        return await _fallback.CheckAsync(key, limit, window, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<RateLimitStatus> RecordFailureAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // PEXPIRE needs a positive whole number of milliseconds.
        var windowMs = Math.Max(1, (long)Math.Ceiling(window.TotalMilliseconds));
        var (reached, reply) = await _outage.TryCallAsync(
            _redis,
            db => db.ScriptEvaluateAsync(RecordScript, [_prefix + key], [windowMs]),
            cancellationToken).ConfigureAwait(false);
        if (reached)
        {
            var values = (RedisResult[])reply!;
            return Status((long)values[0], TimeSpan.FromMilliseconds((long)values[1]), limit);
        }

        return await _fallback.RecordFailureAsync(key, limit, window, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);

        // Always clear the local counter too: failures counted during an outage must not outlive a good login.
        await _fallback.ResetAsync(key, cancellationToken).ConfigureAwait(false);

        // When Redis is not reached, the shared counter simply runs out with its window.
        await _outage.TryCallAsync(_redis, db => db.KeyDeleteAsync(_prefix + key), cancellationToken).ConfigureAwait(false);
    }

    private static RateLimitStatus Status(long failures, TimeSpan left, int limit)
    {
        var count = (int)Math.Min(failures, int.MaxValue);
        return limit > 0 && count >= limit
            ? new RateLimitStatus(true, count, left)
            : new RateLimitStatus(false, count, null);
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Redis is not reachable or fails; authentication failures are counted per instance until it works again.")]
    private static partial void LogFallback(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Redis is reachable again; authentication failures are counted across instances.")]
    private static partial void LogRecovered(ILogger logger);
}
