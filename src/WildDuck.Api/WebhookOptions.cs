// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Api;

/// <summary>
/// Delivery of webhook events (configuration section <c>WildDuck:Api:Webhooks</c>, reference §8.7).
/// Pending POSTs wait in the store (<see cref="WildDuck.Storage.IWebhookStore"/>), so they survive
/// restarts and any instance sharing the store may send them.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>Whether events are POSTed at all. Default true (nothing is sent while no webhook is registered).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether this instance runs the worker that claims and POSTs stored deliveries. Default true.
    /// False makes an instance only queue deliveries (another instance sharing the store sends them),
    /// as WildDuck's per-process <c>webhooks.enabled</c> does.
    /// </summary>
    public bool PostDeliveries { get; set; } = true;

    /// <summary>Attempts per event and webhook, the first included. Default 5 (WildDuck).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; doubles after each failure. Default 2 s (WildDuck).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts. Default 5 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one POST may take (connect, send, response headers). Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claimed delivery stays hidden from other instances. Default 1 minute; must be
    /// longer than <see cref="Timeout"/>, so a live POST's delivery is never claimed twice. When an
    /// instance dies mid-POST, its deliveries are sent by another after this time.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the worker looks for due deliveries without being woken. Default 5 s. Deliveries
    /// queued by this instance and its own retries wake it at once; the poll finds those queued by
    /// other instances, retries of deliveries another instance gave back, and leases that ran out.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Events held in memory between <c>Publish</c> and their deliveries being stored, at most; more
    /// are dropped and logged rather than holding memory without bound or slowing the operation that
    /// published them. Default 10000.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>POSTs in flight at once (and so deliveries claimed at once). Default 8; bounds the sockets a slow receiver can hold.</summary>
    public int MaxConcurrentPosts { get; set; } = 8;
}
