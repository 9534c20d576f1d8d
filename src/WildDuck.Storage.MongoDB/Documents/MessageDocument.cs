// SPDX-License-Identifier: MIT
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A stored message (WildDuck <c>messages</c>, main database; reference §1.2).</summary>
/// <remarks>FOUNDATION PLACEHOLDER: identity fields only; the message store fills in the rest.</remarks>
[BsonIgnoreExtraElements]
internal sealed class MessageDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("mailbox")]
    public ObjectId Mailbox { get; set; }

    [BsonElement("uid")]
    public long Uid { get; set; }

    [BsonElement("modseq")]
    public long ModSeq { get; set; }
}
