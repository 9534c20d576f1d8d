// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A conversation thread (WildDuck <c>threads</c>, main database).</summary>
/// <remarks>FOUNDATION PLACEHOLDER: the message store may extend it.</remarks>
[BsonIgnoreExtraElements]
internal sealed class ThreadDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    /// <summary>Normalised subject (prefixes removed).</summary>
    [BsonElement("subject")]
    public string Subject { get; set; } = string.Empty;

    /// <summary>Hashed reference ids (at most 10 in WildDuck).</summary>
    [BsonElement("ids")]
    public List<string> Ids { get; set; } = new();

    [BsonElement("updated")]
    public DateTime Updated { get; set; }
}
