// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace WildDuck.Filters;

/// <summary>Case-insensitive, whitespace-collapsed substring matching (reference §6.4).</summary>
internal static class TextMatch
{
    /// <summary>True when the normalised needle occurs in any normalised haystack.</summary>
    public static bool ContainsAny(string needle, params string?[] haystacks)
    {
        var n = Normalize(needle);
        if (n.Length == 0)
        {
            return true;
        }

        foreach (var h in haystacks)
        {
            if (!string.IsNullOrEmpty(h) && Normalize(h).Contains(n, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lowercases (invariant) and collapses whitespace runs to one space, trimmed.</summary>
    public static string Normalize(string value)
    {
        var sb = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>The id inside <c>&lt;…&gt;</c> when present (RFC 2919 §2), else the trimmed value.</summary>
    public static string ListIdValue(string value)
    {
        var open = value.LastIndexOf('<');
        if (open >= 0)
        {
            var close = value.IndexOf('>', open + 1);
            if (close > open)
            {
                return value.Substring(open + 1, close - open - 1).Trim();
            }
        }

        return value.Trim();
    }
}
