// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Security;

/// <summary>The outcome of <see cref="IPasswordHasher.Verify"/>.</summary>
public enum PasswordVerification
{
    /// <summary>The password does not match, or the stored hash is empty, malformed or of an unknown format.</summary>
    Failed,

    /// <summary>The password matches and the stored hash is current.</summary>
    Success,

    /// <summary>
    /// The password matches but the stored hash uses a legacy or weaker scheme and should be replaced with
    /// <see cref="IPasswordHasher.Hash"/> (reference §7.1, "rehash on successful login").
    /// </summary>
    SuccessRehashNeeded,
}

/// <summary>Creates and verifies password hashes (reference §7.1).</summary>
public interface IPasswordHasher
{
    /// <summary>Hashes a password with the current default scheme.</summary>
    /// <param name="password">The plain password (not trimmed or otherwise altered).</param>
    /// <returns>The encoded hash string.</returns>
    string Hash(string password);

    /// <summary>
    /// Verifies a password against a stored hash. Never throws for malformed or unknown hashes: they verify as
    /// <see cref="PasswordVerification.Failed"/>.
    /// </summary>
    /// <param name="password">The plain password.</param>
    /// <param name="storedHash">The stored hash (PHC or crypt(3) string).</param>
    /// <returns>Whether the password matches and whether the hash should be upgraded.</returns>
    PasswordVerification Verify(string password, string storedHash);
}
