// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A change journal entry (WildDuck <c>journal</c>, main database; reference §3.3).</summary>
[BsonIgnoreExtraElements]
internal sealed class JournalDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary>
    /// Not in WildDuck: <see cref="JournalEntry.Id"/>, a per-user sequence allocated with <c>$inc</c> on
    /// the user's <c>counters</c> document, so that <see cref="IJournal.ReadUserAsync"/> pages by a number
    /// and stays keyed by user.
    /// </summary>
    [BsonElement("seq")]
    public long Seq { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("mailbox")]
    public ObjectId Mailbox { get; set; }

    [BsonElement("modseq")]
    public long ModSeq { get; set; }

    /// <summary><c>EXISTS</c>, <c>EXPUNGE</c>, <c>FETCH</c>, <c>CREATE</c>, <c>RENAME</c> or <c>DELETE</c>.</summary>
    [BsonElement("command")]
    public string Command { get; set; } = string.Empty;

    [BsonElement("uid")]
    [BsonIgnoreIfNull]
    public long? Uid { get; set; }

    [BsonElement("message")]
    [BsonIgnoreIfNull]
    public ObjectId? Message { get; set; }

    /// <summary>System flags by name and keywords (EXISTS, FETCH).</summary>
    [BsonElement("flags")]
    [BsonIgnoreIfNull]
    public List<string>? Flags { get; set; }

    [BsonElement("path")]
    [BsonIgnoreIfNull]
    public string? Path { get; set; }

    /// <summary>Write time; the TTL index <c>journal_autoexpire</c> runs on it.</summary>
    [BsonElement("created")]
    public DateTime Created { get; set; }
}
