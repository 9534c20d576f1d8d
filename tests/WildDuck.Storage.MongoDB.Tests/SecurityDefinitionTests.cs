// SPDX-License-Identifier: MIT
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// Application passwords, the authentication log and the temporary password without a server: the BSON of every
/// filter and update, the documents' element names and round trips, the indexes and the registration.
/// </summary>
public sealed class SecurityDefinitionTests
{
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f7");
    private static readonly ObjectId Id = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f8");
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc);

    [Fact]
    public void Application_password_filters_are_per_user_and_unexpired()
    {
        Filter(MongoMailStore.AspOfUser(User, Id)).ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7') }"));
        Filter(MongoMailStore.AspsOfUserValid(User, When)).ShouldBe(Json(
            "{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), $or: [ { expires: null }, { expires: { $gt: ISODate('2026-11-29T06:00:00.123Z') } } ] }"));
        Filter(MongoMailStore.AspsExpired(User, When)).ShouldBe(Json(
            "{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), expires: { $lte: ISODate('2026-11-29T06:00:00.123Z') } }"));
    }

    [Fact]
    public void A_use_sets_used_and_ip_and_slides_the_expiry_by_the_stored_ttl_in_one_pipeline()
    {
        Update(MongoMailStore.AspUse(When, "192.0.2.1")).ShouldBe(new BsonArray
        {
            Json("""
                { $set: { used: ISODate('2026-11-29T06:00:00.123Z'), authIp: '192.0.2.1',
                  expires: { $cond: [ { $gt: ['$ttl', 0] }, { $add: [ ISODate('2026-11-29T06:00:00.123Z'), { $multiply: ['$ttl', 1000] } ] }, '$expires' ] } } }
                """),
        });
    }

    [Fact]
    public void The_application_password_document_uses_wildducks_names_and_round_trips()
    {
        var record = new AspRecord
        {
            Id = MongoIds.ToEntityId(Id),
            User = MongoIds.ToUserId(User),
            Description = "phone",
            Scopes = new[] { "imap", "smtp" },
            PasswordHash = "$pbkdf2-sha256$i=100000$c2FsdA$aGFzaA",
            Selector = "1f",
            Created = new DateTimeOffset(When),
            Ttl = TimeSpan.FromHours(1),
            Expires = new DateTimeOffset(When).AddHours(1),
        };
        var bson = MongoMailStore.ToAspDocument(record).ToBsonDocument();
        bson.ShouldBe(Json("""
            { _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), description: 'phone', scopes: ['imap', 'smtp'],
              password: '$pbkdf2-sha256$i=100000$c2FsdA$aGFzaA', selector: '1f', used: null, created: ISODate('2026-11-29T06:00:00.123Z'),
              ttl: NumberLong(3600), expires: ISODate('2026-11-29T07:00:00.123Z') }
            """));
        var back = MongoMailStore.ToAspRecord(BsonSerializer.Deserialize<AspDocument>(bson));
        back.Should().BeEquivalentTo(record);

        // WildDuck writes used: false for a password never used, an int ttl, and fields we ignore.
        var wildduck = Json("""
            { _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), description: 'x', scopes: ['*'], password: 'h',
              selector: '', used: false, authEvent: null, created: ISODate('2026-11-29T06:00:00.123Z'), ttl: 60 }
            """);
        var legacy = MongoMailStore.ToAspRecord(BsonSerializer.Deserialize<AspDocument>(wildduck));
        legacy.LastUse.Should().BeNull();
        legacy.Ttl.Should().Be(TimeSpan.FromMinutes(1));
        legacy.Expires.Should().BeNull();
    }

    [Fact]
    public void Log_entries_merge_by_user_key_and_window_and_list_by_user_with_filters_and_positions()
    {
        var key = new byte[16];
        Filter(MongoMailStore.AuthEventMergeTarget(User, key, When)).ShouldBe(Json(
            "{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), key: BinData(0, 'AAAAAAAAAAAAAAAAAAAAAA=='), created: { $gt: ISODate('2026-11-29T06:00:00.123Z') } }"));
        Filter(MongoMailStore.AuthEventMergeTarget(null, key, When))["user"].Should().Be(BsonNull.Value, "unknown-user attempts merge among themselves");
        Update(MongoMailStore.AuthEventRepeat(When, When.AddDays(30))).ShouldBe(Json(
            "{ $inc: { events: 1 }, $set: { last: ISODate('2026-11-29T06:00:00.123Z') }, $max: { expires: ISODate('2026-12-29T06:00:00.123Z') } }"));
        Filter(MongoMailStore.AuthEventsOfUser(User, When, "create asp", "192.0.2.1")).ShouldBe(Json(
            "{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), expires: { $gt: ISODate('2026-11-29T06:00:00.123Z') }, action: 'create asp', ip: '192.0.2.1' }"));
        Filter(MongoMailStore.AuthEventsOfUser(User, When, null, null)).ElementCount.Should().Be(2);

        var (before, backwards) = MongoMailStore.AuthEventPosition(new AuthEventQuery { Before = MongoIds.ToEntityId(Id) });
        Filter(before!).ShouldBe(Json("{ _id: { $lt: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8') } }"));
        backwards.Should().BeFalse();
        var (after, reverse) = MongoMailStore.AuthEventPosition(new AuthEventQuery { After = MongoIds.ToEntityId(Id) });
        Filter(after!).ShouldBe(Json("{ _id: { $gt: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8') } }"));
        reverse.Should().BeTrue();
        MongoMailStore.AuthEventPosition(new AuthEventQuery()).Filter.Should().BeNull();
    }

    [Fact]
    public void The_log_document_uses_wildducks_names_and_round_trips()
    {
        var record = new AuthEventRecord
        {
            Id = MongoIds.ToEntityId(Id),
            User = MongoIds.ToUserId(User),
            Action = "authentication",
            Result = "fail",
            Reason = "InvalidScope",
            Protocol = "IMAP",
            Session = "c1",
            RemoteAddress = "192.0.2.1",
            RequiredScope = "imap",
            Source = "asp",
            Asp = MongoIds.ToEntityId(Id),
            AspName = "phone",
            Created = new DateTimeOffset(When),
            Last = new DateTimeOffset(When),
            Expires = new DateTimeOffset(When).AddDays(30),
        };
        var key = StoreRules.AuthEventMergeKey(record);
        key.Should().HaveCount(16);
        var bson = MongoMailStore.ToAuthLogDocument(record, key).ToBsonDocument();
        bson.Names.Should().Equal("_id", "user", "action", "result", "reason", "protocol", "sess", "ip", "requiredScope", "source", "asp", "aname", "key", "events", "created", "last", "expires");
        MongoMailStore.ToAuthEventRecord(BsonSerializer.Deserialize<AuthLogDocument>(bson)).Should().BeEquivalentTo(record);

        var anonymous = MongoMailStore.ToAuthLogDocument(record with { User = null, Asp = null, AspName = null, Reason = null }, key).ToBsonDocument();
        anonymous.Contains("user").Should().BeFalse();
        anonymous.Contains("asp").Should().BeFalse();
        StoreRules.AuthEventMergeKey(record with { Session = "other" }).Should().Equal(key, "the session is not part of the merge key");
        StoreRules.AuthEventMergeKey(record with { RemoteAddress = "192.0.2.2" }).Should().NotEqual(key);
    }

    [Fact]
    public void The_temporary_password_is_a_document_or_false_and_a_password_change_writes_false()
    {
        var user = new UserDocument { Id = User, Username = "alice", UsernameView = "alice", Created = When };
        user.ToBsonDocument()["tempPassword"].Should().Be(BsonBoolean.False, "as WildDuck writes a user without one");
        user.TempPassword = new TempPasswordDocument { Password = "h", Created = When, ValidAfter = When.AddHours(1) };
        var bson = user.ToBsonDocument();
        bson["tempPassword"].AsBsonDocument.ShouldBe(Json("{ password: 'h', validAfter: ISODate('2026-11-29T07:00:00.123Z'), created: ISODate('2026-11-29T06:00:00.123Z') }"));
        var record = MongoMailStore.ToUserRecord(BsonSerializer.Deserialize<UserDocument>(bson));
        record.TemporaryPassword.Should().Be(new TemporaryPassword("h", new DateTimeOffset(When), new DateTimeOffset(When.AddHours(1))));

        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { PasswordHash = "new" })!).ShouldBe(Json(
            "{ $set: { password: 'new', tempPassword: false }, $inc: { authVersion: 1 } }"));
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { TemporaryPassword = new TemporaryPassword("t", new DateTimeOffset(When), new DateTimeOffset(When)) })!).ShouldBe(Json(
            "{ $set: { tempPassword: { password: 't', validAfter: ISODate('2026-11-29T06:00:00.123Z'), created: ISODate('2026-11-29T06:00:00.123Z') } } }"));
    }

    [Fact]
    public void Both_collections_live_in_the_users_database_with_wildducks_indexes_and_are_registered()
    {
        MongoIndexes.Asps.Select(m => (m.Options.Name, Keys(m.Keys).ToJson(), m.Options.ExpireAfter)).Should().Equal(
            ("asps_user", "{ \"user\" : 1 }", (TimeSpan?)null),
            ("entry_autoexpire", "{ \"expires\" : 1 }", TimeSpan.Zero));
        MongoIndexes.AuthLog.Select(m => (m.Options.Name, Keys(m.Keys).ToJson(), m.Options.ExpireAfter)).Should().Equal(
            ("user", "{ \"user\" : 1, \"_id\" : -1 }", (TimeSpan?)null),
            ("insert", "{ \"user\" : 1, \"created\" : 1, \"key\" : 1 }", (TimeSpan?)null),
            ("user_by_ip", "{ \"user\" : 1, \"ip\" : 1, \"_id\" : -1 }", (TimeSpan?)null),
            ("entry_autoexpire", "{ \"expires\" : 1 }", TimeSpan.Zero));

        using var context = new MongoContext(new MongoStorageOptions { ConnectionString = "mongodb://127.0.0.1:1", Database = "wd", UsersDatabase = "wdusers" }, static (_, _) => Task.CompletedTask);
        context.Asps.CollectionNamespace.FullName.Should().Be("wdusers.asps");
        context.AuthLog.CollectionNamespace.FullName.Should().Be("wdusers.authlog");

        var services = new ServiceCollection();
        services.AddWildDuck().UseMongoDBStorage(o => o.ConnectionString = "mongodb://127.0.0.1:1");
        services.Should().ContainSingle(d => d.ServiceType == typeof(IAspStore));
        services.Should().ContainSingle(d => d.ServiceType == typeof(IAuthLogStore));
    }
}
