// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// An authentication log entry (WildDuck <c>authlog</c>, users database; reference §1.2, §7.5). <c>reason</c> is
/// ours (WildDuck folds it into <c>result</c> or leaves it to its GELF log); <c>user</c> is absent for an
/// attempt with an unknown name.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class AuthLogDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    [BsonIgnoreIfNull]
    public ObjectId? User { get; set; }

    [BsonElement("action")]
    public string Action { get; set; } = string.Empty;

    [BsonElement("result")]
    public string Result { get; set; } = string.Empty;

    [BsonElement("reason")]
    [BsonIgnoreIfNull]
    public string? Reason { get; set; }

    [BsonElement("protocol")]
    [BsonIgnoreIfNull]
    public string? Protocol { get; set; }

    [BsonElement("sess")]
    [BsonIgnoreIfNull]
    public string? Session { get; set; }

    [BsonElement("ip")]
    [BsonIgnoreIfNull]
    public string? Ip { get; set; }

    [BsonElement("requiredScope")]
    [BsonIgnoreIfNull]
    public string? RequiredScope { get; set; }

    [BsonElement("source")]
    [BsonIgnoreIfNull]
    public string? Source { get; set; }

    [BsonElement("asp")]
    [BsonIgnoreIfNull]
    public ObjectId? Asp { get; set; }

    /// <summary>The password's description.</summary>
    [BsonElement("aname")]
    [BsonIgnoreIfNull]
    public string? AspName { get; set; }

    /// <summary>The merge key: 16 bytes (WildDuck: an MD5 of the merged fields).</summary>
    [BsonElement("key")]
    public byte[] Key { get; set; } = Array.Empty<byte>();

    /// <summary>How many occurrences the entry stands for.</summary>
    [BsonElement("events")]
    public int Events { get; set; } = 1;

    [BsonElement("created")]
    public DateTime Created { get; set; }

    [BsonElement("last")]
    public DateTime Last { get; set; }

    /// <summary>TTL index <c>entry_autoexpire</c>.</summary>
    [BsonElement("expires")]
    public DateTime Expires { get; set; }
}
