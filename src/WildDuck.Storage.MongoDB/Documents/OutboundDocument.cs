// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// Not a WildDuck collection: one outbound queue entry with its content, in <c>outbound</c> (main
/// database). WildDuck hands mail to ZoneMTA's <c>zone-queue</c> (one document per recipient) and
/// GridFS <c>mail</c> bucket; this store keeps one document per message with the content inline
/// (queued mail is small: forwards and autoreplies, bounded by the message size limit; see docs/outbound.md).
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class OutboundDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary><see cref="OutboundState"/> as its persisted number.</summary>
    [BsonElement("state")]
    public int State { get; set; }

    /// <summary><c>forward</c>, <c>autoreply</c> or <c>submission</c> (ZoneMTA <c>reason</c>).</summary>
    [BsonElement("reason")]
    public string Reason { get; set; } = string.Empty;

    [BsonElement("user")]
    [BsonIgnoreIfNull]
    public ObjectId? User { get; set; }

    /// <summary>The envelope sender; empty for <c>&lt;&gt;</c>.</summary>
    [BsonElement("from")]
    public string ReturnPath { get; set; } = string.Empty;

    [BsonElement("to")]
    public List<string> Recipients { get; set; } = new();

    [BsonElement("route")]
    [BsonIgnoreIfNull]
    public string? Route { get; set; }

    [BsonElement("size")]
    public long Size { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }

    [BsonElement("attempts")]
    public int Attempts { get; set; }

    /// <summary>When the entry becomes due (ZoneMTA <c>queued</c>); for failed entries, when it failed.</summary>
    [BsonElement("queued")]
    public DateTime NextAttempt { get; set; }

    [BsonElement("lastError")]
    [BsonIgnoreIfNull]
    public string? LastError { get; set; }

    /// <summary>The claim of the sender holding the entry (ZoneMTA <c>locked</c>); absent when free.</summary>
    [BsonElement("lockToken")]
    [BsonIgnoreIfNull]
    [BsonGuidRepresentation(GuidRepresentation.Standard)]
    public Guid? LeaseToken { get; set; }

    /// <summary>When the claim ends (ZoneMTA <c>lockTime</c>); absent when free.</summary>
    [BsonElement("lockUntil")]
    [BsonIgnoreIfNull]
    public DateTime? LeaseUntil { get; set; }

    /// <summary>The complete message as it will be sent.</summary>
    [BsonElement("content")]
    public byte[] Content { get; set; } = Array.Empty<byte>();
}
