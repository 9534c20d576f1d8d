// SPDX-License-Identifier: MIT
using System;
using System.Security.Cryptography;
using System.Text;

namespace WildDuck.Api.Internal.TwoFactor;

/// <summary>
/// Seals secrets at rest (TOTP seeds; reference §7.8) when a key is configured:
/// <c>$wdk1$aes-256-gcm$&lt;tag hex&gt;$&lt;iv hex, 12 bytes&gt;$&lt;salt hex, 16 bytes&gt;$&lt;ciphertext hex&gt;</c>,
/// the key being HKDF-SHA256(configured key, salt). The shape is WildDuck's <c>$wd01$</c> format;
/// the prefix differs because WildDuck derives with scrypt (made for human passwords; the configured
/// key is a server secret, for which HKDF is the right tool), so the two are not interchangeable.
/// As in WildDuck, a value not starting with <c>$</c> is plain text: secrets stored before a key was
/// configured keep working.
/// </summary>
internal sealed class SecretSealer
{
    private const string Prefix = "$wdk1$aes-256-gcm$";
    private const int TagBytes = 16;
    private const int NonceBytes = 12;
    private const int SaltBytes = 16;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("WildDuck.Core secret at rest v1");

    private readonly byte[]? _key;

    public SecretSealer(string? key) => _key = string.IsNullOrEmpty(key) ? null : Encoding.UTF8.GetBytes(key);

    /// <summary>Seals <paramref name="plain"/>, or returns it unchanged when no key is configured.</summary>
    public string Seal(string plain)
    {
        if (_key is null)
        {
            return plain;
        }

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var data = Encoding.UTF8.GetBytes(plain);
        var cipher = new byte[data.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(Derive(salt), TagBytes))
        {
            aes.Encrypt(nonce, data, cipher, tag);
        }

        return Prefix + Convert.ToHexStringLower(tag) + "$" + Convert.ToHexStringLower(nonce) + "$" + Convert.ToHexStringLower(salt) + "$" + Convert.ToHexStringLower(cipher);
    }

    /// <summary>The plain value; null when it is sealed and cannot be opened (no key, another key, damaged, or another scheme).</summary>
    public string? Open(string stored)
    {
        if (!stored.StartsWith('$'))
        {
            return stored;
        }

        if (_key is null || !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = stored[Prefix.Length..].Split('$');
        if (parts.Length != 4)
        {
            return null;
        }

        try
        {
            var tag = Convert.FromHexString(parts[0]);
            var nonce = Convert.FromHexString(parts[1]);
            var salt = Convert.FromHexString(parts[2]);
            var cipher = Convert.FromHexString(parts[3]);
            if (tag.Length != TagBytes || nonce.Length != NonceBytes || salt.Length != SaltBytes)
            {
                return null;
            }

            var plain = new byte[cipher.Length];
            using var aes = new AesGcm(Derive(salt), TagBytes);
            aes.Decrypt(nonce, cipher, tag, plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private byte[] Derive(byte[] salt) => HKDF.DeriveKey(HashAlgorithmName.SHA256, _key!, 32, salt, Info);
}
