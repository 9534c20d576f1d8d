// SPDX-License-Identifier: MIT
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// The webhook store, domain alias listing and quota recount without a server: the BSON of every
/// filter and pipeline, the document's element names and round trip, the index and registration.
/// </summary>
public sealed class WebhookDefinitionTests
{
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f7");
    private static readonly ObjectId Hook = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f8");
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc);

    [Fact]
    public void An_event_reads_the_global_webhooks_and_its_users()
    {
        Filter(MongoMailStore.WebhooksFor(User)).ShouldBe(Json("{ user: { $in: [null, ObjectId('65a1f0c2e4b0a1b2c3d4e5f7')] } }"));
        Filter(MongoMailStore.WebhooksFor(null)).ShouldBe(Json("{ user: null }"));
        Filter(MongoMailStore.WebhooksOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7') }"));
    }

    [Fact]
    public void A_page_of_webhooks_starts_after_an_id_and_may_be_limited_to_a_user()
    {
        Filter(MongoMailStore.WebhooksPage(null, null)).ShouldBe(Json("{ }"));
        Filter(MongoMailStore.WebhooksPage(Hook, User)).ShouldBe(Json(
            "{ _id: { $gt: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8') }, user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7') }"));
    }

    [Fact]
    public void The_document_uses_wildducks_field_names_and_round_trips()
    {
        var document = new WebhookDocument { Id = Hook, Type = new List<string> { "mailbox.*", "user.created" }, User = User, Url = "https://hooks.example/x", Created = When };
        var bson = document.ToBsonDocument();
        bson.ShouldBe(Json("""
            { _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), type: ['mailbox.*', 'user.created'], user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'),
              url: 'https://hooks.example/x', created: ISODate('2026-11-29T06:00:00.123Z') }
            """));
        BsonSerializer.Deserialize<WebhookDocument>(bson).Should().BeEquivalentTo(document);

        var global = new WebhookDocument { Id = Hook, Type = new List<string> { "*" }, Url = "https://hooks.example/", Created = When };
        global.ToBsonDocument()["user"].IsBsonNull.Should().BeTrue("a global webhook has user null, which the {user: {$in: [null, …]}} lookup matches");
    }

    [Fact]
    public void The_record_maps_to_the_document_and_back()
    {
        var record = new WebhookRecord { Id = MongoIds.ToEntityId(Hook), Types = new[] { "*" }, User = MongoIds.ToUserId(User), Url = "http://127.0.0.1:8/", Created = new DateTimeOffset(When) };
        var back = MongoMailStore.ToWebhookRecord(BsonSerializer.Deserialize<WebhookDocument>(MongoMailStore.ToWebhookDocument(record).ToBsonDocument()));
        back.Should().BeEquivalentTo(record);

        var global = MongoMailStore.ToWebhookRecord(MongoMailStore.ToWebhookDocument(record with { User = null }));
        global.User.Should().BeNull();
    }

    [Fact]
    public void The_quota_recount_sums_the_users_message_sizes()
    {
        var stages = MongoMailStore.UserStoragePipeline(User).Render();
        stages.Should().HaveCount(2);
        stages[0].ShouldBe(Json("{ $match: { user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7') } }"));
        stages[1].ShouldBe(Json("{ $group: { _id: null, size: { $sum: '$size' } } }"));
    }

    [Fact]
    public void Webhooks_live_in_the_main_database_with_a_user_index_and_are_registered()
    {
        MongoContext.WebhooksCollection.Should().Be("webhooks");
        MongoIndexes.Webhooks.Select(m => (m.Options.Name, Keys(m.Keys).ToJson())).Should().Equal(("user", "{ \"user\" : 1 }"));
        using var context = new MongoContext(new MongoStorageOptions { ConnectionString = "mongodb://127.0.0.1:1", Database = "wd", UsersDatabase = "wdusers" }, static (_, _) => Task.CompletedTask);
        context.Webhooks.CollectionNamespace.FullName.Should().Be("wd.webhooks");

        var services = new ServiceCollection();
        services.AddWildDuck().UseMongoDBStorage(o => o.ConnectionString = "mongodb://127.0.0.1:1");
        services.Should().ContainSingle(d => d.ServiceType == typeof(IWebhookStore)).Which.Lifetime.Should().Be(ServiceLifetime.Singleton);
    }
}
