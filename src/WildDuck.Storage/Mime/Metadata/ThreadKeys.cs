// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Thread keys per the WildDuck threading algorithm (reference §9.2): hashed reference ids and the
/// normalised subject.
/// </summary>
internal static partial class ThreadKeys
{
    /// <summary>Most reference ids kept.</summary>
    public const int MaxReferences = 10;

    /// <summary>
    /// Reference ids from the last value of Message-ID, In-Reply-To, Thread-Index (first 22
    /// characters) and References, in that order: split on white space, angle brackets removed,
    /// each hashed with SHA-1 and written as base64 without padding; duplicates dropped, at most
    /// <see cref="MaxReferences"/> kept (first seen first).
    /// </summary>
    public static IReadOnlyList<string> References(HeaderBlock headers)
    {
        var result = new List<string>(MaxReferences);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in (ReadOnlySpan<string>)["Message-ID", "In-Reply-To", "Thread-Index", "References"])
        {
            byte[]? raw = headers.LastValue(name);
            if (raw is null)
            {
                continue;
            }

            string value = Encoding.UTF8.GetString(raw).Trim();
            if (string.Equals(name, "Thread-Index", StringComparison.Ordinal) && value.Length > 22)
            {
                value = value[..22];
            }

            foreach (string token in value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                string id = token.Replace("<", string.Empty, StringComparison.Ordinal).Replace(">", string.Empty, StringComparison.Ordinal);
                if (id.Length == 0)
                {
                    continue;
                }

                string hash = Hash(id);
                if (seen.Add(hash))
                {
                    result.Add(hash);
                    if (result.Count == MaxReferences)
                    {
                        return result;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>SHA-1 of the UTF-8 id as base64 without padding.</summary>
    public static string Hash(string id)
    {
        // SHA-1 is a compatibility key here (WildDuck's thread ids), not a security boundary.
#pragma warning disable CA5350
        byte[] digest = SHA1.HashData(Encoding.UTF8.GetBytes(id));
#pragma warning restore CA5350
        return Convert.ToBase64String(digest).TrimEnd('=');
    }

    /// <summary>
    /// Normalises a (decoded) subject for thread matching: white space collapsed; then, repeatedly,
    /// a leading "re:", "fw:" or "fwd:" (any case, optional spaces before the colon, an optional
    /// counter such as "Re[2]:"), a leading "[tag]" when more text follows it, and a trailing
    /// "(fwd)" are removed; the result is lowercased.
    /// </summary>
    public static string NormalizeSubject(string subject)
    {
        string value = HeaderBlock.CollapseWhitespace(subject);
        while (true)
        {
            string before = value;
            Match prefix = ReplyPrefix().Match(value);
            if (prefix.Success)
            {
                value = value[prefix.Length..].TrimStart();
            }

            Match tag = TagPrefix().Match(value);
            if (tag.Success && tag.Length < value.Length)
            {
                value = value[tag.Length..].TrimStart();
            }

            Match suffix = FwdSuffix().Match(value);
            if (suffix.Success)
            {
                value = value[..suffix.Index].TrimEnd();
            }

            if (string.Equals(before, value, StringComparison.Ordinal))
            {
                break;
            }
        }

        return value.ToLowerInvariant();
    }

    [GeneratedRegex(@"^(?:re|fwd?)\s*(?:\[\d+\]\s*)?:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();

    [GeneratedRegex(@"^\[[^\]]*\]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex TagPrefix();

    [GeneratedRegex(@"\s*\(fwd\)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FwdSuffix();
}
