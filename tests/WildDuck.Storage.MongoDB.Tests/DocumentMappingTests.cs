// SPDX-License-Identifier: MIT
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Documents round-trip through <see cref="BsonSerializer"/> and use WildDuck's element names.</summary>
public sealed class DocumentMappingTests
{
    private static readonly DateTime Created = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    private static T RoundTrip<T>(T document, out BsonDocument bson)
    {
        bson = document.ToBsonDocument();
        return BsonSerializer.Deserialize<T>(bson);
    }

    [Fact]
    public void Mailbox_document_uses_WildDuck_names_and_keeps_its_counts()
    {
        var document = new MailboxDocument
        {
            Id = ObjectId.GenerateNewId(),
            User = ObjectId.GenerateNewId(),
            Path = "Work/Projects",
            SpecialUse = "\\Sent",
            UidValidity = 1_700_000_000,
            UidNext = 42,
            ModifyIndex = 99,
            Subscribed = false,
            Retention = 86_400_000,
            Hidden = true,
            Flags = ["$Forwarded", "Important"],
            Messages = 41,
            Unseen = 3,
            Size = 123_456,
        };

        var back = RoundTrip(document, out var bson);

        back.Should().BeEquivalentTo(document);
        bson.Names.Should().Equal("_id", "user", "path", "specialUse", "uidValidity", "uidNext", "modifyIndex", "subscribed", "retention", "hidden", "flags", "messages", "unseen", "size");
        bson["specialUse"].AsString.Should().Be("\\Sent");
        bson["uidNext"].BsonType.Should().Be(BsonType.Int64);
    }

    [Fact]
    public void Ids_convert_to_ObjectIds_with_the_same_hex_form()
    {
        var id = EntityId.NewId();

        var objectId = MongoIds.ToObjectId(id);

        objectId.ToString().Should().Be(id.ToString());
        MongoIds.ToEntityId(objectId).Should().Be(id);
        MongoIds.ToUserId(MongoIds.ToObjectId(new UserId(id))).Value.Should().Be(id);
    }
}
