// SPDX-License-Identifier: MIT
using System;
using System.Text.RegularExpressions;

namespace WildDuck.Storage.Addressing;

/// <summary>
/// Usernames allowed at account creation (reference §6.2): lowercase; segments of <c>[a-z0-9-]</c> separated by a
/// single <c>.</c>, <c>_</c>, <c>=</c> or <c>:</c>; optionally <c>@</c> and a second part of the same form;
/// 1-128 characters. Uniqueness is on <see cref="AddressNormalizer.UsernameView"/>, so dots do not count.
/// </summary>
public static partial class UsernameRules
{
    /// <summary>Longest username accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>Normalises a username the way it is stored: trimmed and lowercased (invariant culture).</summary>
    /// <param name="username">The username.</param>
    /// <returns>The normalised username.</returns>
    public static string Normalize(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return username.Trim().ToLowerInvariant();
    }

    /// <summary>
    /// True when <paramref name="username"/>, after <see cref="Normalize"/>, is an acceptable username.
    /// </summary>
    /// <param name="username">The username as given.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValid(string? username)
    {
        if (username is null)
        {
            return false;
        }

        string value = Normalize(username);
        return value.Length is >= 1 and <= MaxLength && Pattern().IsMatch(value);
    }

    [GeneratedRegex(@"\A[a-z0-9-]+(?:[._=:][a-z0-9-]+)*(?:@[a-z0-9-]+(?:[._=:][a-z0-9-]+)*)?\z", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Pattern();
}
