// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WildDuck.Storage.Redis;

/// <summary>
/// An <see cref="IUserSessions"/> whose forced logouts reach every instance sharing the Redis server
/// (and <see cref="RedisOptions.ChannelPrefix"/>): a logout closes this instance's sessions of the
/// user at once and is published on <c>{ChannelPrefix}logout</c>; every other instance closes its own
/// sessions of that user with the same reason (WildDuck publishes its LOGOUT beacon over Redis the
/// same way, reference §3.4).
/// </summary>
/// <remarks>
/// Sessions register locally, in an <see cref="InProcessUserSessions"/>. A message carries
/// <c>{instance id}:{user id}:{reason}</c>; an instance ignores its own echo. While Redis is
/// unreachable the logout stays local (logged; nothing is queued): the user's API tokens, revoked in
/// the store, are gone everywhere anyway, and the client reconnects and resubscribes by itself.
/// </remarks>
public sealed partial class RedisUserSessions : IUserSessions, IDisposable
{
    private readonly InProcessUserSessions _local = new();
    private readonly IConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly RedisChannelSubscription _subscription;
    private readonly string _selfPrefix;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Creates the sessions registry over <paramref name="redis"/>, which it uses but does not own.</summary>
    /// <param name="redis">The connection; create it with <c>AbortOnConnectFail = false</c> so that it reconnects by itself.</param>
    /// <param name="options">The channel prefix.</param>
    /// <param name="loggerFactory">Logs dropped publishes and malformed messages.</param>
    public RedisUserSessions(IConnectionMultiplexer redis, IOptions<RedisOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _selfPrefix = Guid.NewGuid().ToString("N") + ":";
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisUserSessions>();
        var channel = RedisChannel.Literal(options.Value.ChannelPrefix + "logout");
        _subscription = new RedisChannelSubscription(_subscriber, channel, OnMessage, ex => LogSubscribeDeferred(_logger, ex, channel.ToString()));
        _subscription.Start();
    }

    /// <inheritdoc />
    public IDisposable Register(UserId user, Action<string> logout) => _local.Register(user, logout);

    /// <summary>
    /// Ends the user's sessions on this instance and tells the other instances to end theirs;
    /// returns how many sessions of this instance were told (the others are not counted).
    /// </summary>
    /// <param name="user">The user.</param>
    /// <param name="reason">The text the clients see.</param>
    /// <returns>The number of this instance's sessions.</returns>
    public int Logout(UserId user, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var count = _local.Logout(user, reason);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return count;
        }

        if (!_redis.IsConnected)
        {
            LogNotPublished(_logger, null, user.ToString());
            return count;
        }

        try
        {
            _subscriber.Publish(_subscription.Channel, _selfPrefix + user.ToString() + ":" + reason, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            LogNotPublished(_logger, ex, user.ToString());
        }

        return count;
    }

    /// <summary>Stops listening to the channel; the connection stays open.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _subscription.Dispose();
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        if (text is null || text.StartsWith(_selfPrefix, StringComparison.Ordinal))
        {
            // Our own echo: the local sessions were told when Logout was called.
            return;
        }

        // {instance}:{user}:{reason}; the reason may itself contain colons.
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(':', first + 1);
        if (second < 0 || !UserId.TryParse(text[(first + 1)..second], out var user))
        {
            LogMalformedMessage(_logger, channel.ToString(), text);
            return;
        }

        _local.Logout(user, text[(second + 1)..]);
    }

    [LoggerMessage(EventId = 7040, Level = LogLevel.Warning, Message = "The logout of user {User} reaches only this instance: Redis is not reachable.")]
    private static partial void LogNotPublished(ILogger logger, Exception? exception, string user);

    [LoggerMessage(EventId = 7041, Level = LogLevel.Debug, Message = "Subscribing to {Channel} is deferred until Redis is reachable.")]
    private static partial void LogSubscribeDeferred(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 7042, Level = LogLevel.Warning, Message = "Ignored a malformed message on {Channel}: {Message}")]
    private static partial void LogMalformedMessage(ILogger logger, string channel, string message);
}
