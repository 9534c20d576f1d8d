// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>An application-specific password (WildDuck <c>asps</c>, users database; reference §1.2, §7.3).</summary>
[BsonIgnoreExtraElements]
internal sealed class AspDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("description")]
    public string Description { get; set; } = string.Empty;

    /// <summary><c>["*"]</c> or a sorted subset of imap, pop3, smtp.</summary>
    [BsonElement("scopes")]
    public List<string> Scopes { get; set; } = new();

    /// <summary>The password hash (PHC string).</summary>
    [BsonElement("password")]
    public string Password { get; set; } = string.Empty;

    /// <summary>One or two hex characters: the SHA-1 byte sum of the password modulo 32.</summary>
    [BsonElement("selector")]
    public string Selector { get; set; } = string.Empty;

    /// <summary>The last successful login, or <c>false</c> when never used.</summary>
    [BsonElement("used")]
    [BsonSerializer(typeof(DateOrFalseSerializer))]
    public DateTime? Used { get; set; }

    /// <summary>The client IP of that login.</summary>
    [BsonElement("authIp")]
    [BsonIgnoreIfNull]
    public string? AuthIp { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }

    /// <summary>Inactivity lifetime in seconds (WildDuck's unit); absent for none.</summary>
    [BsonElement("ttl")]
    [BsonIgnoreIfNull]
    public long? Ttl { get; set; }

    /// <summary>When the password stops working; absent for never. TTL index <c>entry_autoexpire</c>.</summary>
    [BsonElement("expires")]
    [BsonIgnoreIfNull]
    public DateTime? Expires { get; set; }
}
