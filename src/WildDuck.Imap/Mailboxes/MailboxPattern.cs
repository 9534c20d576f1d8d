// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Mailboxes;

/// <summary>
/// LIST/LSUB mailbox patterns (RFC 3501 §6.3.8): <c>*</c> matches any characters including the
/// hierarchy delimiter, <c>%</c> matches any characters except it. "INBOX" matches
/// case-insensitively (RFC 3501 §5.1).
/// </summary>
internal static class MailboxPattern
{
    public const char Delimiter = '/';

    /// <summary>
    /// Joins reference and pattern (RFC 3501 §6.3.8: the reference is prefixed to the pattern; a
    /// pattern starting with the delimiter is taken as absolute when the reference ends with it).
    /// </summary>
    public static string Combine(string reference, string pattern)
    {
        if (reference.Length == 0)
        {
            return pattern;
        }

        if (pattern.Length > 0 && pattern[0] == Delimiter && reference[^1] == Delimiter)
        {
            return reference + pattern[1..];
        }

        return reference + pattern;
    }

    /// <summary>True when <paramref name="path"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string path)
    {
        // INBOX (and its inferiors) is case-insensitive: compare on the canonical spelling.
        if (pattern.Length >= 5 && pattern.AsSpan(0, 5).Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            && (pattern.Length == 5 || pattern[5] == Delimiter || pattern[5] == '*' || pattern[5] == '%'))
        {
            pattern = "INBOX" + pattern[5..];
        }

        return Match(pattern.AsSpan(), path.AsSpan());
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative wildcard matching with backtracking to the last star; '%' backtracks only
        // within the current hierarchy level.
        int p = 0, t = 0;
        int starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && pattern[p] == '%')
            {
                // '%' consumes zero or more non-delimiter characters: try the rest at each extent.
                var rest = pattern[(p + 1)..];
                for (var end = t; ; end++)
                {
                    if (Match(rest, text[end..]))
                    {
                        return true;
                    }

                    if (end >= text.Length || text[end] == Delimiter)
                    {
                        break;
                    }
                }

                if (starP < 0)
                {
                    return false;
                }

                p = starP + 1;
                t = ++starT;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && (pattern[p] == '*' || pattern[p] == '%'))
        {
            p++;
        }

        return p == pattern.Length;
    }
}
