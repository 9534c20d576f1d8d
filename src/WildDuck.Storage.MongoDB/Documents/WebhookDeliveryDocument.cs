// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// Not a WildDuck collection: one pending webhook POST in <c>webhookdeliveries</c> (main database).
/// WildDuck keeps these as BullMQ <c>webhooks_post</c> jobs in Redis (reference §8.7); here they sit
/// beside the webhooks so a restart or another instance picks them up.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class WebhookDeliveryDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("webhook")]
    public ObjectId Webhook { get; set; }

    [BsonElement("url")]
    public string Url { get; set; } = string.Empty;

    /// <summary>The event name (WildDuck's <c>ev</c>).</summary>
    [BsonElement("ev")]
    public string Type { get; set; } = string.Empty;

    /// <summary>The JSON body as it is POSTed.</summary>
    [BsonElement("body")]
    public byte[] Body { get; set; } = Array.Empty<byte>();

    /// <summary>Attempts started, the running one included.</summary>
    [BsonElement("attempts")]
    public int Attempts { get; set; }

    /// <summary>When it is due.</summary>
    [BsonElement("next")]
    public DateTime NextAttempt { get; set; }

    [BsonElement("lastError")]
    [BsonIgnoreIfNull]
    public string? LastError { get; set; }

    /// <summary>The claim of the instance posting it; absent when free.</summary>
    [BsonElement("lockToken")]
    [BsonIgnoreIfNull]
    [BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid? LeaseToken { get; set; }

    /// <summary>When the claim ends; absent when free.</summary>
    [BsonElement("lockUntil")]
    [BsonIgnoreIfNull]
    public DateTime? LeaseUntil { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
