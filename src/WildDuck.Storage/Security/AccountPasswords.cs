// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace WildDuck.Storage.Security;

/// <summary>
/// Generated passwords: application-specific passwords (16 lowercase letters, reference §7.3) and temporary
/// passwords from a password reset (12 letters and digits, reference §7.6).
/// </summary>
public static class AccountPasswords
{
    /// <summary>The length of an application-specific password.</summary>
    public const int ApplicationPasswordLength = 16;

    /// <summary>The length of a temporary password.</summary>
    public const int TemporaryPasswordLength = 12;

    /// <summary>The scope value meaning every protocol.</summary>
    public const string AllScopes = "*";

    private const string Lowercase = "abcdefghijklmnopqrstuvwxyz";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static readonly string[] ProtocolScopes = { AuthenticationScope.Imap, AuthenticationScope.Pop3, AuthenticationScope.Smtp };

    /// <summary>A new application-specific password: 16 random lowercase letters (about 75 bits).</summary>
    /// <returns>The password.</returns>
    public static string NewApplicationPassword() => RandomNumberGenerator.GetString(Lowercase, ApplicationPasswordLength);

    /// <summary>A new temporary password: 12 random letters and digits (about 71 bits).</summary>
    /// <returns>The password.</returns>
    public static string NewTemporaryPassword() => RandomNumberGenerator.GetString(Alphanumeric, TemporaryPasswordLength);

    /// <summary>
    /// The canonical form of something typed as an application-specific password: whitespace removed and
    /// lowercased, so <c>abcd efgh ijkl mnop</c> works (reference §7.2 step 10). Null when the result is not
    /// 16 letters a-z.
    /// </summary>
    /// <param name="input">What the user typed.</param>
    /// <returns>The password, or null.</returns>
    public static string? NormalizeApplicationPassword(string? input)
    {
        if (input is null || input.Length > 64)
        {
            return null;
        }

        var builder = new StringBuilder(ApplicationPasswordLength);
        foreach (char c in input)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            char lower = char.ToLowerInvariant(c);
            if (lower is < 'a' or > 'z' || builder.Length == ApplicationPasswordLength)
            {
                return null;
            }

            builder.Append(lower);
        }

        return builder.Length == ApplicationPasswordLength ? builder.ToString() : null;
    }

    /// <summary>
    /// WildDuck's selector of a normalised application password: the sum of the bytes of its SHA-1, modulo 32, in
    /// lowercase hex. It narrows a login to the passwords of one bucket; it reveals about 5 bits, far less than the
    /// 75 of the password.
    /// </summary>
    /// <param name="password">The normalised password.</param>
    /// <returns>One or two hex characters.</returns>
    public static string Selector(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> digest = stackalloc byte[20];
#pragma warning disable CA5350 // Not a security use: a bucket number compatible with WildDuck's stored selectors.
        SHA1.HashData(Encoding.ASCII.GetBytes(password), digest);
#pragma warning restore CA5350
        int sum = 0;
        foreach (byte b in digest)
        {
            sum += b;
        }

        return (sum % 32).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Canonical scopes of an application password (reference §7.3): <c>["*"]</c> for none given, for <c>*</c>, or
    /// for all three protocols; otherwise the distinct protocols sorted. Null when a value is not imap, pop3, smtp
    /// or <c>*</c> (the master scope is never allowed).
    /// </summary>
    /// <param name="scopes">The requested scopes.</param>
    /// <returns>The scopes, or null.</returns>
    public static IReadOnlyList<string>? NormalizeApplicationScopes(IEnumerable<string>? scopes)
    {
        var chosen = new SortedSet<string>(StringComparer.Ordinal);
        bool all = false;
        foreach (var scope in scopes ?? Array.Empty<string>())
        {
            var value = scope?.Trim().ToLowerInvariant();
            if (value == AllScopes)
            {
                all = true;
            }
            else if (value is not null && Array.IndexOf(ProtocolScopes, value) >= 0)
            {
                chosen.Add(value);
            }
            else
            {
                return null;
            }
        }

        return all || chosen.Count == 0 || chosen.Count == ProtocolScopes.Length ? new[] { AllScopes } : new List<string>(chosen);
    }

    /// <summary>True when an application password with <paramref name="scopes"/> may open <paramref name="scope"/>.</summary>
    /// <param name="scopes">The password's scopes.</param>
    /// <param name="scope">The required scope.</param>
    /// <returns>Whether it may.</returns>
    public static bool AllowsScope(IReadOnlyList<string> scopes, string scope)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scope == AuthenticationScope.Master)
        {
            return false;
        }

        foreach (var s in scopes)
        {
            if (s == AllScopes || string.Equals(s, scope, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
