// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>A domain alias (WildDuck <c>domainaliases</c>, users database).</summary>
[BsonIgnoreExtraElements]
internal sealed class DomainAliasDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("alias")]
    public string Alias { get; set; } = string.Empty;

    [BsonElement("domain")]
    public string Domain { get; set; } = string.Empty;

    [BsonElement("created")]
    public DateTime Created { get; set; }
}
