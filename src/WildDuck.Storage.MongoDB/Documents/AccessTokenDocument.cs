// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// Not in WildDuck (which keeps a Redis hash <c>tn:token:&lt;sha256&gt;</c> with a TTL): an API
/// access token in the <c>accesstokens</c> collection (main database). <c>_id</c> is the lowercase
/// hex SHA-256 of the token, so a lookup is one hit on the <c>_id</c> index (and on one shard with
/// the shard key <c>{_id: 1}</c>). A TTL index drops it at <see cref="Expires"/>.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class AccessTokenDocument
{
    /// <summary>The lowercase hex SHA-256 of the token (never the token).</summary>
    [BsonId]
    public string Id { get; set; } = string.Empty;

    [BsonElement("user")]
    public ObjectId User { get; set; }

    /// <summary>The role granted ("user").</summary>
    [BsonElement("role")]
    public string Role { get; set; } = string.Empty;

    /// <summary>The user's <c>authVersion</c> at issue; a different current value revokes the token.</summary>
    [BsonElement("authVersion")]
    public int AuthVersion { get; set; }

    [BsonElement("created")]
    public DateTime Created { get; set; }

    /// <summary>When the token stops being valid (slides on use); TTL index <c>token_autoexpire</c>.</summary>
    [BsonElement("expires")]
    public DateTime Expires { get; set; }

    /// <summary>True until a second factor is checked on the token (users with 2FA).</summary>
    [BsonElement("pending2fa")]
    [BsonIgnoreIfDefault]
    public bool Pending2fa { get; set; }
}
