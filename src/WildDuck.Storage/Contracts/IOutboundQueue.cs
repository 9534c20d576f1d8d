// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// The durable queue of mail leaving the store: forwards, autoreplies and (later) API submissions
/// (reference §6.7). An entry is on disk before <see cref="EnqueueAsync"/> returns, so an
/// acknowledged delivery never loses its forward or autoreply.
/// </summary>
public interface IOutboundQueue
{
    /// <summary>Stores a message for relay; returns its queue id.</summary>
    Task<EntityId> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken = default);
}

/// <summary>One message to relay to one route.</summary>
public sealed record OutboundMessage
{
    /// <summary>The envelope sender (MAIL FROM); empty for the null sender <c>&lt;&gt;</c> (autoreplies, RFC 3834 §3.3).</summary>
    public string ReturnPath { get; init; } = string.Empty;

    /// <summary>Envelope recipients (at least one).</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The complete message, CRLF line endings.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>
    /// Where to send it: null for the configured smarthost; an <c>smtp://</c> or <c>smtps://</c>
    /// URL (optionally with <c>user:password@</c>) for a filter's relay target; an <c>http://</c> or
    /// <c>https://</c> URL to POST the message to (reference §6.4 "targets").
    /// </summary>
    public string? Route { get; init; }

    /// <summary>Why it is sent: <c>forward</c>, <c>autoreply</c> or <c>submission</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The user on whose behalf it is sent, when there is one.</summary>
    public UserId? User { get; init; }
}
