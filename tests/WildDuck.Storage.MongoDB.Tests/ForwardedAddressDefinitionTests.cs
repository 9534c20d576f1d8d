// SPDX-License-Identifier: MIT
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// Forwarded addresses without a server: the filters, WildDuck's document shape (an
/// <c>addresses</c> document without <c>user</c>) and the record mapping.
/// </summary>
public sealed class ForwardedAddressDefinitionTests
{
    private static readonly ObjectId Address = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f9");
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc);

    [Fact]
    public void A_forwarded_address_is_found_by_id_only_without_a_user()
    {
        Filter(MongoMailStore.ForwardedById(Address)).ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f9'), user: null }"));
    }

    [Fact]
    public void A_page_starts_after_an_address_view_and_matches_the_query_literally()
    {
        Filter(MongoMailStore.ForwardedPage(null, null)).ShouldBe(Json("{ user: null }"));
        Filter(MongoMailStore.ForwardedPage("bravo@example.com", " A.B* ")).ShouldBe(Json(
            "{ $and: [ { user: null }, { addrview: { $gt: 'bravo@example.com' } }, { addrview: /a\\.b\\*/ } ] }"));
    }

    [Fact]
    public void The_document_has_wildducks_fields_and_no_user()
    {
        var document = new AddressDocument
        {
            Id = Address,
            Address = "sales@example.com",
            AddressView = "sales@example.com",
            Name = "Sales",
            Targets = MongoMailStore.ToTargetDocuments(new[] { "mail:x@example.org", "smtp://relay.example:25", "https://hooks.example/in" }),
            Forwards = 10,
            Autoreply = MongoMailStore.ToAddressAutoreply(new AutoreplySettings { Enabled = true, Subject = "Away", Text = "t", End = new DateTimeOffset(When) }),
            ForwardedDisabled = false,
            Created = When,
        };
        var bson = document.ToBsonDocument();

        bson.Names.Should().Equal("_id", "address", "addrview", "main", "name", "targets", "forwards", "autoreply", "forwardedDisabled", "created");
        bson["targets"].AsBsonArray.Select(t => t["type"].AsString + " " + t["value"].AsString)
            .Should().Equal("mail x@example.org", "relay smtp://relay.example:25", "http https://hooks.example/in");
        bson["autoreply"].AsBsonDocument.Names.Should().Equal("status", "subject", "text", "end");
        bson["autoreply"]["end"].ToUniversalTime().Should().Be(When);

        var record = MongoMailStore.ToForwardedRecord(BsonSerializer.Deserialize<AddressDocument>(bson));
        record.Id.ToString().Should().Be("65a1f0c2e4b0a1b2c3d4e5f9");
        record.Targets.Should().Equal("mail:x@example.org", "smtp://relay.example:25", "https://hooks.example/in");
        record.Forwards.Should().Be(10);
        record.Name.Should().Be("Sales");
        record.Autoreply.Should().Be(new AutoreplySettings { Enabled = true, Subject = "Away", Text = "t", End = new DateTimeOffset(When) });
    }

    [Fact]
    public void A_user_address_document_carries_none_of_the_forwarded_fields()
    {
        var bson = new AddressDocument { Id = Address, User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f6"), Address = "a@example.com", AddressView = "a@example.com", Created = When }.ToBsonDocument();
        bson.Names.Should().Equal("_id", "user", "address", "addrview", "main", "created");
    }

    [Fact]
    public void WildDucks_own_forwarded_document_reads_with_defaults()
    {
        var document = BsonSerializer.Deserialize<AddressDocument>(Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f9'), address: 'x@example.com', addrview: 'x@example.com', targets: [ { id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f1'), type: 'mail', value: 'y@example.org' } ], autoreply: { status: false, start: false, end: false }, created: ISODate('2026-11-29T06:00:00Z') }"));
        document.User.Should().BeNull();
        var record = MongoMailStore.ToForwardedRecord(document);
        record.Targets.Should().Equal("mail:y@example.org");
        record.Forwards.Should().Be(0);
        record.ForwardedDisabled.Should().BeFalse();
        record.Autoreply.Should().Be(new AutoreplySettings());
    }

    [Fact]
    public void An_update_changes_only_the_given_fields()
    {
        var document = new AddressDocument { Id = Address, Address = "a@example.com", AddressView = "a@example.com", Name = "A", Forwards = 5, ForwardedDisabled = false, Created = When };
        MongoMailStore.ApplyForwardedUpdate(document, new ForwardedAddressUpdate { Name = string.Empty, ForwardedDisabled = true }, "B.b@example.com", null);
        document.Address.Should().Be("B.b@example.com");
        document.AddressView.Should().Be("bb@example.com");
        document.Name.Should().BeNull();
        document.Forwards.Should().Be(5);
        document.ForwardedDisabled.Should().BeTrue();
        document.Targets.Should().BeNull();
    }
}
