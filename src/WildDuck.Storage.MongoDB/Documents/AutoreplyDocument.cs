// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A user's autoreply settings (WildDuck <c>autoreplies</c>, main database; one per user).</summary>
[BsonIgnoreExtraElements]
internal sealed class AutoreplyDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    /// <summary>Enabled.</summary>
    [BsonElement("status")]
    public bool Status { get; set; }

    [BsonElement("name")]
    [BsonIgnoreIfNull]
    public string? Name { get; set; }

    [BsonElement("subject")]
    [BsonIgnoreIfNull]
    public string? Subject { get; set; }

    [BsonElement("text")]
    [BsonIgnoreIfNull]
    public string? Text { get; set; }

    [BsonElement("html")]
    [BsonIgnoreIfNull]
    public string? Html { get; set; }

    /// <summary>Start; absent when open (WildDuck writes <c>false</c>, read as open too).</summary>
    [BsonElement("start")]
    [BsonIgnoreIfNull]
    public DateTime? Start { get; set; }

    /// <summary>End; absent when open.</summary>
    [BsonElement("end")]
    [BsonIgnoreIfNull]
    public DateTime? End { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
