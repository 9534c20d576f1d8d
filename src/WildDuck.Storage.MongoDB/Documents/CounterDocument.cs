// SPDX-License-Identifier: MIT
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// Not in WildDuck: a named sequence in the <c>counters</c> collection (main database), advanced
/// with <c>$inc</c>. <c>journal:&lt;user id&gt;</c> numbers a user's journal entries.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class CounterDocument
{
    [BsonId]
    public string Id { get; set; } = string.Empty;

    [BsonElement("seq")]
    public long Seq { get; set; }
}
