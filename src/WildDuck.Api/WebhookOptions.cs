// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Api;

/// <summary>
/// Delivery of webhook events (configuration section <c>WildDuck:Api:Webhooks</c>, reference §8.7).
/// WildDuck queues each POST in Redis (BullMQ) with 5 attempts and exponential back-off from 2 s;
/// these defaults are the same, with an in-process queue.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>Whether events are POSTed at all. Default true (nothing is sent while no webhook is registered).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts per event and webhook, the first included. Default 5 (WildDuck).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; doubles after each failure. Default 2 s (WildDuck).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts. Default 5 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one POST may take (connect, send, response headers). Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Events and deliveries waiting (queued or between retries) at most; more are dropped and
    /// logged rather than holding memory without bound or slowing the operation that published
    /// them. Default 10000.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>POSTs in flight at once. Default 8; bounds the sockets a slow receiver can hold.</summary>
    public int MaxConcurrentPosts { get; set; } = 8;
}
