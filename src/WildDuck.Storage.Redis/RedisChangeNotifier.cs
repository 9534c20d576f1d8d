// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Notifications;

namespace WildDuck.Storage.Redis;

/// <summary>
/// Carries "user X changed" wake-ups between instances over one Redis pub/sub channel
/// (<c>{ChannelPrefix}notify</c>). A notification wakes this instance's subscribers at once and is
/// published to the channel; the other instances wake their own subscribers of that user.
/// </summary>
/// <remarks>
/// <para>
/// Local subscribers are held by an <see cref="InProcessChangeNotifier"/>, so publishing locally takes
/// no lock and allocates nothing. A message carries <c>{instance id}:{user id}</c>; an instance ignores
/// its own messages, so its subscribers are woken once, not again by the echo.
/// </para>
/// <para>
/// Publishes are throttled per user: at most one per <see cref="RedisOptions.DebounceInterval"/>; the
/// notifications inside an interval are coalesced into one trailing publish, which is always sent, so
/// a bulk operation cannot flood Redis and the last change is never lost.
/// </para>
/// <para>
/// Redis is not critical state. While it is unreachable (at start or later) <see cref="NotifyAsync"/>
/// neither throws nor waits: local wake-ups continue and the publish is dropped (no stale backlog
/// floods Redis when it returns). Other instances then learn of changes only through the storage
/// backend's own fallback — with SQLite, its journal watcher, which polls every second. The outage
/// and the recovery are each logged once; the client reconnects and resubscribes by itself.
/// </para>
/// </remarks>
public sealed partial class RedisChangeNotifier : IRelayingChangeNotifier, IDisposable
{
    private readonly InProcessChangeNotifier _local;
    private readonly IConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly RedisChannelSubscription _subscription;
    private readonly string _selfPrefix;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<UserId, Window> _windows = new();
    private int _down;
    private int _disposed;

    /// <summary>Creates the notifier over <paramref name="redis"/>, which it uses but does not own.</summary>
    /// <param name="redis">The connection; create it with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.</param>
    /// <param name="options">The channel prefix and the debounce interval.</param>
    /// <param name="timeProvider">Clock of the debounce timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logs outages, recoveries and faulty subscribers.</param>
    public RedisChangeNotifier(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        loggerFactory ??= NullLoggerFactory.Instance;
        _local = new InProcessChangeNotifier(loggerFactory.CreateLogger<InProcessChangeNotifier>());
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _channel = RedisChannel.Literal(value.ChannelPrefix + "notify");
        _selfPrefix = Guid.NewGuid().ToString("N") + ":";
        _debounce = value.DebounceInterval;
        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger<RedisChangeNotifier>();
        _subscription = new RedisChannelSubscription(_subscriber, _channel, OnMessage, ex => LogSubscribeDeferred(_logger, ex, _channel.ToString()));

        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        if (!redis.IsConnected && Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogUnreachableAtStart(_logger, _channel.ToString());
        }

        _subscription.Start();
    }

    /// <inheritdoc />
    public ValueTask NotifyAsync(UserId user, CancellationToken cancellationToken = default)
    {
        // Local sessions first: they must never wait for a Redis round trip, nor for an outage.
        var local = _local.NotifyAsync(user, cancellationToken);
        if (Volatile.Read(ref _disposed) == 0)
        {
            Throttle(user);
        }

        return local;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(UserId user, Action onChange) => _local.Subscribe(user, onChange);

    /// <inheritdoc />
    public ValueTask NotifyLocalAsync(UserId user, CancellationToken cancellationToken = default) =>
        _local.NotifyAsync(user, cancellationToken);

    /// <summary>Stops listening to the channel and cancels pending trailing publishes; the connection stays open.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _redis.ConnectionFailed -= OnConnectionFailed;
        _redis.ConnectionRestored -= OnConnectionRestored;
        foreach (var (_, window) in _windows)
        {
            lock (window.Gate)
            {
                window.Closed = true;
                window.Timer?.Dispose();
            }
        }

        _windows.Clear();
        _subscription.Dispose();
    }

