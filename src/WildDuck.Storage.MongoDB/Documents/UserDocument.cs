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

    [BsonElement("quota")]
    public long Quota { get; set; }

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
