// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Redis;

/// <summary>Options of the Redis change notifier and rate limiter (configuration section <c>WildDuck:Redis</c>).</summary>
public sealed class RedisOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or
    /// <c>sentinel1:26379,sentinel2:26379,serviceName=mymaster</c> for Sentinel. Required.
    /// <c>abortConnect</c> is always turned off: Redis is not critical state, so the host starts
    /// without it and the client reconnects by itself.
    /// </summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>
    /// Prefix of every Redis key and channel this package uses; the notifier publishes on
    /// <c>{ChannelPrefix}notify</c> and keeps authentication failure counters in <c>{ChannelPrefix}rl:{key}</c>. Default <c>wd:</c>. Instances that must wake each other, or share rate limits, use the same prefix.
    /// </summary>
    public string ChannelPrefix { get; set; } = "wd:";

    /// <summary>
    /// At most one publish per user per interval; changes inside the interval are coalesced into one
    /// trailing publish, which is always sent. Default 20 ms; zero publishes every notification.
    /// </summary>
    public TimeSpan DebounceInterval { get; set; } = TimeSpan.FromMilliseconds(20);
}
