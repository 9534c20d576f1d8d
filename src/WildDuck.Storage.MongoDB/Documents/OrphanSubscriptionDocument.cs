// SPDX-License-Identifier: MIT
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// A subscribed name that no mailbox has (collection <c>orphansubscriptions</c>; not in WildDuck,
/// which drops the subscription with the mailbox). A mailbox keeps its own <c>subscribed</c> flag;
/// this collection holds the name after a subscribed mailbox is deleted (RFC 3501 §6.3.6).
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class OrphanSubscriptionDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("path")]
    public string Path { get; set; } = string.Empty;
}
