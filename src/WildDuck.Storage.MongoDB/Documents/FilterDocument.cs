// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A delivery filter (WildDuck <c>filters</c>, main database).</summary>
[BsonIgnoreExtraElements]
internal sealed class FilterDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("name")]
    [BsonIgnoreIfNull]
    public string? Name { get; set; }

    [BsonElement("query")]
    public FilterQueryDocument Query { get; set; } = new();

    [BsonElement("action")]
    public FilterActionDocument Action { get; set; } = new();

    [BsonElement("disabled")]
    public bool Disabled { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }
}

/// <summary>WildDuck's <c>query</c>: <c>headers {from, to, subject, listId}</c>, <c>text</c>, <c>ha</c>, <c>size</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class FilterQueryDocument
{
    [BsonElement("headers")]
    [BsonIgnoreIfNull]
    public FilterHeadersDocument? Headers { get; set; }

    [BsonElement("text")]
    [BsonIgnoreIfNull]
    public string? Text { get; set; }

    /// <summary>Has attachments.</summary>
    [BsonElement("ha")]
    [BsonIgnoreIfNull]
    public bool? HasAttachments { get; set; }

    /// <summary>Positive: at least; negative: at most |size|.</summary>
    [BsonElement("size")]
    [BsonIgnoreIfNull]
    public long? Size { get; set; }
}

/// <summary>WildDuck's <c>query.headers</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class FilterHeadersDocument
{
    [BsonElement("from")]
    [BsonIgnoreIfNull]
    public string? From { get; set; }

    [BsonElement("to")]
    [BsonIgnoreIfNull]
    public string? To { get; set; }

    [BsonElement("subject")]
    [BsonIgnoreIfNull]
    public string? Subject { get; set; }

    [BsonElement("listId")]
    [BsonIgnoreIfNull]
    public string? ListId { get; set; }
}

/// <summary>WildDuck's <c>action</c>: <c>seen</c>, <c>flag</c>, <c>delete</c>, <c>spam</c>, <c>mailbox</c>, <c>targets[]</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class FilterActionDocument
{
    [BsonElement("seen")]
    [BsonIgnoreIfNull]
    public bool? Seen { get; set; }

    [BsonElement("flag")]
    [BsonIgnoreIfNull]
    public bool? Flag { get; set; }

    [BsonElement("delete")]
    [BsonIgnoreIfNull]
    public bool? Delete { get; set; }

    [BsonElement("spam")]
    [BsonIgnoreIfNull]
    public bool? Spam { get; set; }

    [BsonElement("mailbox")]
    [BsonIgnoreIfNull]
    public ObjectId? Mailbox { get; set; }

    [BsonElement("targets")]
    [BsonIgnoreIfNull]
    public List<TargetDocument>? Targets { get; set; }
}
