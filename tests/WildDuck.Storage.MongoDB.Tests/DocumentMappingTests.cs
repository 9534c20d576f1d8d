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
            EncryptMessages = true,
            Flags = ["$Forwarded", "Important"],
            Messages = 41,
            Unseen = 3,
            Size = 123_456,
        };

        var back = RoundTrip(document, out var bson);

        back.Should().BeEquivalentTo(document);
        bson.Names.Should().Equal("_id", "user", "path", "specialUse", "uidValidity", "uidNext", "modifyIndex", "subscribed", "retention", "hidden", "encryptMessages", "flags", "messages", "unseen", "size");
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

    [Fact]
    public void User_document_round_trips_with_WildDuck_names()
    {
        var document = new UserDocument
        {
            Id = ObjectId.GenerateNewId(),
            Username = "a.lice",
            UsernameView = "alice",
            Name = "Alice",
            Address = "alice@example.com",
            Password = "$pbkdf2-sha256$i=100000$x$y",
            Quota = 1L << 40,
            Recipients = 500,
            StorageUsed = 12345,
            Disabled = true,
            Suspended = false,
            DisabledScopes = ["pop3"],
            Retention = 3_600_000,
            SpamLevel = 80,
            Language = "et",
            AuthVersion = 3,
            Targets = [new TargetDocument { Id = ObjectId.GenerateNewId(), Type = "relay", Value = "smtp://relay.example.net" }],
            PubKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----",
            EncryptMessages = true,
            EncryptForwarded = false,
            FromWhitelist = ["*@partner.example", "alerts-*"],
            Autoreply = true,
            LastUidValidity = 1_764_396_000,
            Created = Created,
        };

        var back = RoundTrip(document, out var bson);

        back.Should().BeEquivalentTo(document);
        bson.Names.Should().Equal("_id", "username", "unameview", "name", "address", "password", "tempPassword", "quota", "recipients", "storageUsed", "disabled", "suspended", "disabledScopes", "retention", "spamLevel", "language", "authVersion", "enabled2fa", "targets", "pubKey", "encryptMessages", "encryptForwarded", "fromWhitelist", "autoreply", "lastUidValidity", "created");
        bson["targets"][0].AsBsonDocument.Names.Should().Equal("id", "type", "value");
        bson["created"].BsonType.Should().Be(BsonType.DateTime);
    }

    [Fact]
    public void Optional_fields_are_left_out_when_null()
    {
        new UserDocument { Id = ObjectId.GenerateNewId() }.ToBsonDocument().Names.Should().NotContain(["name", "address", "retention", "language", "pubKey", "fromWhitelist"]);
        new JournalDocument { Id = ObjectId.GenerateNewId(), Command = "CREATE" }.ToBsonDocument().Names.Should().NotContain(["uid", "message", "flags", "path"]);
        new MailboxDocument().ToBsonDocument().Names.Should().NotContain(["specialUse", "retention"]);
        new OutboundDocument().ToBsonDocument().Names.Should().NotContain(["user", "route", "lastError", "lockToken", "lockUntil"]);
        new FilterDocument().ToBsonDocument()["query"].AsBsonDocument.ElementCount.Should().Be(0);
    }

    [Fact]
    public void A_WildDuck_document_with_fields_this_store_does_not_know_still_reads()
    {
        var wildduck = Rendered.Json("""
            { _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), username: 'alice', unameview: 'alice', password: '', quota: NumberLong(0),
              storageUsed: NumberLong(0), disabled: false, suspended: false, disabledScopes: [], spamLevel: 50, authVersion: 1,
              targets: [], autoreply: false, lastUidValidity: NumberLong(0), created: ISODate('2026-01-01T00:00:00Z'),
              enabled2fa: ['totp'], seed: 'x', tags: ['a'], metaData: '{}', lastLogin: { time: ISODate('2026-01-01T00:00:00Z') } }
            """);

        BsonSerializer.Deserialize<UserDocument>(wildduck).Username.Should().Be("alice");
    }

    [Fact]
    public void WildDuck_false_and_32_bit_values_read_as_this_store_means_them()
    {
        var user = BsonSerializer.Deserialize<UserDocument>(Rendered.Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), username: 'a', unameview: 'a', quota: 1024, storageUsed: 10, retention: false, created: ISODate('2026-01-01T00:00:00Z') }"));
        user.Retention.Should().BeNull("WildDuck writes a falsy retention for none");
        (user.Quota, user.StorageUsed).Should().Be((1024L, 10L), "WildDuck stores small numbers as 32-bit integers");

        var mailbox = BsonSerializer.Deserialize<MailboxDocument>(Rendered.Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), path: 'INBOX', uidValidity: 1700000000, uidNext: 5, modifyIndex: 0, retention: 2592000000 }"));
        mailbox.Retention.Should().Be(2_592_000_000);
        (mailbox.UidNext, mailbox.ModifyIndex).Should().Be((5L, 0L));

        var autoreply = BsonSerializer.Deserialize<AutoreplyDocument>(Rendered.Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), status: true, start: false, end: ISODate('2027-01-05T00:00:00Z'), created: ISODate('2026-01-01T00:00:00Z') }"));
        autoreply.Start.Should().BeNull("WildDuck writes false for an open start");
        autoreply.End.Should().Be(new DateTime(2027, 1, 5, 0, 0, 0, DateTimeKind.Utc));
        autoreply.ToBsonDocument()["end"].BsonType.Should().Be(BsonType.DateTime);
        new AutoreplyDocument().ToBsonDocument().Names.Should().NotContain(["start", "end"]);
    }

    [Fact]
    public void Address_and_domain_alias_documents_round_trip()
    {
        var address = new AddressDocument { Id = ObjectId.GenerateNewId(), User = ObjectId.GenerateNewId(), Address = "Alice@Example.com", AddressView = "alice@example.com", Main = true, Created = Created };
        RoundTrip(address, out var bson).Should().BeEquivalentTo(address);
        bson.Names.Should().Equal("_id", "user", "address", "addrview", "main", "created");

        var alias = new DomainAliasDocument { Id = ObjectId.GenerateNewId(), Alias = "alias.example", Domain = "example.com", Created = Created };
        RoundTrip(alias, out bson).Should().BeEquivalentTo(alias);
        bson.Names.Should().Equal("_id", "alias", "domain", "created");
    }

    [Fact]
    public void Journal_and_counter_documents_round_trip()
    {
        var entry = new JournalDocument
        {
            Id = ObjectId.GenerateNewId(),
            Seq = 42,
            User = ObjectId.GenerateNewId(),
            Mailbox = ObjectId.GenerateNewId(),
            ModSeq = 7,
            Command = "FETCH",
            Uid = 3,
            Message = ObjectId.GenerateNewId(),
            Flags = ["\\Seen", "$Important"],
            Created = Created,
        };
        RoundTrip(entry, out var bson).Should().BeEquivalentTo(entry);
        bson.Names.Should().Equal("_id", "seq", "user", "mailbox", "modseq", "command", "uid", "message", "flags", "created");

        var counter = new CounterDocument { Id = "journal:x", Seq = 9 };
        RoundTrip(counter, out bson).Should().BeEquivalentTo(counter);
        bson.Names.Should().Equal("_id", "seq");
    }

    [Fact]
    public void Filter_document_round_trips_with_WildDuck_query_and_action_shapes()
    {
        var filter = new FilterDocument
        {
            Id = ObjectId.GenerateNewId(),
            User = ObjectId.GenerateNewId(),
            Name = "lists",
            Query = new FilterQueryDocument { Headers = new FilterHeadersDocument { From = "boss", ListId = "dev.example.org" }, Text = "urgent", HasAttachments = true, Size = -1000 },
            Action = new FilterActionDocument { Seen = true, Flag = false, Spam = true, Mailbox = ObjectId.GenerateNewId(), Targets = [new TargetDocument { Id = ObjectId.GenerateNewId(), Value = "x@example.org" }] },
            Disabled = true,
            Created = Created,
        };

        RoundTrip(filter, out var bson).Should().BeEquivalentTo(filter);
        bson.Names.Should().Equal("_id", "user", "name", "query", "action", "disabled", "created");
        bson["query"].AsBsonDocument.Names.Should().Equal("headers", "text", "ha", "size");
        bson["query"]["headers"].AsBsonDocument.Names.Should().Equal("from", "listId");
        bson["action"].AsBsonDocument.Names.Should().Equal("seen", "flag", "spam", "mailbox", "targets");
    }

    [Fact]
    public void Autoreply_documents_round_trip()
    {
        var autoreply = new AutoreplyDocument { Id = ObjectId.GenerateNewId(), User = ObjectId.GenerateNewId(), Status = true, Name = "A", Subject = "Away", Text = "t", Html = "<p>t</p>", Start = Created, End = Created.AddDays(3), Created = Created };
        RoundTrip(autoreply, out var bson).Should().BeEquivalentTo(autoreply);
        // The settings fields come from AutoreplyFieldsDocument (shared with forwarded addresses), so
        // they serialize first; the server stores _id first anyway, and order carries no meaning.
        bson.Names.Should().BeEquivalentTo("_id", "user", "status", "name", "subject", "text", "html", "start", "end", "created");

        var sender = new AutoreplySenderDocument { Id = ObjectId.GenerateNewId(), User = ObjectId.GenerateNewId(), Sender = "bob@example.org", Replied = Created, Expires = Created.AddHours(4) };
        RoundTrip(sender, out bson).Should().BeEquivalentTo(sender);
        bson.Names.Should().Equal("_id", "user", "sender", "replied", "expires");
    }

    [Fact]
    public void Outbound_document_round_trips_with_ZoneMTA_like_names_and_a_standard_uuid_token()
    {
        var entry = new OutboundDocument
        {
            Id = ObjectId.GenerateNewId(),
            State = 1,
            Reason = "forward",
            User = ObjectId.GenerateNewId(),
            ReturnPath = "alice@example.com",
            Recipients = ["x@example.org", "y@example.org"],
            Route = "smtp://relay.example.net",
            Size = 3,
            Created = Created,
            Attempts = 2,
            NextAttempt = Created.AddMinutes(5),
            LastError = "451",
            LeaseToken = Guid.NewGuid(),
            LeaseUntil = Created.AddMinutes(1),
            Content = [1, 2, 3],
        };

        RoundTrip(entry, out var bson).Should().BeEquivalentTo(entry);
        bson.Names.Should().Equal("_id", "state", "reason", "user", "from", "to", "route", "size", "created", "attempts", "queued", "lastError", "lockToken", "lockUntil", "content");
        bson["lockToken"].AsBsonBinaryData.SubType.Should().Be(BsonBinarySubType.UuidStandard);
        bson["content"].AsBsonBinaryData.Bytes.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Thread_documents_use_WildDuck_names()
    {
        var thread = new ThreadDocument { Id = ObjectId.GenerateNewId(), User = ObjectId.GenerateNewId(), Subject = "hello", Ids = ["a", "b"], Updated = Created };
        RoundTrip(thread, out var bson).Should().BeEquivalentTo(thread);
        bson.Names.Should().Equal("_id", "user", "subject", "ids", "updated");

    }
}
