// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// Not in WildDuck (which keeps a Redis sorted set <c>war:&lt;autoreply id&gt;</c>): a sender answered
/// by a user's autoreply, in the <c>autoreplysenders</c> collection (main database), unique per
/// (user, sender). A TTL index drops it at <see cref="Expires"/>.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class AutoreplySenderDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    /// <summary>The sender address, lowercased.</summary>
    [BsonElement("sender")]
    public string Sender { get; set; } = string.Empty;

    /// <summary>When the sender was last answered.</summary>
    [BsonElement("replied")]
    public DateTime Replied { get; set; }

    /// <summary>When the entry stops mattering (replied + interval); TTL index <c>entry_autoexpire</c>.</summary>
    [BsonElement("expires")]
    public DateTime Expires { get; set; }
}