    private void Throttle(UserId user)
    {
        if (_debounce <= TimeSpan.Zero)
        {
            Publish(user);
            return;
        }

        while (true)
        {
            if (_windows.TryGetValue(user, out var open))
            {
                lock (open.Gate)
                {
                    if (!open.Closed)
                    {
                        // A publish went out less than an interval ago: the window's end sends one more.
                        open.Dirty = true;
                        return;
                    }
                }

                // The window closed and left the map while we waited for its lock: open a new one.
                continue;
            }

            var window = new Window(this, user);
            if (_windows.TryAdd(user, window))
            {
                Publish(user);
                lock (window.Gate)
                {
                    // Created under the lock so that the callback cannot run before Timer is set.
                    window.Timer = _time.CreateTimer(static state => ((Window)state!).Elapsed(), window, _debounce, Timeout.InfiniteTimeSpan);
                }

                return;
            }
        }
    }

    private void OnWindowElapsed(Window window)
    {
        lock (window.Gate)
        {
            if (window.Closed)
            {
                return;
            }

            if (!window.Dirty)
            {
                // A quiet interval: forget the user so idle users cost nothing.
                window.Closed = true;
                window.Timer?.Dispose();
                _windows.TryRemove(new(window.User, window));
                return;
            }

            window.Dirty = false;
            window.Timer?.Change(_debounce, Timeout.InfiniteTimeSpan);
        }

        Publish(window.User);
    }

    private void Publish(UserId user)
    {
        if (!_redis.IsConnected || Volatile.Read(ref _disposed) != 0)
        {
            // Dropped rather than queued: the backend's fallback covers the outage, and a backlog of
            // stale wake-ups would only flood Redis when it returns.
            return;
        }

        try
        {
            _subscriber.Publish(_channel, _selfPrefix + user.ToString(), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // The connection dropped between the check and the send; ConnectionFailed logs the outage.
            LogPublishFailed(_logger, ex, user.ToString());
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        if (text is null || text.StartsWith(_selfPrefix, StringComparison.Ordinal))
        {
            // Our own echo: the local subscribers were woken when NotifyAsync was called.
            return;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !UserId.TryParse(text[(colon + 1)..], out var user))
        {
            LogMalformedMessage(_logger, channel.ToString(), text);
            return;
        }

        var wake = _local.NotifyAsync(user);
        if (!wake.IsCompletedSuccessfully)
        {
            // The in-process fan-out completes synchronously; should that change, still observe it.
            _ = wake.AsTask();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // Raised per connection and per reconnect attempt; the flag keeps it to one line per outage.
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogConnectionFailed(_logger, e.Exception, e.FailureType.ToString(), e.EndPoint?.ToString() ?? "?");
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
        }
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Warning, Message = "Redis is not reachable at start; change notifications stay local until it is (other instances rely on the storage backend's fallback). Channel {Channel}.")]
    private static partial void LogUnreachableAtStart(ILogger logger, string channel);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Redis connection lost ({FailureType} at {EndPoint}); change notifications stay local until it recovers (other instances rely on the storage backend's fallback).")]
    private static partial void LogConnectionFailed(ILogger logger, Exception? exception, string failureType, string endPoint);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Redis connection restored ({EndPoint}); change notifications reach other instances again.")]
    private static partial void LogConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Subscribing to {Channel} is deferred until Redis is reachable.")]
    private static partial void LogSubscribeDeferred(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "Publishing a change of user {User} to Redis failed; dropped.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string user);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Ignored a malformed message on {Channel}: {Message}")]
    private static partial void LogMalformedMessage(ILogger logger, string channel, string message);

    /// <summary>The debounce state of one recently published user.</summary>
    private sealed class Window(RedisChangeNotifier owner, UserId user)
    {
        public Lock Gate { get; } = new();

        public UserId User { get; } = user;

        /// <summary>Another notification arrived inside the interval: publish once more when it ends.</summary>
        public bool Dirty { get; set; }

        /// <summary>Removed from the map; a notification that finds it opens a new window.</summary>
        public bool Closed { get; set; }

        public ITimer? Timer { get; set; }

        public void Elapsed() => owner.OnWindowElapsed(this);
    }
}
