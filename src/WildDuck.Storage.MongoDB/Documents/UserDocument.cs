// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A user (WildDuck <c>users</c>, users database; reference §1.2).</summary>
/// <remarks>Fields WildDuck has and this store does not use are kept (ignored on read, untouched by updates).</remarks>
[BsonIgnoreExtraElements]
internal sealed class UserDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("username")]
    public string Username { get; set; } = string.Empty;

    /// <summary>The username without dots: the uniqueness key.</summary>
    [BsonElement("unameview")]
    public string UsernameView { get; set; } = string.Empty;

    [BsonElement("name")]
    [BsonIgnoreIfNull]
    public string? Name { get; set; }

    /// <summary>The main address (normalised); absent for a user without addresses.</summary>
    [BsonElement("address")]
    [BsonIgnoreIfNull]
    public string? Address { get; set; }

    /// <summary>The password hash, or <c>""</c> when password login is disabled.</summary>
    [BsonElement("password")]
    public string Password { get; set; } = string.Empty;

    /// <summary>The temporary password of a reset, or <c>false</c> when none (as WildDuck writes it).</summary>
    [BsonElement("tempPassword")]
    [BsonSerializer(typeof(TempPasswordOrFalseSerializer))]
    public TempPasswordDocument? TempPassword { get; set; }

    [BsonElement("quota")]
    public long Quota { get; set; }

    /// <summary>Daily submission recipient limit; 0 (or absent, as in older documents) = the default.</summary>
    [BsonElement("recipients")]
    public int Recipients { get; set; }

    [BsonElement("storageUsed")]
    public long StorageUsed { get; set; }

    [BsonElement("disabled")]
    public bool Disabled { get; set; }

    [BsonElement("suspended")]
    public bool Suspended { get; set; }

    [BsonElement("disabledScopes")]
    public List<string> DisabledScopes { get; set; } = new();

    /// <summary>Default retention of new mailboxes in milliseconds; absent for none.</summary>
    [BsonElement("retention")]
    [BsonIgnoreIfNull]
    [BsonSerializer(typeof(MillisecondsOrFalseSerializer))]
    public long? Retention { get; set; }

    [BsonElement("spamLevel")]
    public int SpamLevel { get; set; } = 50;

    [BsonElement("language")]
    [BsonIgnoreIfNull]
    public string? Language { get; set; }

    [BsonElement("authVersion")]
    public int AuthVersion { get; set; } = 1;

    /// <summary>The enabled second factors (WildDuck <c>enabled2fa</c>: <c>totp</c>, <c>webauthn</c>; legacy values kept).</summary>
    [BsonElement("enabled2fa")]
    public List<string> Enabled2fa { get; set; } = new();

    /// <summary>The TOTP secret (base32, or sealed when secret encryption is configured); absent when TOTP is off.</summary>
    [BsonElement("seed")]
    [BsonIgnoreIfNull]
    public string? Seed { get; set; }

    /// <summary>The TOTP secret of an unconfirmed setup.</summary>
    [BsonElement("pendingSeed")]
    [BsonIgnoreIfNull]
    public string? PendingSeed { get; set; }

    /// <summary>When <see cref="PendingSeed"/> was set.</summary>
    [BsonElement("pendingSeedChanged")]
    [BsonIgnoreIfNull]
    public DateTime? PendingSeedChanged { get; set; }

    /// <summary>
    /// Not in WildDuck (which keeps a Redis key per used code for 180 s): the last accepted TOTP
    /// time step, the replay guard (RFC 6238 §5.2).
    /// </summary>
    [BsonElement("totpLastStep")]
    [BsonIgnoreIfDefault]
    public long TotpLastStep { get; set; }

    /// <summary>WildDuck <c>webauthn: {credentials: [...]}</c>.</summary>
    [BsonElement("webauthn")]
    [BsonIgnoreIfNull]
    public WebAuthnDocument? WebAuthn { get; set; }

    /// <summary>User-level forwarding (WildDuck <c>targets[]</c>).</summary>
    [BsonElement("targets")]
    public List<TargetDocument> Targets { get; set; } = new();

    /// <summary>ASCII-armoured OpenPGP public key (WildDuck <c>pubKey</c>; WildDuck writes "" for none, read as none).</summary>
    [BsonElement("pubKey")]
    [BsonIgnoreIfNull]
    public string? PubKey { get; set; }

    /// <summary>WildDuck <c>encryptMessages</c> (reference §7.9).</summary>
    [BsonElement("encryptMessages")]
    public bool EncryptMessages { get; set; }

    /// <summary>WildDuck <c>encryptForwarded</c>.</summary>
    [BsonElement("encryptForwarded")]
    public bool EncryptForwarded { get; set; }

    /// <summary>WildDuck <c>fromWhitelist</c>: normalised addresses and <c>*suffix</c>/<c>prefix*</c> patterns; absent for none.</summary>
    [BsonElement("fromWhitelist")]
    [BsonIgnoreIfNull]
    public List<string>? FromWhitelist { get; set; }

    /// <summary>Whether an autoreply is enabled (WildDuck <c>autoreply</c>; the settings are in <c>autoreplies</c>).</summary>
    [BsonElement("autoreply")]
    public bool Autoreply { get; set; }

    /// <summary>
    /// Not in WildDuck: the last UIDVALIDITY given to a mailbox of this user, so that a mailbox
    /// deleted and re-created within one second never reuses the value.
    /// </summary>
    [BsonElement("lastUidValidity")]
    public long LastUidValidity { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}

/// <summary>A forwarding target (WildDuck <c>targets[]</c> of users, addresses and filter actions).</summary>
[BsonIgnoreExtraElements]
internal sealed class TargetDocument
{
    [BsonElement("id")]
    public ObjectId Id { get; set; }

    /// <summary><c>mail</c>, <c>relay</c> (smtp:// URL) or <c>http</c>.</summary>
    [BsonElement("type")]
    public string Type { get; set; } = "mail";

    [BsonElement("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>WildDuck's <c>users.webauthn</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class WebAuthnDocument
{
    [BsonElement("credentials")]
    public List<WebAuthnCredentialDocument> Credentials { get; set; } = new();
}

/// <summary>
/// An item of <c>webauthn.credentials</c> (WildDuck: <c>{_id, rawId, publicKey, counter, type,
/// description, authenticatorAttachment, created}</c>). WildDuck stores the public key as PEM;
/// this store keeps the COSE_Key bytes as the authenticator sent them, plus the <c>rpId</c>.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class WebAuthnCredentialDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("rawId")]
    public byte[] RawId { get; set; } = Array.Empty<byte>();

    [BsonElement("publicKey")]
    public byte[] PublicKey { get; set; } = Array.Empty<byte>();

    [BsonElement("counter")]
    public long Counter { get; set; }

    [BsonElement("type")]
    public string Type { get; set; } = "public-key";

    [BsonElement("rpId")]
    public string RpId { get; set; } = string.Empty;

    [BsonElement("description")]
    public string Description { get; set; } = string.Empty;

    [BsonElement("authenticatorAttachment")]
    [BsonIgnoreIfNull]
    public string? AuthenticatorAttachment { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}

/// <summary>A temporary password from a password reset (WildDuck <c>tempPassword</c>).</summary>
[BsonIgnoreExtraElements]
internal sealed class TempPasswordDocument
{
    /// <summary>The hash.</summary>
    [BsonElement("password")]
    public string Password { get; set; } = string.Empty;

    [BsonElement("validAfter")]
    public DateTime ValidAfter { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
