// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII except "&amp;" stands for
/// itself, "&amp;-" is "&amp;", and other characters are "&amp;" + modified BASE64 of UTF-16BE + "-",
/// with "," instead of "/" and no padding.
/// </summary>
/// <remarks>
/// Decoding is strict and accepts only the canonical form: printable ASCII may not be encoded,
/// two encoded runs may not be adjacent, padding bits must be zero, every run must hold whole
/// UTF-16 code units and surrogates must pair. Non-canonical names would otherwise give two
/// spellings of one mailbox.
/// </remarks>
internal static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    /// <summary>Encodes <paramref name="name"/> (must be well-formed UTF-16).</summary>
    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 8);
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c == '&')
            {
                sb.Append("&-");
                i++;
            }
            else if (c >= 0x20 && c <= 0x7E)
            {
                sb.Append(c);
                i++;
            }
            else
            {
                sb.Append('&');
                int bits = 0, buffer = 0;
                while (i < name.Length && (name[i] < 0x20 || name[i] > 0x7E))
                {
                    buffer = (buffer << 16) | name[i];
                    bits += 16;
                    while (bits >= 6)
                    {
                        bits -= 6;
                        sb.Append(Alphabet[(buffer >> bits) & 0x3F]);
                    }

                    i++;
                }

                if (bits > 0)
                {
                    sb.Append(Alphabet[(buffer << (6 - bits)) & 0x3F]);
                }

                sb.Append('-');
            }
        }

        return sb.ToString();
    }

    /// <summary>Decodes a canonical modified UTF-7 name; false for any invalid or non-canonical form.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out string name)
    {
        name = string.Empty;
        var sb = new StringBuilder(encoded.Length);
        var i = 0;
        var lastWasEncoded = false;
        while (i < encoded.Length)
        {
            var b = encoded[i];
            if (b < 0x20 || b > 0x7E)
            {
                return false;
            }

            if (b != (byte)'&')
            {
                sb.Append((char)b);
                i++;
                lastWasEncoded = false;
                continue;
            }

            if (i + 1 < encoded.Length && encoded[i + 1] == (byte)'-')
            {
                sb.Append('&');
                i += 2;
                lastWasEncoded = false;
                continue;
            }

            if (lastWasEncoded)
            {
                // "&AGE-&AGE-" must be written as one run.
                return false;
            }

            i++;
            int bits = 0, buffer = 0, chars = 0;
            var highSurrogate = '\0';
            while (true)
            {
                if (i >= encoded.Length)
                {
                    return false;
                }

                var c = encoded[i++];
                if (c == (byte)'-')
                {
                    break;
                }

                var v = Value(c);
                if (v < 0)
                {
                    return false;
                }

                chars++;
                buffer = ((buffer << 6) | v) & 0xFFFFFF;
                bits += 6;
                if (bits >= 16)
                {
                    bits -= 16;
                    var unit = (char)((buffer >> bits) & 0xFFFF);
                    if (unit >= 0x20 && unit <= 0x7E)
                    {
                        return false; // printable ASCII must stand for itself
                    }

                    if (highSurrogate != '\0')
                    {
                        if (!char.IsLowSurrogate(unit))
                        {
                            return false;
                        }

                        sb.Append(highSurrogate).Append(unit);
                        highSurrogate = '\0';
                    }
                    else if (char.IsHighSurrogate(unit))
                    {
                        highSurrogate = unit;
                    }
                    else if (char.IsLowSurrogate(unit))
                    {
                        return false;
                    }
                    else
                    {
                        sb.Append(unit);
                    }
                }
            }

            // An empty run, leftover bits of a whole sextet, non-zero padding or an unpaired high surrogate.
            if (chars == 0 || bits >= 6 || (buffer & ((1 << bits) - 1)) != 0 || highSurrogate != '\0')
            {
                return false;
            }

            lastWasEncoded = true;
        }

        name = sb.ToString();
        return true;
    }

    private static int Value(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' => 62,
        (byte)',' => 63,
        _ => -1,
    };
}
