// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WildDuck.Storage.Security;

/// <summary>
/// sha256-crypt (<c>$5$</c>) and sha512-crypt (<c>$6$</c>) as specified by Ulrich Drepper,
/// "Unix crypt using SHA-256 and SHA-512" (https://www.akkadia.org/drepper/SHA-crypt.txt), including the
/// <c>rounds=N</c> parameter (default 5,000, clamped to 1,000 … 999,999,999) and the 16-character salt limit.
/// </summary>
internal static class ShaCrypt
{
    private const int DefaultRounds = 5000;
    private const int MinRounds = 1000;
    private const int MaxRounds = 999_999_999;
    private const int MaxSaltLength = 16;

    // Output byte order of the final digest, in groups of three (spec steps 22e and 22f).
    private static readonly int[] Sha256Order =
    [
        0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14,
        15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29,
    ];

    private static readonly int[] Sha512Order =
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48,
        28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55,
        13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19,
        62, 20, 41,
    ];

    /// <summary>
    /// Computes the full crypt string for <paramref name="setting"/> (<c>$5$[rounds=N$]salt[$...]</c> or the
    /// <c>$6$</c> equivalent). Returns null when the setting is malformed.
    /// </summary>
    internal static string? Crypt(byte[] password, string setting)
    {
        bool is512;
        if (setting.StartsWith("$6$", StringComparison.Ordinal))
        {
            is512 = true;
        }
        else if (setting.StartsWith("$5$", StringComparison.Ordinal))
        {
            is512 = false;
        }
        else
        {
            return null;
        }

        string rest = setting[3..];
        int rounds = DefaultRounds;
        bool customRounds = false;
        if (rest.StartsWith("rounds=", StringComparison.Ordinal))
        {
            int end = rest.IndexOf('$', StringComparison.Ordinal);
            if (end < 0)
            {
                return null;
            }

            string number = rest[7..end];
            if (number.Length == 0 || number.Length > 10 || !ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out ulong parsed))
            {
                return null;
            }

            rounds = (int)Math.Clamp(parsed, MinRounds, MaxRounds);
            customRounds = true;
            rest = rest[(end + 1)..];
        }

        int saltEnd = rest.IndexOf('$', StringComparison.Ordinal);
        string saltText = saltEnd < 0 ? rest : rest[..saltEnd];
        if (saltText.Length > MaxSaltLength)
        {
            saltText = saltText[..MaxSaltLength];
        }

        byte[] salt = Encoding.UTF8.GetBytes(saltText);
        byte[] digest = is512
            ? Compute(HashAlgorithmName.SHA512, 64, password, salt, rounds)
            : Compute(HashAlgorithmName.SHA256, 32, password, salt, rounds);

        var output = new StringBuilder(is512 ? 120 : 80);
        output.Append(is512 ? "$6$" : "$5$");
        if (customRounds)
        {
            output.Append("rounds=").Append(rounds.ToString(CultureInfo.InvariantCulture)).Append('$');
        }

        output.Append(saltText).Append('$');
        int[] order = is512 ? Sha512Order : Sha256Order;
        for (int i = 0; i + 2 < order.Length; i += 3)
        {
            CryptBase64.Append24(output, digest[order[i]], digest[order[i + 1]], digest[order[i + 2]], 4);
        }

        if (is512)
        {
            CryptBase64.Append24(output, 0, 0, digest[63], 2);
        }
        else
        {
            CryptBase64.Append24(output, 0, digest[31], digest[30], 3);
        }

        CryptographicOperations.ZeroMemory(digest);
        return output.ToString();
    }

    private static byte[] Compute(HashAlgorithmName algorithm, int size, byte[] p, byte[] s, int rounds)
    {
        using var h = IncrementalHash.CreateHash(algorithm);

        // Steps 4-8: digest B = H(P S P).
        h.AppendData(p);
        h.AppendData(s);
        h.AppendData(p);
        byte[] b = h.GetHashAndReset();

        // Steps 1-3, 9-12: digest A.
        h.AppendData(p);
        h.AppendData(s);
        int n;
        for (n = p.Length; n > size; n -= size)
        {
            h.AppendData(b);
        }

        h.AppendData(b, 0, n);
        for (n = p.Length; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                h.AppendData(b);
            }
            else
            {
                h.AppendData(p);
            }
        }

        byte[] a = h.GetHashAndReset();

        // Steps 13-16: P sequence.
        for (int i = 0; i < p.Length; i++)
        {
            h.AppendData(p);
        }

        byte[] dp = h.GetHashAndReset();
        byte[] pSeq = Repeat(dp, p.Length);

        // Steps 17-20: S sequence.
        for (int i = 0; i < 16 + a[0]; i++)
        {
            h.AppendData(s);
        }

        byte[] ds = h.GetHashAndReset();
        byte[] sSeq = Repeat(ds, s.Length);

        // Step 21: the rounds.
        byte[] c = a;
        for (int i = 0; i < rounds; i++)
        {
            h.AppendData((i & 1) != 0 ? pSeq : c);
            if (i % 3 != 0)
            {
                h.AppendData(sSeq);
            }

            if (i % 7 != 0)
            {
                h.AppendData(pSeq);
            }

            h.AppendData((i & 1) != 0 ? c : pSeq);
            c = h.GetHashAndReset();
        }

        CryptographicOperations.ZeroMemory(pSeq);
        CryptographicOperations.ZeroMemory(dp);
        return c;
    }

    private static byte[] Repeat(byte[] source, int length)
    {
        byte[] result = new byte[length];
        for (int i = 0; i < length; i += source.Length)
        {
            Array.Copy(source, 0, result, i, Math.Min(source.Length, length - i));
        }

        return result;
    }
}
