// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// An address (WildDuck <c>addresses</c>, users database): a user's address, or a forwarded address
/// (no <c>user</c>; <c>targets</c>, <c>forwards</c>, <c>autoreply</c> and <c>forwardedDisabled</c>).
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class AddressDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary>The owner; absent for a forwarded address.</summary>
    [BsonElement("user")]
    [BsonIgnoreIfNull]
    public ObjectId? User { get; set; }

    /// <summary>Display form (domain in unicode).</summary>
    [BsonElement("address")]
    public string Address { get; set; } = string.Empty;

    /// <summary>The lookup key (reference §6.2), unique.</summary>
    [BsonElement("addrview")]
    public string AddressView { get; set; } = string.Empty;

    /// <summary>
    /// Not in WildDuck (which compares with <c>users.address</c>): true for the user's main address,
    /// kept equal to <c>users.address</c>.
    /// </summary>
    [BsonElement("main")]
    public bool Main { get; set; }

    /// <summary>The identity name (forwarded addresses: the autoreply's default From name).</summary>
    [BsonElement("name")]
    [BsonIgnoreIfNull]
    public string? Name { get; set; }

    /// <summary>Forwarded addresses: where mail goes.</summary>
    [BsonElement("targets")]
    [BsonIgnoreIfNull]
    public List<TargetDocument>? Targets { get; set; }

    /// <summary>Forwarded addresses: copies allowed per day (0 = the default).</summary>
    [BsonElement("forwards")]
    [BsonIgnoreIfNull]
    public int? Forwards { get; set; }

    /// <summary>Forwarded addresses: the address's own autoreply.</summary>
    [BsonElement("autoreply")]
    [BsonIgnoreIfNull]
    public AutoreplyFieldsDocument? Autoreply { get; set; }

    /// <summary>Forwarded addresses: mail is refused.</summary>
    [BsonElement("forwardedDisabled")]
    [BsonIgnoreIfNull]
    public bool? ForwardedDisabled { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
