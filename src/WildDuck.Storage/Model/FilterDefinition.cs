// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>A delivery filter (WildDuck's <c>filters</c> document).</summary>
public sealed record FilterDefinition
{
    /// <summary>The id.</summary>
    public required EntityId Id { get; init; }

    /// <summary>The owner.</summary>
    public required UserId User { get; init; }

    /// <summary>Optional name.</summary>
    public string? Name { get; init; }

    /// <summary>What to match.</summary>
    public required FilterQuery Query { get; init; }

    /// <summary>What to do.</summary>
    public required FilterAction Action { get; init; }

    /// <summary>Disabled filters are skipped.</summary>
    public bool Disabled { get; init; }

    /// <summary>Creation time (filters run in creation order).</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>Filter conditions; all given conditions must match.</summary>
public sealed record FilterQuery
{
    /// <summary>Substring of From (or Sender).</summary>
    public string? From { get; init; }

    /// <summary>Substring of To (or Cc, Delivered-To).</summary>
    public string? To { get; init; }

    /// <summary>Substring of Subject.</summary>
    public string? Subject { get; init; }

    /// <summary>List-ID.</summary>
    public string? ListId { get; init; }

    /// <summary>Substring of the plain text.</summary>
    public string? Text { get; init; }

    /// <summary>Has (true) or has no (false) attachments.</summary>
    public bool? HasAttachments { get; init; }

    /// <summary>Positive: at least this size; negative: at most |size|.</summary>
    public long? Size { get; init; }
}

/// <summary>Filter actions.</summary>
public sealed record FilterAction
{
    /// <summary>Add \Seen.</summary>
    public bool? Seen { get; init; }

    /// <summary>Add \Flagged.</summary>
    public bool? Flag { get; init; }

    /// <summary>Drop the message.</summary>
    public bool? Delete { get; init; }

    /// <summary>true: to Junk; false: mark as ham.</summary>
    public bool? Spam { get; init; }

    /// <summary>Target mailbox.</summary>
    public MailboxId? Mailbox { get; init; }

    /// <summary>Forward targets ("mail:addr", "smtp://host", "https://url").</summary>
    public IReadOnlyList<string> Targets { get; init; } = Array.Empty<string>();
}
