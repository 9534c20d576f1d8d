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

    private static readonly Guid Token = Guid.Parse("0b8f6a52-4f8e-4a7c-9a49-1d7a3c1f2e10");

    [Fact]
    public void Due_deliveries_are_reached_and_without_a_live_lease_earliest_first()
    {
        Filter(MongoMailStore.WebhookDeliveriesDue(When)).ShouldBe(Json(
            "{ next: { $lte: ISODate('2026-11-29T06:00:00.123Z') }, $or: [{ lockUntil: null }, { lockUntil: { $lte: ISODate('2026-11-29T06:00:00.123Z') } }] }"));
        Sort(MongoMailStore.WebhookDeliveriesDueOrder()).ShouldBe(Json("{ next: 1, _id: 1 }"));
    }

    [Fact]
    public void A_claim_counts_the_attempt_and_leases_and_outcomes_require_the_token()
    {
        var token = new BsonBinaryData(Token, GuidRepresentation.Standard);
        Update(MongoMailStore.WebhookDeliveryLeaseUpdate(Token, When)).ShouldBe(new BsonDocument
        {
            { "$inc", new BsonDocument("attempts", 1) },
            { "$set", new BsonDocument { { "lockToken", token }, { "lockUntil", When } } },
        });
        Filter(MongoMailStore.WebhookDeliveryLeased(Hook, Token)).ShouldBe(new BsonDocument { { "_id", Hook }, { "lockToken", token } });
        Update(MongoMailStore.WebhookDeliveryRetry(When, "HTTP 500")).ShouldBe(Json(
            "{ $set: { next: ISODate('2026-11-29T06:00:00.123Z'), lastError: 'HTTP 500' }, $unset: { lockToken: 1, lockUntil: 1 } }"));
    }

    [Fact]
    public void A_delivery_document_has_its_field_names_and_maps_to_the_record_and_back()
    {
        var document = new WebhookDeliveryDocument
        {
            Id = User,
            Webhook = Hook,
            Url = "https://hooks.example/x",
            Type = "mfa.totp.enabled",
            Body = "{}"u8.ToArray(),
            Attempts = 2,
            NextAttempt = When,
            LastError = "timed out",
            LeaseToken = Token,
            LeaseUntil = When,
            Created = When,
        };
        document.ToBsonDocument().ShouldBe(new BsonDocument
        {
            { "_id", User },
            { "webhook", Hook },
            { "url", "https://hooks.example/x" },
            { "ev", "mfa.totp.enabled" },
            { "body", new BsonBinaryData("{}"u8.ToArray()) },
            { "attempts", 2 },
            { "next", When },
            { "lastError", "timed out" },
            { "lockToken", new BsonBinaryData(Token, GuidRepresentation.Standard) },
            { "lockUntil", When },
            { "created", When },
        });
        BsonSerializer.Deserialize<WebhookDeliveryDocument>(document.ToBsonDocument()).Should().BeEquivalentTo(document);
        new WebhookDeliveryDocument { Id = User, NextAttempt = When, Created = When }.ToBsonDocument().Names.Should().NotContain(new[] { "lastError", "lockToken", "lockUntil" });

        var record = MongoMailStore.ToWebhookDelivery(document);
        record.Id.Should().Be(MongoIds.ToEntityId(User));
        record.Webhook.Should().Be(MongoIds.ToEntityId(Hook));
        record.Body.ToArray().Should().Equal("{}"u8.ToArray());
        record.NextAttempt.Should().Be(new DateTimeOffset(When));
        var back = MongoMailStore.ToWebhookDeliveryDocument(record);
        back.Should().BeEquivalentTo(document, o => o.Excluding(d => d.LeaseToken).Excluding(d => d.LeaseUntil));
    }

    [Fact]
    public void Webhook_deliveries_live_in_the_main_database_with_a_due_index()
    {
        MongoContext.WebhookDeliveriesCollection.Should().Be("webhookdeliveries");
        MongoIndexes.WebhookDeliveries.Select(m => (m.Options.Name, Keys(m.Keys).ToJson())).Should().Equal(("due", "{ \"next\" : 1, \"_id\" : 1 }"));
        using var context = new MongoContext(new MongoStorageOptions { ConnectionString = "mongodb://127.0.0.1:1", Database = "wd", UsersDatabase = "wdusers" }, static (_, _) => Task.CompletedTask);
        context.WebhookDeliveries.CollectionNamespace.FullName.Should().Be("wd.webhookdeliveries");
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
