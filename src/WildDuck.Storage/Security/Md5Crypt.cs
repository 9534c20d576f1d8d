// SPDX-License-Identifier: MIT
using System;
using System.Security.Cryptography;
using System.Text;

namespace WildDuck.Storage.Security;

/// <summary>
/// md5-crypt (<c>$1$</c>), Poul-Henning Kamp's FreeBSD algorithm (crypt-md5.c, "THE BEER-WARE LICENSE"
/// original): 1,000 rounds of MD5 over password, salt (at most 8 characters) and magic.
/// </summary>
internal static class Md5Crypt
{
    private const string Magic = "$1$";

    /// <summary>Computes the crypt string for <paramref name="setting"/>; null when it is not a <c>$1$</c> setting.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "Verification of legacy md5-crypt hashes (reference §7.1); they are rehashed on login.")]
    internal static string? Crypt(byte[] password, string setting)
    {
        if (!setting.StartsWith(Magic, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = setting[Magic.Length..];
        int saltEnd = rest.IndexOf('$', StringComparison.Ordinal);
        string saltText = saltEnd < 0 ? rest : rest[..saltEnd];
        if (saltText.Length > 8)
        {
            saltText = saltText[..8];
        }

        byte[] salt = Encoding.UTF8.GetBytes(saltText);
        byte[] magic = Encoding.ASCII.GetBytes(Magic);

        using var h = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        h.AppendData(password);
        h.AppendData(salt);
        h.AppendData(password);
        byte[] alt = h.GetHashAndReset();

        h.AppendData(password);
        h.AppendData(magic);
        h.AppendData(salt);
        for (int pl = password.Length; pl > 0; pl -= 16)
        {
            h.AppendData(alt, 0, Math.Min(16, pl));
        }

        byte[] zero = [0];
        for (int i = password.Length; i != 0; i >>= 1)
        {
            if ((i & 1) != 0)
            {
                h.AppendData(zero);
            }
            else
            {
                h.AppendData(password, 0, 1);
            }
        }

        byte[] final = h.GetHashAndReset();
        for (int i = 0; i < 1000; i++)
        {
            if ((i & 1) != 0)
            {
                h.AppendData(password);
            }
            else
            {
                h.AppendData(final);
            }

            if (i % 3 != 0)
            {
                h.AppendData(salt);
            }

            if (i % 7 != 0)
            {
                h.AppendData(password);
            }

            if ((i & 1) != 0)
            {
                h.AppendData(final);
            }
            else
            {
                h.AppendData(password);
            }

            final = h.GetHashAndReset();
        }

        var output = new StringBuilder(34);
        output.Append(Magic).Append(saltText).Append('$');
        CryptBase64.Append24(output, final[0], final[6], final[12], 4);
        CryptBase64.Append24(output, final[1], final[7], final[13], 4);
        CryptBase64.Append24(output, final[2], final[8], final[14], 4);
        CryptBase64.Append24(output, final[3], final[9], final[15], 4);
        CryptBase64.Append24(output, final[4], final[10], final[5], 4);
        CryptBase64.Append24(output, 0, 0, final[11], 2);
        return output.ToString();
    }
}
