// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace WildDuck.Storage.Security;

/// <summary>
/// The default <see cref="IPasswordHasher"/> (reference §7.1). New hashes are PBKDF2-HMAC-SHA256 with a 16-byte
/// random salt and a 32-byte key in the PHC format written by node <c>@phc/pbkdf2</c>:
/// <c>$pbkdf2-sha256$i=100000$&lt;salt&gt;$&lt;hash&gt;</c> (unpadded standard base64). Verification accepts every
/// format WildDuck accepts: PBKDF2 (sha1/sha256/sha512), bcrypt (<c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c>),
/// sha512-crypt/sha256-crypt (<c>$6$</c>/<c>$5$</c>), md5-crypt (<c>$1$</c>), Argon2 (<c>$argon2d$</c>,
/// <c>$argon2i$</c>, <c>$argon2id$</c>, version 19) and traditional DES crypt (13 characters).
/// Passwords are encoded as UTF-8 and never trimmed.
/// </summary>
public sealed class PasswordHasher : IPasswordHasher
{
    /// <summary>The smallest PBKDF2 iteration count used for new hashes (reference §7.1).</summary>
    public const int MinimumPbkdf2Iterations = 100_000;

    private const int SaltSize = 16;
    private const int KeySize = 32;

    // Bounds applied to parameters read from stored hashes, so a corrupt or hostile hash cannot make a single
    // verification take unbounded CPU time or memory.
    private const int MaxPbkdf2Iterations = 10_000_000;
    private const int MaxArgon2MemoryKib = 1024 * 1024;
    private const int MaxArgon2Iterations = 1000;
    private const int MaxArgon2Parallelism = 64;

    private readonly int _iterations;

    /// <summary>Creates a hasher from the <see cref="WildDuckOptions.Passwords"/> settings.</summary>
    /// <param name="options">The options.</param>
    public PasswordHasher(IOptions<WildDuckOptions> options)
        : this(options is null ? throw new ArgumentNullException(nameof(options)) : options.Value.Passwords)
    {
    }

    /// <summary>Creates a hasher from password settings.</summary>
    /// <param name="options">The password settings; iterations below 100,000 are raised to 100,000.</param>
    public PasswordHasher(PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _iterations = Math.Max(MinimumPbkdf2Iterations, options.Pbkdf2Iterations);
    }

    /// <summary>The PBKDF2 iteration count used for new hashes.</summary>
    public int Iterations => _iterations;

