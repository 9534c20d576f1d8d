// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A conversation thread (WildDuck <c>threads</c>, main database; reference §1.2).</summary>
/// <remarks>
/// A message joins the most recently updated thread of its user that shares one of its reference
/// ids and its normalised subject, adding its reference ids; otherwise it starts a new thread.
/// </remarks>
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

    /// <summary>Hashed reference ids (Message-ID, In-Reply-To, References, Thread-Index; at most 10 per message), gathered with <c>$addToSet</c>.</summary>
    [BsonElement("ids")]
    public List<string> Ids { get; set; } = new();

    [BsonElement("updated")]
    public DateTime Updated { get; set; }
}
