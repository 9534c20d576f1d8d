// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace WildDuck.Storage.Mime;

/// <summary>
/// A MimeKit OpenPGP context over public key rings held in memory: enough to encrypt to a user's
/// key (reference §7.9) without GnuPG keyring files. It holds no secret keys, so it cannot sign
/// or decrypt: those lookups report the key as not found, as any context without that key does.
/// </summary>
internal sealed class PublicKeyPgpContext : OpenPgpContext
{
    private readonly List<PgpPublicKeyRing> _rings = new();

    public PublicKeyPgpContext(PgpPublicKeyRing ring) => _rings.Add(ring);

    protected override string GetPasswordForKey(PgpSecretKey key) =>
        throw new PrivateKeyNotFoundException(key?.KeyId ?? 0, "This context holds public keys only.");

    protected override PgpPublicKeyRing? GetPublicKeyRing(long keyId, CancellationToken cancellationToken)
    {
        foreach (var ring in _rings)
        {
            if (ring.GetPublicKey(keyId) is not null)
            {
                return ring;
            }
        }

        return null;
    }

    protected override Task<PgpPublicKeyRing?> GetPublicKeyRingAsync(long keyId, CancellationToken cancellationToken) =>
        Task.FromResult(GetPublicKeyRing(keyId, cancellationToken));

    public override IList<PgpPublicKey> GetPublicKeys(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        var keys = new List<PgpPublicKey>();
        foreach (var mailbox in mailboxes)
        {
            keys.Add(FindEncryptionKey(mailbox) ?? throw new PublicKeyNotFoundException(mailbox, "No public key for " + mailbox.Address + "."));
        }

        return keys;
    }

    public override Task<IList<PgpPublicKey>> GetPublicKeysAsync(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        Task.FromResult(GetPublicKeys(mailboxes, cancellationToken));

    protected override PgpSecretKey GetSecretKey(long keyId, CancellationToken cancellationToken) =>
        throw new PrivateKeyNotFoundException(keyId, "This context holds public keys only.");

    protected override Task<PgpSecretKey> GetSecretKeyAsync(long keyId, CancellationToken cancellationToken) =>
        Task.FromException<PgpSecretKey>(new PrivateKeyNotFoundException(keyId, "This context holds public keys only."));

    public override PgpSecretKey GetSigningKey(MailboxAddress mailbox, CancellationToken cancellationToken = default) =>
        throw new PrivateKeyNotFoundException(mailbox, "This context holds public keys only.");

    public override Task<PgpSecretKey> GetSigningKeyAsync(MailboxAddress mailbox, CancellationToken cancellationToken = default) =>
        Task.FromException<PgpSecretKey>(new PrivateKeyNotFoundException(mailbox, "This context holds public keys only."));

    public override bool CanSign(MailboxAddress signer, CancellationToken cancellationToken = default) => false;

    public override Task<bool> CanSignAsync(MailboxAddress signer, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public override bool CanEncrypt(MailboxAddress mailbox, CancellationToken cancellationToken = default) => FindEncryptionKey(mailbox) is not null;

    public override Task<bool> CanEncryptAsync(MailboxAddress mailbox, CancellationToken cancellationToken = default) => Task.FromResult(CanEncrypt(mailbox, cancellationToken));

    public override void Import(PgpPublicKeyRing keyring, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        _rings.Add(keyring);
    }

    public override void Import(PgpPublicKeyRingBundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        foreach (var ring in bundle.GetKeyRings())
        {
            _rings.Add(ring);
        }
    }

    public override void Import(PgpSecretKeyRing keyring, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This context holds public keys only.");

    public override void Import(PgpSecretKeyRingBundle bundle, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This context holds public keys only.");

    public override MimePart Export(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        Export(GetPublicKeys(mailboxes, cancellationToken), cancellationToken);

    public override Task<MimePart> ExportAsync(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        ExportAsync(GetPublicKeys(mailboxes, cancellationToken), cancellationToken);

    public override void Export(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) =>
        Export(GetPublicKeys(mailboxes, cancellationToken), stream, armor, cancellationToken);

    public override Task ExportAsync(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) =>
        ExportAsync(GetPublicKeys(mailboxes, cancellationToken), stream, armor, cancellationToken);

    private PgpPublicKey? FindEncryptionKey(MailboxAddress mailbox)
    {
        foreach (var ring in _rings)
        {
            foreach (var key in ring.GetPublicKeys())
            {
                if (key.IsEncryptionKey && !key.HasRevocation() && !IsExpired(key) && IsMatch(ring.GetPublicKey(), mailbox))
                {
                    return key;
                }
            }
        }

        return null;
    }
}
