// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A mailbox (WildDuck <c>mailboxes</c>, main database).</summary>
[BsonIgnoreExtraElements]
internal sealed class MailboxDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("path")]
    public string Path { get; set; } = string.Empty;

    /// <summary><c>\Sent</c>, <c>\Trash</c>, … (single backslash); absent for ordinary mailboxes.</summary>
    [BsonElement("specialUse")]
    [BsonIgnoreIfNull]
    public string? SpecialUse { get; set; }

    [BsonElement("uidValidity")]
    public long UidValidity { get; set; }

    /// <summary>The next UID; allocated with <c>$inc</c> (reference §2.7 step 5).</summary>
    [BsonElement("uidNext")]
    public long UidNext { get; set; } = 1;

    /// <summary>HIGHESTMODSEQ. Starts at 1 here (mod-sequences are positive, RFC 7162); WildDuck starts at 0.</summary>
    [BsonElement("modifyIndex")]
    public long ModifyIndex { get; set; } = 1;

    [BsonElement("subscribed")]
    public bool Subscribed { get; set; } = true;

    /// <summary>Retention in milliseconds; absent for none.</summary>
    [BsonElement("retention")]
    [BsonIgnoreIfNull]
    [BsonSerializer(typeof(MillisecondsOrFalseSerializer))]
    public long? Retention { get; set; }

    [BsonElement("hidden")]
    public bool Hidden { get; set; }

    /// <summary>WildDuck's mailbox <c>encryptMessages</c>: encrypt mail added here when the user has a key.</summary>
    [BsonElement("encryptMessages")]
    public bool EncryptMessages { get; set; }

    /// <summary>Keywords seen in this mailbox (PERMANENTFLAGS).</summary>
    [BsonElement("flags")]
    public List<string> Flags { get; set; } = new();

    /// <summary>
    /// Not in WildDuck (it caches counts in Redis): the number of messages, changed with <c>$inc</c>
    /// together with the messages.
    /// </summary>
    [BsonElement("messages")]
    public long Messages { get; set; }

    /// <summary>Not in WildDuck: messages without \Seen.</summary>
    [BsonElement("unseen")]
    public long Unseen { get; set; }

    /// <summary>Not in WildDuck: the sum of message sizes.</summary>
    [BsonElement("size")]
    public long Size { get; set; }
}
