// SPDX-License-Identifier: MIT
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// Subscriptions without a mailbox (RFC 3501 §6.3.6) without a server: the filters and the upsert
/// the store sends, the document's element names, and the index that makes one entry per name.
/// </summary>
public sealed class OrphanSubscriptionDefinitionTests
{
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f7");

    [Fact]
    public void An_entry_is_found_by_user_and_path_and_all_of_a_user_by_user()
    {
        Filter(MongoMailStore.OrphanSubscription(User, "Lists/go")).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), path: 'Lists/go' }"));
        Filter(MongoMailStore.OrphanSubscriptionsOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7') }"));
    }

    [Fact]
    public void Deleting_a_subscribed_mailbox_upserts_without_changing_an_existing_entry()
    {
        Update(MongoMailStore.OrphanSubscriptionInsert(User, "Lists/go")).ShouldBe(Json(
            "{ $setOnInsert: { user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), path: 'Lists/go' } }"));
    }

    [Fact]
    public void The_document_round_trips_with_its_element_names()
    {
        var document = new OrphanSubscriptionDocument { Id = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f8"), User = User, Path = "Lists/go" };
        var bson = document.ToBsonDocument();
        bson.ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), path: 'Lists/go' }"));
        BsonSerializer.Deserialize<OrphanSubscriptionDocument>(bson).Should().BeEquivalentTo(document);
    }

    [Fact]
    public void One_entry_per_user_and_name_in_the_main_database()
    {
        MongoIndexes.OrphanSubscriptions.Select(m => (m.Options.Name, Keys(m.Keys).ToJson(), m.Options.Unique ?? false)).Should().Equal(
            ("user_path", "{ \"user\" : 1, \"path\" : 1 }", true));
        using var context = new MongoContext(new MongoStorageOptions { ConnectionString = "mongodb://127.0.0.1:1", Database = "wd", UsersDatabase = "wdusers" }, static (_, _) => Task.CompletedTask);
        context.OrphanSubscriptions.CollectionNamespace.FullName.Should().Be("wd.orphansubscriptions");
    }
}
