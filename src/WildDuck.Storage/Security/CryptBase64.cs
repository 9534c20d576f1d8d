// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace WildDuck.Storage.Security;

/// <summary>
/// The crypt(3) "hash64" alphabet <c>./0-9A-Za-z</c> and the little-endian 24-bit group encoding used by
/// md5-crypt and sha-crypt (Drepper, "Unix crypt using SHA-256 and SHA-512", b64_from_24bit).
/// </summary>
internal static class CryptBase64
{
    internal const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Appends <paramref name="count"/> characters encoding the 24-bit group b2:b1:b0, low bits first.</summary>
    internal static void Append24(StringBuilder output, byte b2, byte b1, byte b0, int count)
    {
        int w = (b2 << 16) | (b1 << 8) | b0;
        for (int i = 0; i < count; i++)
        {
            output.Append(Alphabet[w & 0x3f]);
            w >>= 6;
        }
    }

    /// <summary>Maps a hash64 character to 0..63, or -1 when it is not in the alphabet.</summary>
    internal static int IndexOf(char c) => c switch
    {
        '.' => 0,
        '/' => 1,
        >= '0' and <= '9' => c - '0' + 2,
        >= 'A' and <= 'Z' => c - 'A' + 12,
        >= 'a' and <= 'z' => c - 'a' + 38,
        _ => -1,
    };

    /// <summary>True when every character of <paramref name="text"/> is in the alphabet.</summary>
    internal static bool IsValid(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (IndexOf(c) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
