// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Connections;

namespace WildDuck.Storage.Redis;

/// <summary>
/// An <see cref="IConnectionCounter"/> whose counts live in Redis, so that a per-user connection limit
/// (and the POP3 maildrop lock) holds across every instance sharing the Redis server and
/// <see cref="RedisOptions.ChannelPrefix"/>. One sorted set per user and protocol,
/// <c>{ChannelPrefix}conn:{protocol}:{user id}</c>, holds one member per live session: its lease id,
/// scored with the time (Redis server clock, milliseconds) at which it expires.
/// </summary>
/// <remarks>
/// <para>
/// An acquire is one Lua script: drop expired members, compare the count with the limit, add the lease
/// with an expiry of <see cref="RedisOptions.ConnectionLeaseTtl"/>. Every instance refreshes the expiry of
/// its live leases every third of that time, and a release removes the member. A lease whose instance
/// died (killed, host lost) is therefore never released, but expires within one TTL and stops counting:
/// a crashed instance cannot lock a user out for longer. Expiries use the Redis server's clock, so the
/// instances' clocks need not agree.
/// </para>
/// <para>
/// This instance's own sessions are also counted in process, and an acquire is refused when they alone
/// reach the limit. That count is the fallback: while Redis is unreachable, answers with an error, or
/// does not answer within 500 ms, acquires are decided by it alone, so logins never wait on Redis and are
/// never refused because of it (the limit then holds per instance). The fallback and the recovery are
/// logged once each. Leases taken during an outage, and releases that could not be sent, are written to
/// Redis by the next refresh once it answers again (at once when the connection is restored), which also
/// re-registers every live session after Redis restarted empty.
/// </para>
/// </remarks>
public sealed partial class RedisConnectionCounter : IConnectionCounter, IDisposable
{
    // Redis server time in milliseconds; the scripts never trust the instances' clocks.
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

        """;

    // Keeps the key until the last member would expire, so that users who never come back cost nothing.
    private const string KeepKey = """

        if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end

