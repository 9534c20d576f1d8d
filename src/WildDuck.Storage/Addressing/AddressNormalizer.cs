// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace WildDuck.Storage.Addressing;

/// <summary>
/// Address normalisation and lookup keys as WildDuck's <c>tools.normalizeAddress</c> and <c>uview</c>
/// (reference §6.2).
/// </summary>
public static class AddressNormalizer
{
    /// <summary>Longest partial used for wildcard candidates (reference §6.2 step 3).</summary>
    public const int MaxWildcardPartial = 32;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = true, UseStd3AsciiRules = false };

    /// <summary>
    /// Normalises an address (reference §6.2 <c>normalizeAddress</c>): the local part (everything before the last
    /// <c>@</c>) is NFC-normalised, lowercased and trimmed; the domain is lowercased and trimmed, converted from
    /// punycode to unicode when it starts with <c>xn--</c>, NFC-normalised and lowercased. A string without
    /// <c>@</c> is treated as a bare local part.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="removeLabel">Remove a <c>+label</c> (from the <c>+</c> to the end of the local part).</param>
    /// <param name="removeDots">Remove every <c>.</c> from the local part.</param>
    /// <returns>The normalised address.</returns>
    public static string Normalize(string address, bool removeLabel = false, bool removeDots = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        int at = address.LastIndexOf('@');
        string local = at < 0 ? address : address[..at];
        local = local.Normalize(NormalizationForm.FormC).ToLowerInvariant().Trim();
        if (removeLabel)
        {
            // WildDuck: user.replace(/\+[^@]*$/, '') - the first '+' after the last '@' inside the local part.
            int start = local.LastIndexOf('@') + 1;
            int plus = local.IndexOf('+', start);
            if (plus >= 0)
            {
                local = local[..plus];
            }
        }

        if (removeDots)
        {
            local = local.Replace(".", string.Empty, StringComparison.Ordinal);
        }

        return at < 0 ? local : string.Concat(local, "@", NormalizeDomain(address[(at + 1)..]));
    }

    /// <summary>
    /// Normalises a domain: lowercased and trimmed; <c>xn--</c> (punycode, RFC 3492 / IDNA) labels are converted to
    /// unicode; the result is NFC-normalised and lowercased. An invalid punycode domain is kept as ASCII.
    /// </summary>
    /// <param name="domain">The domain.</param>
    /// <returns>The normalised domain.</returns>
    public static string NormalizeDomain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        domain = domain.ToLowerInvariant().Trim();
        if (domain.StartsWith("xn--", StringComparison.Ordinal) || domain.Contains(".xn--", StringComparison.Ordinal))
        {
            try
            {
                domain = Idn.GetUnicode(domain);
            }
            catch (ArgumentException)
            {
                // Not valid punycode: WildDuck keeps the domain as it is.
            }
        }

        return domain.Normalize(NormalizationForm.FormC).ToLowerInvariant();
    }

    /// <summary>
    /// The stored lookup key of an address (WildDuck <c>addrview</c>, reference §6.2): normalised, label removed,
    /// dots removed from the local part, lowercased. <c>First.Last+news@Example.COM</c> → <c>firstlast@example.com</c>.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <returns>The lookup key.</returns>
    public static string AddressView(string address) => Normalize(address, removeLabel: true, removeDots: true);

    /// <summary>
    /// The uniqueness key of a username (WildDuck <c>unameview</c> = <c>uview(username)</c>): lowercased, trimmed, with
    /// dots removed (only from the local part when the username is itself an address).
    /// </summary>
    /// <param name="username">The username.</param>
    /// <returns>The lookup key.</returns>
    public static string UsernameView(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        string value = username.Trim().ToLowerInvariant();
        int at = value.LastIndexOf('@');
        return at < 0
            ? value.Replace(".", string.Empty, StringComparison.Ordinal)
            : string.Concat(value[..at].Replace(".", string.Empty, StringComparison.Ordinal), value.AsSpan(at));
    }

    /// <summary>
    /// A pragmatic address syntax check: a dot-atom local part (RFC 5322 §3.2.3 atext, plus UTF-8 per RFC 6531) of at
    /// most 64 characters, <c>@</c>, and a domain of one or more labels of letters, digits and hyphens (unicode
    /// allowed), each 1-63 characters and not starting or ending with a hyphen, 253 characters at most.
    /// <c>*</c> is refused unless <paramref name="allowWildcard"/> (reference §6.2: wildcard addresses need
    /// <c>allowWildcard</c>).
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="allowWildcard">Accept <c>*</c> in the local part, or a local part of only <c>*</c>.</param>
    /// <returns>True when the address is acceptable.</returns>
    public static bool IsValidAddress(string? address, bool allowWildcard = false)
    {
        if (string.IsNullOrEmpty(address) || address.Length > 320)
        {
            return false;
        }

        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }

        string local = address[..at];
        string domain = address[(at + 1)..];
        return IsValidLocalPart(local, allowWildcard) && IsValidDomain(domain);
    }

    /// <summary>
    /// Wildcard candidates for resolving <paramref name="normalizedAddress"/> (reference §6.2 step 3 and 4), most
    /// specific first: for i = min(length, 32) … 1 the suffix form <c>*&lt;last i chars&gt;@domain</c> then the prefix
    /// form <c>&lt;first i chars&gt;*@domain</c>; then <c>*@domain</c>; finally <c>local@*</c>.
    /// </summary>
    /// <param name="normalizedAddress">An address already normalised (for example an <see cref="AddressView"/>).</param>
    /// <returns>The candidates in lookup order; empty when the address has no <c>@</c>.</returns>
    public static IEnumerable<string> WildcardCandidates(string normalizedAddress)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        int at = normalizedAddress.LastIndexOf('@');
        if (at < 0)
        {
            return Array.Empty<string>();
        }

        string local = normalizedAddress[..at];
        string domain = normalizedAddress[(at + 1)..];
        var candidates = new List<string>((2 * MaxWildcardPartial) + 2);
        for (int i = Math.Min(local.Length, MaxWildcardPartial); i >= 1; i--)
        {
            candidates.Add(string.Concat("*", local.AsSpan(local.Length - i), "@", domain));
            candidates.Add(string.Concat(local.AsSpan(0, i), "*@", domain));
        }

        candidates.Add("*@" + domain);
        candidates.Add(local + "@*");
        return candidates;
    }

    private static bool IsValidLocalPart(string local, bool allowWildcard)
    {
        if (local.Length > 64 || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in local)
        {
            bool ok = char.IsAsciiLetterOrDigit(c)
                || "!#$%&'+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal)
                || (c == '*' && allowWildcard)
                || (c > 0x7f && !char.IsWhiteSpace(c) && !char.IsControl(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidDomain(string domain)
    {
        if (domain.Length > 253)
        {
            return false;
        }

        // Single-label domains ("localhost", an intranet host) are accepted: a self-hosted or
        // development server commonly receives mail for its bare host name.
        string[] labels = domain.Split('.');

        foreach (string label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || (c > 0x7f && char.IsLetterOrDigit(c))))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
