// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace WildDuck.Storage.Mime;

/// <summary>What an OpenPGP public key is (WildDuck's <c>keyInfo</c> of <c>GET /users/:user</c>).</summary>
/// <param name="Fingerprint">Fingerprint of the primary key, lower-case hex.</param>
/// <param name="Name">Name of the first user id, when it has one.</param>
/// <param name="Address">Address of the first user id, when it has one.</param>
public sealed record PgpKeyInfo(string Fingerprint, string? Name, string? Address);

/// <summary>
/// OpenPGP at-rest encryption of stored mail (reference §7.9, format §2.10): a message is rewritten
/// as PGP/MIME (RFC 3156 §4) to the user's public key before it is stored, so the store never
/// holds its plaintext. Only the public key is needed; no keyring files.
/// </summary>
/// <remarks>
/// WildDuck's layout is kept: every header field stays outside except <c>Content-Type</c> and
/// <c>Content-Transfer-Encoding</c>, which move into the encrypted part with the body, so the
/// envelope, threading and search on headers keep working. Messages that already are
/// <c>multipart/encrypted</c> are stored as they are.
/// </remarks>
public static class StoredMessageEncryption
{
    /// <summary>The armour comment WildDuck writes.</summary>
    public const string ArmorComment = "Plaintext message encrypted by WildDuck Mail Server";

    /// <summary>Smallest RSA key accepted (WildDuck's minimum, reference §2.10).</summary>
    public const int MinimumRsaBits = 1024;

    private const string PublicKeyBlock = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    private const string MessageBlock = "-----BEGIN PGP MESSAGE-----";

    /// <summary>
    /// Checks that <paramref name="armored"/> is one ASCII-armoured OpenPGP public key with a usable
    /// encryption key (not revoked, not expired, RSA at least <see cref="MinimumRsaBits"/> bits).
    /// </summary>
    /// <param name="armored">The key as a user gives it.</param>
    /// <param name="info">What the key is, when valid.</param>
    /// <param name="error">Why it is not, when invalid.</param>
    /// <returns>True when the key can be used.</returns>
    public static bool TryReadPublicKey(string armored, out PgpKeyInfo? info, out string? error)
    {
        ArgumentNullException.ThrowIfNull(armored);
        info = null;
        if (!TryLoadRing(armored, out var ring, out error))
        {
            return false;
        }

        var primary = ring!.GetPublicKey();
        string? name = null, address = null;
        foreach (var userId in primary.GetUserIds())
        {
            if (MailboxAddress.TryParse(userId, out var mailbox))
            {
                name = string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name;
                address = string.IsNullOrEmpty(mailbox.Address) ? null : mailbox.Address;
            }
            else
            {
                name = userId;
            }

            break;
        }

        info = new PgpKeyInfo(Convert.ToHexStringLower(primary.GetFingerprint()), name, address);
        return true;
    }

    /// <summary>
    /// Whether mail stored for <paramref name="user"/> in <paramref name="mailbox"/> with <paramref name="flags"/> is
    /// encrypted: <see cref="UserRecord.EncryptMessages"/> or <see cref="MailboxRecord.EncryptMessages"/>, the user has
    /// a key, and never for \Draft (reference §2.10 step 2, §7.9).
    /// </summary>
    /// <param name="user">The owner.</param>
    /// <param name="mailbox">The mailbox the message goes to; null when not known (only the user's setting counts).</param>
    /// <param name="flags">The message's flags.</param>
    /// <returns>Whether to encrypt.</returns>
    public static bool Applies(UserRecord user, MailboxRecord? mailbox, MessageFlags flags)
    {
        ArgumentNullException.ThrowIfNull(user);
        return (user.EncryptMessages || mailbox?.EncryptMessages == true) && !string.IsNullOrEmpty(user.PublicKey) && !flags.HasFlag(MessageFlags.Draft);
    }

    /// <summary>
    /// The bytes to store for <paramref name="user"/> in <paramref name="mailbox"/>: <paramref name="message"/> encrypted
    /// when <see cref="Applies"/>, otherwise (or when it is already encrypted, or the key cannot be used) the message unchanged.
    /// </summary>
    /// <param name="user">The owner.</param>
    /// <param name="mailbox">The target mailbox.</param>
    /// <param name="message">The message.</param>
    /// <param name="flags">The message's flags.</param>
    /// <returns>The bytes to store.</returns>
    public static ReadOnlyMemory<byte> ForUser(UserRecord user, MailboxRecord? mailbox, ReadOnlyMemory<byte> message, MessageFlags flags) =>
        Applies(user, mailbox, flags) && Encrypt(message.Span, user.PublicKey!) is { } encrypted ? encrypted : message;

