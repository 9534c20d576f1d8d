// SPDX-License-Identifier: MIT
using System.IO;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace WildDuck.Tests.Shared;

/// <summary>
/// An OpenPGP key pair made with BouncyCastle for a test (RSA primary key plus an RSA encryption
/// subkey, as GnuPG makes them), and decryption of what the server encrypted to it.
/// </summary>
internal sealed class PgpTestKeys
{
    private static readonly char[] Passphrase = "test-passphrase".ToCharArray();

    private readonly PgpSecretKeyRing _secret;

    private PgpTestKeys(PgpSecretKeyRing secret, string armoredPublicKey)
    {
        _secret = secret;
        ArmoredPublicKey = armoredPublicKey;
    }

    /// <summary>The public key, ASCII-armoured (what a user gives as pubKey).</summary>
    public string ArmoredPublicKey { get; }

    /// <summary>Fingerprint of the primary key, lower-case hex.</summary>
    public string Fingerprint => Convert.ToHexStringLower(_secret.GetPublicKey().GetFingerprint());

    public static PgpTestKeys Generate(string userId = "Alice Example <alice@example.org>", int bits = 1024)
    {
        var random = new SecureRandom();
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, bits, 12));
        var now = DateTime.UtcNow.AddMinutes(-1);
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), now);
        var subkey = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), now);
        var rings = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, primary, userId, SymmetricKeyAlgorithmTag.Aes256, Passphrase, true, null, null, random);
        rings.AddSubKey(subkey);
        using var armored = new MemoryStream();
        using (var armor = new ArmoredOutputStream(armored))
        {
            rings.GeneratePublicKeyRing().Encode(armor);
        }

        return new PgpTestKeys(rings.GenerateSecretKeyRing(), System.Text.Encoding.ASCII.GetString(armored.ToArray()));
    }

    /// <summary>The armoured PGP message inside <paramref name="stored"/>, decrypted.</summary>
    public byte[] DecryptArmoredBlock(byte[] stored)
    {
        var text = System.Text.Encoding.ASCII.GetString(stored);
        int start = text.IndexOf("-----BEGIN PGP MESSAGE-----", StringComparison.Ordinal);
        int end = text.IndexOf("-----END PGP MESSAGE-----", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException("No armoured PGP message in the stored bytes.");
        }

        var block = text[start..(end + "-----END PGP MESSAGE-----".Length)];
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(block)));
        var factory = new PgpObjectFactory(input);
        var first = factory.NextPgpObject();
        var list = first as PgpEncryptedDataList ?? (PgpEncryptedDataList)factory.NextPgpObject();
        foreach (var item in list.GetEncryptedDataObjects())
        {
            if (item is not PgpPublicKeyEncryptedData data || _secret.GetSecretKey(data.KeyId) is not { } key)
            {
                continue;
            }

            using var clear = data.GetDataStream(key.ExtractPrivateKey(Passphrase));
            var message = new PgpObjectFactory(clear).NextPgpObject();
            if (message is PgpCompressedData compressed)
            {
                message = new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject();
            }

            using var output = new MemoryStream();
            ((PgpLiteralData)message).GetInputStream().CopyTo(output);
            return output.ToArray();
        }

        throw new InvalidOperationException("The message is not encrypted to this key.");
    }
}
