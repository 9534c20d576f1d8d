// SPDX-License-Identifier: MIT
using MongoDB.Bson;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// Converts the store's 12-byte ids to native ObjectIds and back. Both have the same byte layout
/// (4-byte big-endian seconds, 5 random bytes, 3-byte counter), so the conversion is a copy and an
/// id keeps its hex form across backends.
/// </summary>
internal static class MongoIds
{
    public static ObjectId ToObjectId(EntityId id)
    {
        return new ObjectId(id.ToByteArray());
    }

    public static ObjectId ToObjectId(UserId id) => ToObjectId(id.Value);

    public static ObjectId ToObjectId(MailboxId id) => ToObjectId(id.Value);

    public static ObjectId ToObjectId(MessageId id) => ToObjectId(id.Value);

    public static EntityId ToEntityId(ObjectId id)
    {
        var bytes = new byte[12];
        id.ToByteArray(bytes, 0);
        return EntityId.FromBytes(bytes);
    }

    public static UserId ToUserId(ObjectId id) => new(ToEntityId(id));

    public static MailboxId ToMailboxId(ObjectId id) => new(ToEntityId(id));

    public static MessageId ToMessageId(ObjectId id) => new(ToEntityId(id));
}
