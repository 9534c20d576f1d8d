// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;

namespace WildDuck.Storage.Security;

/// <summary>
/// A parsed PHC string, <c>$id[$v=version][$param=value(,param=value)*][$salt[$hash]]</c>, with salt and hash in
/// unpadded standard base64 (P-H-C phc-string-format spec, as serialised by node <c>@phc/format</c>).
/// </summary>
internal sealed class PhcString
{
    private PhcString(string id, Dictionary<string, string> parameters, byte[] salt, byte[] hash)
    {
        Id = id;
        Parameters = parameters;
        Salt = salt;
        Hash = hash;
    }

    internal string Id { get; }

    /// <summary>Parameters, including <c>v</c> when present.</summary>
    internal Dictionary<string, string> Parameters { get; }

    internal byte[] Salt { get; }

    internal byte[] Hash { get; }

    /// <summary>Parses a PHC string with both salt and hash; null when malformed.</summary>
    internal static PhcString? TryParse(string text)
    {
        if (text.Length == 0 || text[0] != '$')
        {
            return null;
        }

        string[] fields = text[1..].Split('$');
        if (fields.Length < 3 || fields.Length > 5 || fields[0].Length == 0)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < fields.Length - 2; i++)
        {
            foreach (string pair in fields[i].Split(','))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !parameters.TryAdd(pair[..eq], pair[(eq + 1)..]))
                {
                    return null;
                }
            }
        }

        byte[]? salt = DecodeBase64(fields[^2]);
        byte[]? hash = DecodeBase64(fields[^1]);
        if (salt is null || hash is null || hash.Length == 0)
        {
            return null;
        }

        return new PhcString(fields[0], parameters, salt, hash);
    }

    /// <summary>Reads a non-negative decimal integer parameter; false when missing or malformed.</summary>
    internal bool TryGetInt(string name, out int value)
    {
        value = 0;
        return Parameters.TryGetValue(name, out string? text)
            && text.Length is > 0 and <= 10
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Encodes bytes as unpadded standard base64.</summary>
    internal static string EncodeBase64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>Decodes unpadded (or padded) standard base64; null when invalid.</summary>
    internal static byte[]? DecodeBase64(string text)
    {
        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/' || c == '='))
            {
                return null;
            }
        }

        string trimmed = text.TrimEnd('=');
        if (trimmed.Length % 4 == 1)
        {
            return null;
        }

        string padded = trimmed + new string('=', (4 - (trimmed.Length % 4)) % 4);
        byte[] buffer = new byte[(padded.Length / 4) * 3];
        return Convert.TryFromBase64String(padded, buffer, out int written) ? buffer[..written] : null;
    }
}
