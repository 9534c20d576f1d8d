// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Counters;

namespace WildDuck.Storage.Redis;

/// <summary>
/// An <see cref="IForwardCounter"/> whose counters live in Redis, so that every instance sharing the
/// Redis server (and <see cref="RedisOptions.ChannelPrefix"/>) counts the same forwards: the daily
/// limit holds for the user, not per instance. One key per user, <c>{ChannelPrefix}fwd:{user id}</c>
/// (WildDuck's <c>wdf:&lt;id&gt;</c>), which expires when its window ends.
/// </summary>
/// <remarks>
/// <para>
/// A request is one atomic step (a Lua script): the copies are added with <c>INCRBY</c> only when the
/// total stays within the limit, and the expiry is set when the key has none (the request opened the
/// window), so windows are fixed and start at the first forward, as with <see cref="InMemoryForwardCounter"/>.
/// Concurrent deliveries on any number of instances can therefore never pass the limit together.
/// </para>
/// <para>
/// Redis is not critical state. While it is unreachable, answers with an error, or does not answer within
/// <see cref="CallTimeout"/>, requests go to an in-process <see cref="InMemoryForwardCounter"/> instead:
/// delivery is never refused or held up, and forwards stay limited, per instance (the local counter
/// counts only what was forwarded during outages). The fallback is logged once per outage; the client
/// reconnects by itself and the next request that reaches Redis uses the shared counter again. A request
/// that timed out may still have been counted in Redis as well: an outage can only count too much.
/// </para>
/// </remarks>
public sealed partial class RedisForwardCounter : IForwardCounter
{
    /// <summary>The name (key part) of the daily forward counter.</summary>
    public const string ForwardsName = "fwd";

    /// <summary>The name (key part) of the daily submitted-recipients counter.</summary>
    public const string SubmittedRecipientsName = "rcpt";

    /// <summary>The longest a request waits for Redis before it uses the in-process counter.</summary>
    public static readonly TimeSpan CallTimeout = RedisOutage.CallTimeout;

    // KEYS[1] the counter; ARGV[1] copies, ARGV[2] limit, ARGV[3] window in ms. Returns 1 when counted.
    // The expiry is set whenever the key has none, so that no counter can live forever.
    private const string ConsumeScript = """
        local count = tonumber(ARGV[1])
        local total = tonumber(redis.call('GET', KEYS[1]) or '0')
        if total + count > tonumber(ARGV[2]) then return 0 end
        redis.call('INCRBY', KEYS[1], count)
        if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly InMemoryForwardCounter _fallback;
    private readonly string _prefix;
    private readonly long _windowMs;
    private readonly RedisOutage _outage;

    /// <summary>Creates the counter over <paramref name="redis"/>, which it uses but does not own.</summary>
    /// <param name="redis">The connection; create it with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.</param>
    /// <param name="options">The key prefix (<see cref="RedisOptions.ChannelPrefix"/>).</param>
    /// <param name="timeProvider">Clock of the in-process fallback; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logs the fallback and the recovery.</param>
    /// <param name="window">The window length; one day (<see cref="InMemoryForwardCounter.DefaultWindow"/>) when null. Must be positive.</param>
    /// <param name="name">
    /// What is counted, the key's middle part: <c>fwd</c> (forwards, the default) gives
    /// <c>{ChannelPrefix}fwd:{user id}</c>; <c>rcpt</c> counts submitted recipients
    /// (<see cref="CounterKeys.SubmittedRecipients"/>) in <c>{ChannelPrefix}rcpt:{user id}</c>.
    /// </param>
    public RedisForwardCounter(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, TimeSpan? window = null, string name = ForwardsName)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _redis = redis;
        _prefix = options.Value.ChannelPrefix + name + ":";
        _fallback = new InMemoryForwardCounter(timeProvider, window);

        // PEXPIRE needs a positive whole number of milliseconds.
        _windowMs = Math.Max(1, (long)Math.Ceiling(_fallback.Window.TotalMilliseconds));
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisForwardCounter>();
        _outage = new RedisOutage(ex => LogFallback(logger, ex, name), () => LogRecovered(logger, name));
    }

    /// <summary>The window length.</summary>
    public TimeSpan Window => _fallback.Window;

    /// <inheritdoc />
    public async ValueTask<bool> TryConsumeAsync(UserId user, int count, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (count > limit)
        {
            // Refused whatever the window holds; no need to ask Redis.
            return false;
        }

        var (reached, counted) = await _outage.TryCallAsync(
            _redis,
            db => db.ScriptEvaluateAsync(ConsumeScript, [Key(user)], [count, limit, _windowMs]),
            cancellationToken).ConfigureAwait(false);
        if (reached)
        {
            return (long)counted == 1;
        }

        return _fallback.TryConsume(user, count, limit);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>GET</c> and <c>PTTL</c> in one transaction, so that both describe the same window. While Redis
    /// is out, the in-process counter answers (what was counted locally during the outage).
    /// </remarks>
    public async ValueTask<CounterUsage> GetUsageAsync(UserId user, CancellationToken cancellationToken = default)
    {
        var key = Key(user);
        var (reached, usage) = await _outage.TryCallAsync(
            _redis,
            async db =>
            {
                var transaction = db.CreateTransaction();
                var count = transaction.StringGetAsync(key);
                var ttl = transaction.KeyTimeToLiveAsync(key);
                await transaction.ExecuteAsync().ConfigureAwait(false);
                return Usage(await count.ConfigureAwait(false), await ttl.ConfigureAwait(false));
            },
            cancellationToken).ConfigureAwait(false);
        return reached ? usage : _fallback.GetUsage(user);
    }

    // A key without expiry (which the script never leaves) or a missing key reports no window.
    private static CounterUsage Usage(RedisValue count, TimeSpan? ttl) =>
        count.IsNull || ttl is not { } left ? CounterUsage.None : new CounterUsage((long)count, left);

    private RedisKey Key(UserId user) => _prefix + user.ToString();

    [LoggerMessage(EventId = 7030, Level = LogLevel.Warning, Message = "Redis is not reachable or fails; daily {Counter} limits are counted per instance until it works again.")]
    private static partial void LogFallback(ILogger logger, Exception? exception, string counter);

    [LoggerMessage(EventId = 7031, Level = LogLevel.Information, Message = "Redis is reachable again; daily {Counter} limits are counted across instances.")]
    private static partial void LogRecovered(ILogger logger, string counter);
}
