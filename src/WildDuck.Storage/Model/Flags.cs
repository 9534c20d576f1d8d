// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>Helpers for system flags and keywords.</summary>
public static class Flags
{
    /// <summary>Maximum length of a keyword accepted by the store.</summary>
    public const int MaxKeywordLength = 128;

    /// <summary>Maps a system-flag name ("\Seen", any case) to its bit; <see cref="MessageFlags.None"/> otherwise.</summary>
    public static MessageFlags ParseSystemFlag(ReadOnlySpan<char> name)
    {
        if (name.Length < 2 || name[0] != '\\')
        {
            return MessageFlags.None;
        }

        var rest = name[1..];
        if (rest.Equals("Seen", StringComparison.OrdinalIgnoreCase))
        {
            return MessageFlags.Seen;
        }

        if (rest.Equals("Answered", StringComparison.OrdinalIgnoreCase))
        {
            return MessageFlags.Answered;
        }

        if (rest.Equals("Flagged", StringComparison.OrdinalIgnoreCase))
        {
            return MessageFlags.Flagged;
        }

        if (rest.Equals("Deleted", StringComparison.OrdinalIgnoreCase))
        {
            return MessageFlags.Deleted;
        }

        if (rest.Equals("Draft", StringComparison.OrdinalIgnoreCase))
        {
            return MessageFlags.Draft;
        }

        return MessageFlags.None;
    }

    /// <summary>The canonical names of the set bits, in a fixed order.</summary>
    public static IEnumerable<string> Names(MessageFlags flags)
    {
        if ((flags & MessageFlags.Answered) != 0)
        {
            yield return "\\Answered";
        }

        if ((flags & MessageFlags.Flagged) != 0)
        {
            yield return "\\Flagged";
        }

        if ((flags & MessageFlags.Deleted) != 0)
        {
            yield return "\\Deleted";
        }

        if ((flags & MessageFlags.Seen) != 0)
        {
            yield return "\\Seen";
        }

        if ((flags & MessageFlags.Draft) != 0)
        {
            yield return "\\Draft";
        }
    }

    /// <summary>
    /// True when <paramref name="keyword"/> is a valid IMAP flag-keyword (RFC 3501 §9: an atom,
    /// no backslash, at most <see cref="MaxKeywordLength"/> characters).
    /// </summary>
    public static bool IsValidKeyword(string keyword)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        if (keyword.Length == 0 || keyword.Length > MaxKeywordLength)
        {
            return false;
        }

        foreach (var c in keyword)
        {
            // atom-specials: ( ) { SP CTL % * " \ ] ; non-ASCII is not an atom char either.
            if (c <= 0x20 || c >= 0x7F || c is '(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keywords compare case-insensitively (RFC 3501 §2.3.2 treats flags case-insensitively).</summary>
    public static StringComparer KeywordComparer => StringComparer.OrdinalIgnoreCase;
}
