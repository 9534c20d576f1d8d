// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Addressing;

/// <summary>
/// WildDuck's <c>fromWhitelist</c> (reference §1.2, §6.9 "Envelope and header From rewriting"): addresses a user may
/// send as although they are not the user's own. An entry is an exact address, <c>*suffix</c> (e.g.
/// <c>*@example.com</c>) or <c>prefix*</c> (e.g. <c>alerts-*</c>); entries and addresses compare normalised
/// (<see cref="AddressNormalizer.Normalize"/>: lowercase, NFC, unicode domains).
/// </summary>
public static class FromWhitelist
{
    /// <summary>Longest entry accepted, in characters (an address is at most 254 octets, RFC 5321 §4.5.3.1.3).</summary>
    public const int MaxEntryLength = 256;

    /// <summary>
    /// The entry in stored form (normalised), or null when it is not one: empty, too long, with white space or
    /// a <c>*</c> other than a single one at the start or the end, or (without <c>*</c>) not an address, or
    /// nothing besides the <c>*</c> (a whitelist that allows any sender is an open relay, not a whitelist).
    /// </summary>
    /// <param name="entry">The entry as given.</param>
    /// <returns>The normalised entry, or null.</returns>
    public static string? Normalize(string? entry)
    {
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxEntryLength)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return null;
            }
        }

        int stars = text.AsSpan().Count('*');
        if (stars == 0)
        {
            return AddressNormalizer.IsValidAddress(text) ? AddressNormalizer.Normalize(text) : null;
        }

        if (stars > 1 || text.Length == 1 || (text[0] != '*' && text[^1] != '*'))
        {
            return null;
        }

        // A pattern's fixed part may be a bare domain or local part: only case and NFC are normalised.
        return text.Contains('@', StringComparison.Ordinal) ? AddressNormalizer.Normalize(text) : AddressNormalizer.Normalize(text).ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="address"/> matches one of the (normalised) <paramref name="entries"/>.</summary>
    /// <param name="entries">The whitelist as stored.</param>
    /// <param name="address">A sender address.</param>
    /// <returns>True when an entry allows it.</returns>
    public static bool Matches(IEnumerable<string> entries, string address)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(address);
        var normalized = AddressNormalizer.Normalize(address);
        foreach (var entry in entries)
        {
            if (entry.Length == 0)
            {
                continue;
            }

            bool match = entry[0] == '*'
                ? normalized.EndsWith(entry.AsSpan(1), StringComparison.Ordinal)
                : entry[^1] == '*'
                    ? normalized.StartsWith(entry.AsSpan(0, entry.Length - 1), StringComparison.Ordinal)
                    : string.Equals(normalized, entry, StringComparison.Ordinal);
            if (match)
            {
                return true;
            }
        }

        return false;
    }
}
