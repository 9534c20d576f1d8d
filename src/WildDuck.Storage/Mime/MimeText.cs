// SPDX-License-Identifier: MIT
using System;
using System.Globalization;

namespace WildDuck.Storage.Mime;

/// <summary>Small text helpers for MIME tokens (types, encodings, Content-IDs).</summary>
internal static class MimeText
{
    /// <summary>ASCII-lowercases a MIME token (RFC 2045 §5.1: tokens are case-insensitive); empty or null gives the fallback.</summary>
    public static string Lower(string? value, string fallback) => LowerOrNull(value) ?? fallback;

    /// <summary>ASCII-lowercases a MIME token; empty or null gives null.</summary>
    public static string? LowerOrNull(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        foreach (char c in value)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return string.Create(value.Length, value, static (span, source) =>
                {
                    for (int i = 0; i < source.Length; i++)
                    {
                        char ch = source[i];
                        span[i] = ch is >= 'A' and <= 'Z' ? (char)(ch + 32) : ch;
                    }
                });
            }
        }

        return value;
    }

    /// <summary>Removes surrounding whitespace and angle brackets from a Content-ID (RFC 2045 §7).</summary>
    public static string? StripAngles(string? value)
    {
        if (value is null)
        {
            return null;
        }

        ReadOnlySpan<char> span = value.AsSpan().Trim();
        if (span.Length >= 2 && span[0] == '<' && span[^1] == '>')
        {
            span = span[1..^1].Trim();
        }

        return span.Length == 0 ? null : span.ToString();
    }

    /// <summary>Formats an attachment id ("ATT00001").</summary>
    public static string AttachmentId(int ordinal) => "ATT" + ordinal.ToString("D5", CultureInfo.InvariantCulture);
}
