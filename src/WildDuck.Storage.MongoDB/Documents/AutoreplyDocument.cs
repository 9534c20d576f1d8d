// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A user's autoreply settings (WildDuck <c>autoreplies</c>, main database; one per user).</summary>
[BsonIgnoreExtraElements]
internal sealed class AutoreplyDocument : AutoreplyFieldsDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}

/// <summary>
/// The settings WildDuck keeps both in <c>autoreplies</c> and embedded as a forwarded address's
/// <c>autoreply {status, name, subject, text, html, start, end}</c>.
/// </summary>
[BsonIgnoreExtraElements]
internal class AutoreplyFieldsDocument
{
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

    /// <summary>Start; absent when open (WildDuck's <c>false</c> reads as open too).</summary>
    [BsonElement("start")]
    [BsonIgnoreIfNull]
    [BsonSerializer(typeof(DateOrFalseSerializer))]
    public DateTime? Start { get; set; }

    /// <summary>End; absent when open (or WildDuck's <c>false</c>).</summary>
    [BsonElement("end")]
    [BsonIgnoreIfNull]
    [BsonSerializer(typeof(DateOrFalseSerializer))]
    public DateTime? End { get; set; }
}
