// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>Value conversions between the store's model and WildDuck's stored forms.</summary>
internal static class MongoMapping
{
    /// <summary>WildDuck's <c>specialUse</c> string (single backslash), or null for an ordinary mailbox.</summary>
    public static string? SpecialUseName(SpecialUse specialUse) => specialUse switch
    {
        SpecialUse.Sent => "\\Sent",
        SpecialUse.Trash => "\\Trash",
        SpecialUse.Drafts => "\\Drafts",
        SpecialUse.Junk => "\\Junk",
        SpecialUse.Archive => "\\Archive",
        SpecialUse.All => "\\All",
        SpecialUse.Flagged => "\\Flagged",
        _ => null,
    };

    /// <summary>The special use named by a stored <c>specialUse</c> string (unknown or null: none).</summary>
    public static SpecialUse ParseSpecialUse(string? name) => name switch
    {
        "\\Sent" => SpecialUse.Sent,
        "\\Trash" => SpecialUse.Trash,
        "\\Drafts" => SpecialUse.Drafts,
        "\\Junk" => SpecialUse.Junk,
        "\\Archive" => SpecialUse.Archive,
        "\\All" => SpecialUse.All,
        "\\Flagged" => SpecialUse.Flagged,
        _ => SpecialUse.None,
    };

    /// <summary>WildDuck's journal <c>command</c> string.</summary>
    public static string CommandName(JournalCommand command) => command switch
    {
        JournalCommand.Exists => "EXISTS",
        JournalCommand.Expunge => "EXPUNGE",
        JournalCommand.Fetch => "FETCH",
        JournalCommand.Create => "CREATE",
        JournalCommand.Rename => "RENAME",
        JournalCommand.Delete => "DELETE",
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown journal command."),
    };

    /// <summary>The journal command named by a stored <c>command</c> string.</summary>
    public static JournalCommand ParseCommand(string name) => name switch
    {
        "EXISTS" => JournalCommand.Exists,
        "EXPUNGE" => JournalCommand.Expunge,
        "FETCH" => JournalCommand.Fetch,
        "CREATE" => JournalCommand.Create,
        "RENAME" => JournalCommand.Rename,
        "DELETE" => JournalCommand.Delete,
        _ => throw new FormatException($"Unknown journal command '{name}'."),
    };

    /// <summary>WildDuck's <c>flags[]</c>: the system flags by name, then the keywords.</summary>
    public static List<string> FlagList(MessageFlags flags, IReadOnlyList<string> keywords)
    {
        var list = new List<string>(5 + keywords.Count);
        list.AddRange(Flags.Names(flags));
        list.AddRange(keywords);
        return list;
    }

    /// <summary>Splits WildDuck's <c>flags[]</c> into system flags and keywords.</summary>
    public static (MessageFlags Flags, string[] Keywords) SplitFlags(IReadOnlyList<string>? stored)
    {
        if (stored is null || stored.Count == 0)
        {
            return (MessageFlags.None, Array.Empty<string>());
        }

        var flags = MessageFlags.None;
        var keywords = new List<string>(stored.Count);
        foreach (var name in stored)
        {
            var bit = Flags.ParseSystemFlag(name);
            if (bit != MessageFlags.None)
            {
                flags |= bit;
            }
            else if (!name.StartsWith('\\'))
            {
                keywords.Add(name);
            }
        }

        return (flags, keywords.ToArray());
    }

    /// <summary>A BSON date (millisecond precision, UTC) for a point in time.</summary>
    public static DateTime ToBsonDate(DateTimeOffset value) =>
        DateTime.SpecifyKind(DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).UtcDateTime, DateTimeKind.Utc);

    /// <summary>The point in time of a stored BSON date.</summary>
    public static DateTimeOffset FromBsonDate(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>A retention in milliseconds (WildDuck <c>retention</c>), null for none.</summary>
    public static long? RetentionMs(TimeSpan? retention) =>
        retention is { } r && r > TimeSpan.Zero ? (long)r.TotalMilliseconds : null;

    /// <summary>The retention of a stored <c>retention</c> (null, 0 or negative: none).</summary>
    public static TimeSpan? Retention(long? ms) => ms is > 0 ? TimeSpan.FromMilliseconds(ms.Value) : null;
}
