// SPDX-License-Identifier: MIT
using System;
using System.Security.Cryptography;

namespace WildDuck.Hosting.Internal;

/// <summary>Short random connection ids: 64 random bits as 13 lowercase base32 characters.</summary>
internal static class ConnectionIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Next()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        ulong value = BitConverter.ToUInt64(bytes);
        return string.Create(13, value, static (span, v) =>
        {
            for (int i = span.Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