        """;

    // KEYS[1] the set; ARGV: lease id, limit, TTL ms. Returns 1 when the lease was added, 0 at the limit.
    private const string AcquireScript = Now + """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        local ttl = tonumber(ARGV[3])
        redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
        """ + KeepKey + """
        return 1
        """;

    // KEYS[1] the set; ARGV: TTL ms, then this instance's live lease ids in it. Adds missing ones on
    // purpose (after an outage or a Redis restart): the sessions exist, so they count.
    private const string RefreshScript = Now + """
        local ttl = tonumber(ARGV[1])
        for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + ttl, ARGV[i]) end
        """ + KeepKey + """
        return #ARGV - 1
        """;

    // KEYS[1] the set. Returns the number of unexpired leases.
    private const string CountScript = Now + """
        return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
        """;

    /// <summary>Bounds one refresh round (every live lease of this instance, pipelined); it is not on a session's path.</summary>
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(5);

    private readonly IConnectionMultiplexer _redis;
    private readonly InMemoryConnectionCounter _local = new();
    private readonly ConcurrentDictionary<Lease, byte> _live = new();
    private readonly ConcurrentQueue<(RedisKey Key, RedisValue Member)> _unreleased = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly RedisOutage _outage;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly long _ttlMs;
    private long _sequence;
    private int _disposed;

    /// <summary>Creates the counter over <paramref name="redis"/>, which it uses but does not own, and starts refreshing.</summary>
    /// <param name="redis">The connection; create it with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.</param>
    /// <param name="options">The key prefix (<see cref="RedisOptions.ChannelPrefix"/>) and <see cref="RedisOptions.ConnectionLeaseTtl"/>.</param>
    /// <param name="timeProvider">Drives the refresh timer; <see cref="TimeProvider.System"/> when null (expiries use Redis's clock).</param>
    /// <param name="loggerFactory">Logs the fallback and the recovery.</param>
    public RedisConnectionCounter(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        var ttl = options.Value.ConnectionLeaseTtl;
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, RedisOptions.MinConnectionLeaseTtl, nameof(options));
        _redis = redis;
        _prefix = options.Value.ChannelPrefix + "conn:";
        _ttlMs = (long)Math.Ceiling(ttl.TotalMilliseconds);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisConnectionCounter>();
        _outage = new RedisOutage(ex => LogFallback(_logger, ex), () => LogRecovered(_logger));
        _redis.ConnectionRestored += OnConnectionRestored;
        var refreshEvery = ttl / 3;
        var time = timeProvider ?? TimeProvider.System;
        _ = Task.Run(() => RefreshLoopAsync(refreshEvery, time));
    }

    /// <inheritdoc />
    public async ValueTask<ConnectionLease?> TryAcquireAsync(string protocol, UserId user, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);

        // This instance's own sessions alone may not exceed the limit, whatever Redis says.
        var local = _local.TryAcquire(protocol, user, limit);
        if (local is null)
        {
            return null;
        }

        var lease = new Lease(this, Key(protocol, user), _instance + ":" + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture), local);
        bool reached;
        RedisResult added;
        try
        {
            (reached, added) = await _outage.TryCallAsync(
                _redis,
                db => db.ScriptEvaluateAsync(AcquireScript, [lease.Key], [lease.Member, limit, _ttlMs]),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The script may still run: take the slot back here and in Redis.
            await local.DisposeAsync().ConfigureAwait(false);
            _unreleased.Enqueue((lease.Key, lease.Member));
            throw;
        }

        // Not reached: admitted on the local count. Should the script still run, the lease is in Redis as
        // it would be anyway: it is tracked, so it is refreshed and released like any other.
        if (!reached || (long)added == 1)
        {
            return Track(lease);
        }

        await local.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    public async ValueTask<int> GetCountAsync(string protocol, UserId user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var (reached, count) = await _outage.TryCallAsync(
            _redis,
            db => db.ScriptEvaluateAsync(CountScript, [Key(protocol, user)]),
            cancellationToken).ConfigureAwait(false);
        if (reached)
        {
            return (int)(long)count;
        }

        return _local.GetCount(protocol, user);
    }

    /// <summary>
    /// Stops refreshing. Live leases are left as they are: sessions release theirs when they end (before
    /// the host disposes its services); any left over expire in Redis within one TTL.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _redis.ConnectionRestored -= OnConnectionRestored;
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>Writes every live lease's expiry (and the releases that could not be sent) to Redis now; one round at a time.</summary>
    private async Task RefreshAsync()
    {
        if (Volatile.Read(ref _disposed) != 0 || (_live.IsEmpty && _unreleased.IsEmpty) || !await _refreshing.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            if (!_redis.IsConnected)
            {
                // Nothing to do until it is back; ConnectionRestored starts a round at once then.
                return;
            }

            var db = _redis.GetDatabase();
            var removals = new List<(RedisKey Key, RedisValue Member)>();
            while (_unreleased.TryDequeue(out var removal))
            {
                removals.Add(removal);
            }

            var snapshot = _live.Keys.ToList();
            var calls = new List<Task>(removals.Count + snapshot.Count);
            calls.AddRange(removals.Select(r => db.SortedSetRemoveAsync(r.Key, r.Member)));
            foreach (var group in snapshot.GroupBy(static lease => lease.Key))
            {
                var args = new RedisValue[group.Count() + 1];
                args[0] = _ttlMs;
                int i = 1;
                foreach (var lease in group)
                {
                    args[i++] = lease.Member;
                }

                calls.Add(db.ScriptEvaluateAsync(RefreshScript, [group.Key], args));
            }

            try
            {
                await Task.WhenAll(calls).WaitAsync(RefreshTimeout).ConfigureAwait(false);
                _outage.Recovered();
            }
            catch (Exception ex) when (RedisOutage.IsOutage(ex))
            {
                // Removing twice is harmless; the leases are simply refreshed by the next round.
                _outage.FellBack(ex);
                foreach (var removal in removals)
                {
                    _unreleased.Enqueue(removal);
                }
            }

            // A lease released while this round ran may have been added back after its removal was sent.
            foreach (var lease in snapshot.Where(static lease => lease.IsReleased))
            {
                await RemoveAsync(lease.Key, lease.Member).ConfigureAwait(false);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private static string Protocol(string protocol) => protocol.ToUpperInvariant();

    private RedisKey Key(string protocol, UserId user) => _prefix + Protocol(protocol) + ":" + user.ToString();

    private Lease Track(Lease lease)
    {
        _live.TryAdd(lease, 0);
        return lease;
    }

    private async ValueTask ReleaseAsync(Lease lease)
    {
        _live.TryRemove(lease, out _);
        await lease.Local.DisposeAsync().ConfigureAwait(false);
        await RemoveAsync(lease.Key, lease.Member).ConfigureAwait(false);
    }

    /// <summary>Removes a lease from Redis; when that fails it is retried by the refresh rounds (until then it expires by itself).</summary>
    private async ValueTask RemoveAsync(RedisKey key, RedisValue member)
    {
        var (reached, _) = await _outage.TryCallAsync(_redis, db => db.SortedSetRemoveAsync(key, member), CancellationToken.None).ConfigureAwait(false);
        if (!reached)
        {
            _unreleased.Enqueue((key, member));
        }
    }

    private async Task RefreshLoopAsync(TimeSpan interval, TimeProvider time)
    {
        var stop = _stop.Token;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                await RefreshSafelyAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task RefreshSafelyAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never let the loop die: without refreshes every lease of this instance would expire.
            LogRefreshFailed(_logger, ex);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _ = Task.Run(RefreshSafelyAsync);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Warning, Message = "Redis is not reachable or fails; per-user connection limits are counted per instance until it works again.")]
    private static partial void LogFallback(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Information, Message = "Redis is reachable again; per-user connection limits are counted across instances.")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Error, Message = "Refreshing the connection leases in Redis failed unexpectedly; retried at the next interval.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    /// <summary>One session's slot: in Redis as <see cref="Member"/> of <see cref="Key"/>, and in the local count.</summary>
    private sealed class Lease(RedisConnectionCounter owner, RedisKey key, string member, ConnectionLease local) : ConnectionLease
    {
        private volatile bool _released;

        public RedisKey Key { get; } = key;

        public RedisValue Member { get; } = member;

        public ConnectionLease Local { get; } = local;

        public bool IsReleased => _released;

        protected override ValueTask ReleaseAsync()
        {
            _released = true;
            return owner.ReleaseAsync(this);
        }
    }
}
