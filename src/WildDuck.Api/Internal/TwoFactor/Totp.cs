// SPDX-License-Identifier: MIT
using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WildDuck.Api.Internal.TwoFactor;

/// <summary>
/// TOTP as WildDuck and every authenticator app use it: RFC 6238 with HMAC-SHA-1, 30-second steps
/// from the Unix epoch and 6 digits (the HOTP of RFC 4226 §5.3 over the step number). Written here
/// rather than taken from a package: it is twenty lines over <see cref="HMACSHA1"/>, and the caller
/// needs the matched step itself for the replay guard.
/// </summary>
internal static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>The secret length WildDuck generates (20 bytes, the SHA-1 block output; RFC 4226 §4 R6).</summary>
    public const int SecretBytes = 20;

    /// <summary>The time step containing <paramref name="time"/>.</summary>
    public static long Step(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code of one step, zero-padded to <see cref="Digits"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6238 TOTP as authenticator apps implement it is HMAC-SHA-1; HMAC-SHA-1 remains a sound PRF.")]
    public static string Code(ReadOnlySpan<byte> secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(secret, counter, hash);

        // RFC 4226 §5.3 dynamic truncation.
        int offset = hash[^1] & 0x0f;
        int binary = (BinaryPrimitives.ReadInt32BigEndian(hash.Slice(offset, 4)) & 0x7fffffff) % 1_000_000;
        return binary.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step, within <paramref name="window"/> steps of now, whose code is <paramref name="code"/>;
    /// null when none. Every candidate is compared in constant time, and all of them are computed, so
    /// the answer time does not tell which step matched.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> secret, string code, DateTimeOffset now, int window)
    {
        if (code.Length != Digits)
        {
            return null;
        }

        long current = Step(now);
        long? matched = null;
        for (long step = current - window; step <= current + window; step++)
        {
            var candidate = Code(secret, step);
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), Encoding.ASCII.GetBytes(code)) && matched is null)
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>The <c>otpauth://totp/</c> URI authenticator apps scan (Google Authenticator key URI format).</summary>
    public static string KeyUri(string issuer, string label, string base32Secret) =>
        "otpauth://totp/" + Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(label)
        + "?secret=" + base32Secret + "&issuer=" + Uri.EscapeDataString(issuer)
        + "&algorithm=SHA1&digits=" + Digits.ToString(CultureInfo.InvariantCulture)
        + "&period=" + StepSeconds.ToString(CultureInfo.InvariantCulture);
}

/// <summary>RFC 4648 §6 base32 (upper case, no padding), the encoding of TOTP secrets.</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = ((buffer << 8) | b) & 0xFFFF;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }

    /// <summary>Decodes, ignoring case, spaces and padding; null when a character is not base32.</summary>
    public static byte[]? Decode(string text)
    {
        var output = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '=')
            {
                continue;
            }

            int value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                output[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        return output.AsSpan(0, index).ToArray();
    }
}
