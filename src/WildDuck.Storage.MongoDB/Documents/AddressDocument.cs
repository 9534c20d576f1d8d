// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>An address of a user (WildDuck <c>addresses</c>, users database).</summary>
[BsonIgnoreExtraElements]
internal sealed class AddressDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

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

    /// <summary>The identity name shown with the address.</summary>
    [BsonElement("name")]
    [BsonIgnoreIfNull]
    public string? Name { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
