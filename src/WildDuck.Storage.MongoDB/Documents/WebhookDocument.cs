// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A webhook (WildDuck <c>webhooks</c>, main database): <c>{type[], user|null, url, created}</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class WebhookDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary>Event patterns (WildDuck's field name <c>type</c>, an array).</summary>
    [BsonElement("type")]
    public List<string> Type { get; set; } = new();

    /// <summary>Only this user's events; null for all users.</summary>
    [BsonElement("user")]
    public ObjectId? User { get; set; }

    [BsonElement("url")]
    public string Url { get; set; } = string.Empty;

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
