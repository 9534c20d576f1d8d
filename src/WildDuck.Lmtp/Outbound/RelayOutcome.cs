// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Lmtp.Outbound;

/// <summary>How one delivery attempt ended.</summary>
internal enum RelayResult
{
    Delivered,
    Deferred,
    Failed,
}

/// <summary>
/// The result of one attempt. <see cref="RetryRecipients"/> lists recipients the server refused
/// temporarily while it accepted others (RFC 5321 §3.3: each RCPT is answered on its own); they
/// get a new queue entry.
/// </summary>
internal sealed record RelayOutcome(RelayResult Result, string Reply)
{
    public IReadOnlyList<string> RetryRecipients { get; init; } = System.Array.Empty<string>();

    public IReadOnlyList<string> RejectedRecipients { get; init; } = System.Array.Empty<string>();

    public static RelayOutcome Delivered(string reply) => new(RelayResult.Delivered, reply);

    public static RelayOutcome Deferred(string error) => new(RelayResult.Deferred, error);

    public static RelayOutcome Failed(string error) => new(RelayResult.Failed, error);
}
