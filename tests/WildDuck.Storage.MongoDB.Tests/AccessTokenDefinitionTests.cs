// SPDX-License-Identifier: MIT
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// The access token store without a server: the BSON of every filter and update it sends, the
/// document's element names and round trip, its indexes and its registration.
/// </summary>
public sealed class AccessTokenDefinitionTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f7");
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc);

    [Fact]
    public void A_token_is_found_by_its_hash_as_id_and_only_while_unexpired()
    {
        Filter(MongoMailStore.AccessTokenByHash(Hash)).ShouldBe(Json($"{{ _id: '{Hash}' }}"));
        Filter(MongoMailStore.AccessTokenValid(Hash, When)).ShouldBe(Json(
            $"{{ _id: '{Hash}', expires: {{ $gt: ISODate('2026-11-29T06:00:00.123Z') }} }}"));
    }

    [Fact]
    public void Extending_sets_only_the_expiry()
    {
        Update(MongoMailStore.AccessTokenExtend(When.AddDays(14))).ShouldBe(Json(
            "{ $set: { expires: ISODate('2026-12-13T06:00:00.123Z') } }"));
    }

    [Fact]
    public void The_purge_takes_every_token_expired_at_or_before_now_and_user_deletion_takes_the_users()
    {
        Filter(MongoMailStore.AccessTokensExpired(When)).ShouldBe(Json("{ expires: { $lte: ISODate('2026-11-29T06:00:00.123Z') } }"));
        Filter(MongoMailStore.AccessTokensOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7') }"));
    }

    [Fact]
    public void The_document_keeps_the_hash_as_id_and_round_trips_with_its_element_names()
    {
        var document = new AccessTokenDocument { Id = Hash, User = User, Role = "user", AuthVersion = 3, Created = When, Expires = When.AddDays(14) };
        var bson = document.ToBsonDocument();
        bson.ShouldBe(Json($$"""
            { _id: '{{Hash}}', user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), role: 'user', authVersion: 3,
              created: ISODate('2026-11-29T06:00:00.123Z'), expires: ISODate('2026-12-13T06:00:00.123Z') }
            """));
        BsonSerializer.Deserialize<AccessTokenDocument>(bson).Should().BeEquivalentTo(document);

        var extra = bson.DeepClone().AsBsonDocument;
        extra.Add("s", "legacy");
        BsonSerializer.Deserialize<AccessTokenDocument>(extra).Should().BeEquivalentTo(document, "unknown fields are ignored");
    }

    [Fact]
    public void The_record_maps_to_the_document_and_back_at_millisecond_precision()
    {
        var created = new DateTimeOffset(2026, 11, 29, 7, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567);
        var record = new AccessTokenRecord
        {
            TokenHash = Hash,
            User = MongoIds.ToUserId(User),
            Role = "user",
            AuthVersion = 7,
            Created = created,
            Expires = created.AddDays(14),
        };

        var document = MongoMailStore.ToAccessTokenDocument(record);
        document.Id.Should().Be(Hash);
        document.User.Should().Be(User);
        document.Created.Kind.Should().Be(DateTimeKind.Utc);
        document.Created.Should().Be(new DateTime(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc), "BSON dates hold milliseconds, in UTC");

        var back = MongoMailStore.ToAccessTokenRecord(BsonSerializer.Deserialize<AccessTokenDocument>(document.ToBsonDocument()));
        back.TokenHash.Should().Be(Hash);
        back.User.Should().Be(record.User);
        back.Role.Should().Be("user");
        back.AuthVersion.Should().Be(7);
        back.Created.ToUnixTimeMilliseconds().Should().Be(record.Created.ToUnixTimeMilliseconds());
        back.Expires.ToUnixTimeMilliseconds().Should().Be(record.Expires.ToUnixTimeMilliseconds());
        back.Expires.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Tokens_live_in_the_main_database_with_a_user_index_and_a_TTL_on_the_expiry()
    {
        MongoContext.AccessTokensCollection.Should().Be("accesstokens");
        MongoIndexes.AccessTokens.Select(m => (m.Options.Name, Keys(m.Keys).ToJson(), m.Options.Unique ?? false, m.Options.ExpireAfter)).Should().Equal(
            ("user", "{ \"user\" : 1 }", false, (TimeSpan?)null),
            ("token_autoexpire", "{ \"expires\" : 1 }", false, TimeSpan.Zero));
        MongoIndexes.AccessTokens.Should().NotContain(m => Keys(m.Keys).Contains("_id"), "lookups by hash use the built-in _id index");

        using var context = new MongoContext(new MongoStorageOptions { ConnectionString = "mongodb://127.0.0.1:1", Database = "wd", UsersDatabase = "wdusers" }, static (_, _) => Task.CompletedTask);
        context.AccessTokens.CollectionNamespace.FullName.Should().Be("wd.accesstokens", "the main database, beside the other per-user collections");
    }

    [Fact]
    public void UseMongoDBStorage_registers_the_store_as_the_access_token_store()
    {
        var services = new ServiceCollection();
        services.AddWildDuck().UseMongoDBStorage(o => o.ConnectionString = "mongodb://127.0.0.1:1");
        var descriptor = services.Should().ContainSingle(d => d.ServiceType == typeof(IAccessTokenStore)).Subject;
        descriptor.Lifetime.Should().Be(ServiceLifetime.Singleton);
        typeof(IAccessTokenStore).IsAssignableFrom(typeof(MongoMailStore)).Should().BeTrue();
    }
}
