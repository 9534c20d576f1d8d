// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// A user's automatic reply (vacation) settings and the log of senders already answered
/// (reference §6.6: WildDuck's <c>autoreplies</c> collection and the <c>war:&lt;id&gt;</c> set).
/// </summary>
public interface IAutoreplyStore
{
    /// <summary>Gets the user's autoreply settings, or null when none were saved.</summary>
    Task<AutoreplySettings?> GetAutoreplyAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the user's autoreply settings, replacing earlier ones. Saving clears the sender log, so
    /// a new vacation answers everyone once again. <see cref="StorageError.NotFound"/> for an unknown user.
    /// </summary>
    Task SetAutoreplyAsync(UserId user, AutoreplySettings settings, CancellationToken cancellationToken = default);

    /// <summary>Removes the user's autoreply settings and sender log; false when there were none.</summary>
    Task<bool> DeleteAutoreplyAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically records that <paramref name="sender"/> is answered now, unless it was answered
    /// within <paramref name="interval"/> (RFC 3834 §2: "SHOULD NOT" reply to the same sender more
    /// than once in a period; WildDuck uses 4 hours). Entries older than the interval are pruned.
    /// </summary>
    /// <returns>True when the caller should send the reply.</returns>
    Task<bool> TryRecordAutoreplyAsync(UserId user, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default);
}

/// <summary>Automatic reply settings (WildDuck's <c>autoreplies</c> document).</summary>
public sealed record AutoreplySettings
{
    /// <summary>Whether replies are sent (WildDuck <c>status</c>).</summary>
    public bool Enabled { get; init; }

    /// <summary>The display name of the reply's From; the user's name when null.</summary>
    public string? Name { get; init; }

    /// <summary>The reply's subject after <c>Auto: </c>; <c>Re: &lt;original&gt;</c> when null.</summary>
    public string? Subject { get; init; }

    /// <summary>The plain-text body.</summary>
    public string? Text { get; init; }

    /// <summary>The HTML body, or null.</summary>
    public string? Html { get; init; }

    /// <summary>Replies start at this time; open when null.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>Replies end at this time; open when null.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>True when enabled and <paramref name="now"/> lies within [<see cref="Start"/>, <see cref="End"/>].</summary>
    /// <param name="now">The current time.</param>
    /// <returns>Whether a reply may be sent now.</returns>
    public bool IsActiveAt(DateTimeOffset now) =>
        Enabled && (Start is not { } start || now >= start) && (End is not { } end || now <= end);
}