    /// <inheritdoc />
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] salt = RandomNumberGenerator.GetBytes(SaltSize);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, _iterations, HashAlgorithmName.SHA256, KeySize);
        string result = string.Create(
            CultureInfo.InvariantCulture,
            $"$pbkdf2-sha256$i={_iterations}${PhcString.EncodeBase64(salt)}${PhcString.EncodeBase64(key)}");
        CryptographicOperations.ZeroMemory(key);
        return result;
    }

    /// <inheritdoc />
    public PasswordVerification Verify(string password, string storedHash)
    {
        if (password is null || string.IsNullOrEmpty(storedHash))
        {
            return PasswordVerification.Failed;
        }

        try
        {
            return VerifyCore(password, storedHash);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or CryptographicException
            or InvalidOperationException or BCrypt.Net.SaltParseException or NotSupportedException or OutOfMemoryException)
        {
            // Malformed hashes never throw (reference: an unknown or garbage hash simply does not match).
            return PasswordVerification.Failed;
        }
    }

    private PasswordVerification VerifyCore(string password, string stored)
    {
        byte[] pw = Encoding.UTF8.GetBytes(password);
        try
        {
            if (stored.StartsWith("$pbkdf2-", StringComparison.Ordinal))
            {
                return VerifyPbkdf2(pw, stored);
            }

            if (stored.StartsWith("$argon2", StringComparison.Ordinal))
            {
                return Rehash(VerifyArgon2(pw, stored));
            }

            if (stored.StartsWith("$2a$", StringComparison.Ordinal) || stored.StartsWith("$2b$", StringComparison.Ordinal)
                || stored.StartsWith("$2y$", StringComparison.Ordinal))
            {
                return Rehash(VerifyBcrypt(password, stored));
            }

            if (stored.StartsWith("$6$", StringComparison.Ordinal) || stored.StartsWith("$5$", StringComparison.Ordinal))
            {
                return Rehash(FixedTimeEquals(ShaCrypt.Crypt(pw, stored), stored));
            }

            if (stored.StartsWith("$1$", StringComparison.Ordinal))
            {
                return Rehash(FixedTimeEquals(Md5Crypt.Crypt(pw, stored), stored));
            }

            if (DesCrypt.IsDesHash(stored))
            {
                return Rehash(FixedTimeEquals(DesCrypt.Crypt(pw, stored), stored));
            }

            return PasswordVerification.Failed;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pw);
        }
    }

    private static PasswordVerification Rehash(bool match) =>
        match ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Failed;

    private static bool FixedTimeEquals(string? computed, string stored)
    {
        if (computed is null)
        {
            return false;
        }

        byte[] a = Encoding.UTF8.GetBytes(computed);
        byte[] b = Encoding.UTF8.GetBytes(stored);
        return a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>
    /// PBKDF2 in PHC format as written by node <c>@phc/pbkdf2</c> (<c>$pbkdf2-&lt;digest&gt;$i=N$salt$hash</c>); the key
    /// length is the decoded hash length. The <c>i=N,l=L</c> form (passlib, RustCrypto) is accepted as well.
    /// </summary>
    private PasswordVerification VerifyPbkdf2(byte[] pw, string stored)
    {
        PhcString? phc = PhcString.TryParse(stored);
        if (phc is null || !phc.TryGetInt("i", out int iterations) || iterations < 1 || iterations > MaxPbkdf2Iterations)
        {
            return PasswordVerification.Failed;
        }

        foreach (string name in phc.Parameters.Keys)
        {
            if (name is not ("i" or "l"))
            {
                return PasswordVerification.Failed;
            }
        }

        if (phc.Parameters.ContainsKey("l") && (!phc.TryGetInt("l", out int length) || length != phc.Hash.Length))
        {
            return PasswordVerification.Failed;
        }

        HashAlgorithmName algorithm;
        switch (phc.Id)
        {
            case "pbkdf2-sha256":
                algorithm = HashAlgorithmName.SHA256;
                break;
            case "pbkdf2-sha512":
                algorithm = HashAlgorithmName.SHA512;
                break;
            case "pbkdf2-sha1":
                algorithm = HashAlgorithmName.SHA1;
                break;
            default:
                return PasswordVerification.Failed;
        }

        byte[] key = Rfc2898DeriveBytes.Pbkdf2(pw, phc.Salt, iterations, algorithm, phc.Hash.Length);
        bool match = CryptographicOperations.FixedTimeEquals(key, phc.Hash);
        CryptographicOperations.ZeroMemory(key);
        if (!match)
        {
            return PasswordVerification.Failed;
        }

        // Reference §7.1: pbkdf2-sha1 and PBKDF2 with fewer iterations than configured are upgraded.
        return algorithm == HashAlgorithmName.SHA1 || iterations < _iterations
            ? PasswordVerification.SuccessRehashNeeded
            : PasswordVerification.Success;
    }

    /// <summary>
    /// Argon2 PHC strings (<c>$argon2id$v=19$m=65536,t=3,p=4$salt$hash</c>, RFC 9106 and the reference implementation's
    /// encoding). Only version 19 (0x13) is supported by the Konscious implementation; other versions fail.
    /// </summary>
    private static bool VerifyArgon2(byte[] pw, string stored)
    {
        PhcString? phc = PhcString.TryParse(stored);
        if (phc is null
            || !phc.TryGetInt("v", out int version) || version != 0x13
            || !phc.TryGetInt("m", out int memory) || !phc.TryGetInt("t", out int time) || !phc.TryGetInt("p", out int lanes)
            || lanes < 1 || lanes > MaxArgon2Parallelism || time < 1 || time > MaxArgon2Iterations
            || memory < 8 * lanes || memory > MaxArgon2MemoryKib
            || phc.Salt.Length < 8 || phc.Hash.Length < 4 || phc.Hash.Length > 1024)
        {
            return false;
        }

        using Argon2 argon = phc.Id switch
        {
            "argon2id" => new Argon2id(pw),
            "argon2i" => new Argon2i(pw),
            "argon2d" => new Argon2d(pw),
            _ => throw new NotSupportedException(),
        };
        argon.Salt = phc.Salt;
        argon.Iterations = time;
        argon.MemorySize = memory;
        argon.DegreeOfParallelism = lanes;
        byte[] key = argon.GetBytes(phc.Hash.Length);
        bool match = CryptographicOperations.FixedTimeEquals(key, phc.Hash);
        CryptographicOperations.ZeroMemory(key);
        return match;
    }

    /// <summary>
    /// bcrypt via BCrypt.Net-Next. <c>$2y$</c> (PHP) is the same algorithm as <c>$2b$</c>, so it is verified as
    /// <c>$2b$</c>. The recomputed string is compared in constant time.
    /// </summary>
    private static bool VerifyBcrypt(string password, string stored)
    {
        string normalized = stored.StartsWith("$2y$", StringComparison.Ordinal) ? string.Concat("$2b$", stored.AsSpan(4)) : stored;
        if (normalized.Length != 60)
        {
            return false;
        }

        string computed = BCrypt.Net.BCrypt.HashPassword(password, normalized[..29]);
        return FixedTimeEquals(computed, normalized);
    }
}