    /// <summary>
    /// <paramref name="message"/> as PGP/MIME encrypted to <paramref name="armoredPublicKey"/>
    /// (reference §2.10); null when the message is already <c>multipart/encrypted</c> or the key
    /// cannot be used, as WildDuck then stores the message unchanged.
    /// </summary>
    public static byte[]? Encrypt(ReadOnlySpan<byte> message, string armoredPublicKey)
    {
        ArgumentNullException.ThrowIfNull(armoredPublicKey);
        if (IsEncrypted(message) || !TryLoadRing(armoredPublicKey, out var ring, out _))
        {
            return null;
        }

        // Inner part: Content-Type and Content-Transfer-Encoding, a blank line, the original body.
        using var outer = new MemoryStream(message.Length + 4096);
        using var inner = new MemoryStream(message.Length + 64);
        int blank = HeaderFields.Partition(message, IsContentField, outer, inner);
        int body = blank == message.Length ? blank : blank + (message[blank] == (byte)'\r' ? 2 : 1);
        inner.Write("\r\n"u8);
        inner.Write(message[body..]);
        inner.Position = 0;

        string armored;
        using (var context = new PublicKeyPgpContext(ring!))
        {
            var part = context.Encrypt(EncryptionAlgorithm.Aes256, new[] { EncryptionKey(ring!)! }, inner);
            using var ciphertext = new MemoryStream();
            part.Content!.DecodeTo(ciphertext);
            armored = WithComment(Encoding.ASCII.GetString(ciphertext.GetBuffer(), 0, (int)ciphertext.Length));
        }

        var boundary = "nm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(14));
        var text = new StringBuilder(armored.Length + 1024)
            .Append("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"").Append(boundary).Append("\"\r\n")
            .Append("Content-Description: OpenPGP encrypted message\r\n")
            .Append("Content-Transfer-Encoding: 7bit\r\n")
            .Append("\r\n")
            .Append("This is an OpenPGP/MIME encrypted message\r\n\r\n")
            .Append("--").Append(boundary).Append("\r\n")
            .Append("Content-Type: application/pgp-encrypted\r\n")
            .Append("Content-Description: PGP/MIME version identification\r\n")
            .Append("\r\n")
            .Append("Version: 1\r\n\r\n")
            .Append("--").Append(boundary).Append("\r\n")
            .Append("Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n")
            .Append("Content-Description: OpenPGP encrypted message\r\n")
            .Append("Content-Disposition: inline; filename=\"encrypted.asc\"\r\n")
            .Append("\r\n")
            .Append(armored)
            .Append("\r\n--").Append(boundary).Append("--\r\n");
        outer.Write(Encoding.ASCII.GetBytes(text.ToString()));
        return outer.ToArray();
    }

    private static bool IsContentField(string name) =>
        name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the top-level Content-Type is multipart/encrypted (already encrypted: left alone).</summary>
    private static bool IsEncrypted(ReadOnlySpan<byte> message)
    {
        using var contentType = new MemoryStream();
        HeaderFields.Partition(message, static name => name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase), Stream.Null, contentType);
        var field = Encoding.ASCII.GetString(contentType.GetBuffer(), 0, (int)contentType.Length);
        int colon = field.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && ContentType.TryParse(field[(colon + 1)..].Trim(), out var type) && type.IsMimeType("multipart", "encrypted");
    }

    /// <summary>Replaces the armour headers (BouncyCastle's Version line) with WildDuck's comment, CRLF line ends.</summary>
    private static string WithComment(string armored)
    {
        var lines = armored.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        var result = new StringBuilder(armored.Length + 64);
        int i = 0;
        while (i < lines.Length && lines[i] != MessageBlock)
        {
            i++;
        }

        result.Append(MessageBlock).Append("\r\n").Append("Comment: ").Append(ArmorComment).Append("\r\n");
        i++;
        while (i < lines.Length && lines[i].Length > 0)
        {
            i++; // the original armour headers
        }

        for (; i < lines.Length; i++)
        {
            result.Append(lines[i]).Append("\r\n");
        }

        return result.ToString().TrimEnd('\r', '\n');
    }

    private static bool TryLoadRing(string armored, out PgpPublicKeyRing? ring, out string? error)
    {
        ring = null;
        if (!armored.TrimStart().StartsWith(PublicKeyBlock, StringComparison.Ordinal))
        {
            error = "must be an ASCII-armoured OpenPGP public key";
            return false;
        }

        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armored)));
            var bundle = new PgpPublicKeyRingBundle(input);
            var rings = new List<PgpPublicKeyRing>(bundle.GetKeyRings());
            if (rings.Count != 1)
            {
                error = "must contain exactly one public key";
                return false;
            }

            ring = rings[0];
        }
        catch (Exception ex) when (ex is IOException or PgpException or ArgumentException or InvalidOperationException or InvalidCastException or FormatException)
        {
            error = "is not a valid OpenPGP public key";
            return false;
        }

        if (EncryptionKey(ring) is null)
        {
            ring = null;
            error = "has no usable encryption key (revoked, expired, or RSA below " + MinimumRsaBits + " bits)";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The key to encrypt to: an encryption subkey if there is one, else the primary key; null when none is usable.</summary>
    private static PgpPublicKey? EncryptionKey(PgpPublicKeyRing ring)
    {
        PgpPublicKey? primary = null;
        foreach (var key in ring.GetPublicKeys())
        {
            if (!IsUsable(key))
            {
                continue;
            }

            if (!key.IsMasterKey)
            {
                return key;
            }

            primary = key;
        }

        return primary;
    }

    private static bool IsUsable(PgpPublicKey key)
    {
        if (!key.IsEncryptionKey || key.HasRevocation())
        {
            return false;
        }

        long valid = key.GetValidSeconds();
        if (valid > 0 && key.CreationTime.AddSeconds(valid) < DateTime.UtcNow)
        {
            return false;
        }

        return key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt) || key.BitStrength >= MinimumRsaBits;
    }
}
