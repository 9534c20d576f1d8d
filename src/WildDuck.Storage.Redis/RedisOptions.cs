// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Redis;

/// <summary>Options of the Redis change notifier, rate limiter, connection counter, forward and submission counters and forced logouts (configuration section <c>WildDuck:Redis</c>).</summary>
public sealed class RedisOptions
{
    /// <summary>The shortest <see cref="ConnectionLeaseTtl"/> accepted.</summary>
    public static readonly TimeSpan MinConnectionLeaseTtl = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or
    /// <c>sentinel1:26379,sentinel2:26379,serviceName=mymaster</c> for Sentinel. Required.
    /// <c>abortConnect</c> is always turned off: Redis is not critical state, so the host starts
    /// without it and the client reconnects by itself.
    /// </summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>
    /// Prefix of every Redis key and channel this package uses; the notifier publishes on
    /// <c>{ChannelPrefix}notify</c>, keeps authentication failure counters in <c>{ChannelPrefix}rl:{key}</c>,
    /// connection leases in <c>{ChannelPrefix}conn:{PROTOCOL}:{user id}</c>, daily forward counters in
    /// <c>{ChannelPrefix}fwd:{user id}</c> and submission recipient counters in <c>{ChannelPrefix}rcpt:{user id}</c>,
    /// and publishes forced logouts on <c>{ChannelPrefix}logout</c>. Default <c>wd:</c>.
    /// Instances that must wake each other, or share limits, use the same prefix.
    /// </summary>
    public string ChannelPrefix { get; set; } = "wd:";

    /// <summary>
    /// At most one publish per user per interval; changes inside the interval are coalesced into one
    /// trailing publish, which is always sent. Default 20 ms; zero publishes every notification.
    /// </summary>
    public TimeSpan DebounceInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a per-user connection slot counted in Redis stays taken without being refreshed. Every
    /// instance refreshes its live sessions' slots every third of this time; the slots of an instance that
    /// died (killed, host lost) expire after at most this long, so a crash locks no user out for longer.
    /// Shorter frees them sooner at the cost of more refresh traffic. Default 2 minutes; at least 1 second.
    /// </summary>
    public TimeSpan ConnectionLeaseTtl { get; set; } = TimeSpan.FromMinutes(2);
}
