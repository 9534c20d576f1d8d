// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// Not in WildDuck (which keeps <c>challenge:&lt;user&gt;:reg:&lt;hex&gt;</c> in Redis for an hour): a
/// pending WebAuthn ceremony in the <c>webauthnchallenges</c> collection (main database), keyed by the
/// hex challenge, dropped by a TTL index at <see cref="Expires"/> and deleted when used.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class WebAuthnChallengeDocument
{
    /// <summary>The challenge, lowercase hex.</summary>
    [BsonId]
    public string Id { get; set; } = string.Empty;

    [BsonElement("user")]
    public ObjectId User { get; set; }

    /// <summary><c>reg</c> or <c>auth</c>.</summary>
    [BsonElement("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>The options sent to the client (JSON).</summary>
    [BsonElement("options")]
    public string Options { get; set; } = string.Empty;

    [BsonElement("description")]
    [BsonIgnoreIfNull]
    public string? Description { get; set; }

    [BsonElement("authenticatorAttachment")]
    [BsonIgnoreIfNull]
    public string? AuthenticatorAttachment { get; set; }

    [BsonElement("expires")]
    public DateTime Expires { get; set; }
}
