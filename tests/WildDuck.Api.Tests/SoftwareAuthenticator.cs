// SPDX-License-Identifier: MIT
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Formats.Cbor;
using System.Security.Cryptography;

namespace WildDuck.Api.Tests;

/// <summary>
/// A WebAuthn authenticator in software: an ECDSA P-256 key answering the registration ceremony
/// with "none" attestation and signing assertions, byte for byte as WebAuthn Level 2 §6.1, §6.5 and
/// §6.3.3 lay them out, so the server's Fido2 verification runs on real signatures.
/// </summary>
internal sealed class SoftwareAuthenticator : IDisposable
{
    private const byte UserPresent = 0x01;
    private const byte AttestedCredentialData = 0x40;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    public uint Counter { get; private set; }

    public void Dispose() => _key.Dispose();

    /// <summary>The answer to <c>navigator.credentials.create()</c>: clientDataJSON and the attestation object.</summary>
    public (byte[] ClientData, byte[] AttestationObject) Register(string challengeHex, string rpId = TwoFactorHost.RpId, string origin = TwoFactorHost.Origin)
    {
        var clientData = ClientData("webauthn.create", challengeHex, origin);
        var parameters = _key.ExportParameters(includePrivateParameters: false);

        // COSE_Key (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.
        var cose = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cose.WriteStartMap(5);
        cose.WriteInt32(1);
        cose.WriteInt32(2);
        cose.WriteInt32(3);
        cose.WriteInt32(-7);
        cose.WriteInt32(-1);
        cose.WriteInt32(1);
        cose.WriteInt32(-2);
        cose.WriteByteString(parameters.Q.X!);
        cose.WriteInt32(-3);
        cose.WriteByteString(parameters.Q.Y!);
        cose.WriteEndMap();

        // authenticatorData with attested credential data (§6.1, §6.5.1): AAGUID zero for "none".
        var authData = new List<byte>();
        authData.AddRange(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)));
        authData.Add(UserPresent | AttestedCredentialData);
        authData.AddRange(BigEndian(Counter));
        authData.AddRange(new byte[16]);
        authData.Add((byte)(CredentialId.Length >> 8));
        authData.Add((byte)CredentialId.Length);
        authData.AddRange(CredentialId);
        authData.AddRange(cose.Encode());

        var attestation = new CborWriter(CborConformanceMode.Ctap2Canonical);
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt");
        attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt");
        attestation.WriteStartMap(0);
        attestation.WriteEndMap();
        attestation.WriteTextString("authData");
        attestation.WriteByteString(authData.ToArray());
        attestation.WriteEndMap();
        return (clientData, attestation.Encode());
    }

    /// <summary>The answer to <c>navigator.credentials.get()</c>: clientDataJSON, authenticatorData and the signature.</summary>
    public (byte[] ClientData, byte[] AuthenticatorData, byte[] Signature) Assert(string challengeHex, string rpId = TwoFactorHost.RpId, string origin = TwoFactorHost.Origin)
    {
        Counter++;
        var clientData = ClientData("webauthn.get", challengeHex, origin);
        var authData = SHA256.HashData(Encoding.UTF8.GetBytes(rpId)).Append(UserPresent).Concat(BigEndian(Counter)).ToArray();

        // §6.3.3 step 11: the signature covers authenticatorData || SHA-256(clientDataJSON), DER-encoded for ES256.
        var signed = authData.Concat(SHA256.HashData(clientData)).ToArray();
        var signature = _key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return (clientData, authData, signature);
    }

    private static byte[] ClientData(string type, string challengeHex, string origin)
    {
        var challenge = Convert.ToBase64String(Convert.FromHexString(challengeHex)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = origin, ["crossOrigin"] = false }.ToJsonString());
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
