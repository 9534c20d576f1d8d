// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace WildDuck.Storage.Redis;

/// <summary>
/// One handler on one pub/sub channel, subscribed without waiting for Redis (a host starting while
/// Redis is down must not wait for it: the client remembers the subscription and renews it on every
/// reconnect) and unsubscribed on dispose without failing when Redis is gone.
/// </summary>
internal sealed class RedisChannelSubscription(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler, Action<Exception> deferred) : IDisposable
{
    public RedisChannel Channel => channel;

    /// <summary>Subscribes in the background; a failure is reported to <c>deferred</c> (the client subscribes again when it reconnects).</summary>
    public void Start() => _ = SubscribeAsync();

    public void Dispose()
    {
        try
        {
            subscriber.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Nothing to clean up on a server we cannot reach: the subscription dies with the connection.
        }
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await subscriber.SubscribeAsync(channel, handler).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            deferred(ex);
        }
    }
}
