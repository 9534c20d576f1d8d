// SPDX-License-Identifier: MIT
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// Address administration without a server: the global list, the address update and the domain
/// rename as rendered BSON, and the identity name in WildDuck's document shape.
/// </summary>
public sealed class AddressAdminDefinitionTests
{
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f6");
    private static readonly ObjectId Address = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f9");

    [Fact]
    public void The_global_list_keeps_user_addresses_after_a_view_and_matches_the_display_form_literally()
    {
        Filter(MongoMailStore.UserAddressesPage(null, null)).ShouldBe(Json("{ user: { $ne: null } }"));
        Filter(MongoMailStore.UserAddressesPage("bravo@example.com", AddressAdminRules.QueryNeedle(" A.B*+ "))).ShouldBe(Json(
            "{ user: { $ne: null }, addrview: { $gt: 'bravo@example.com' }, address: /a\\.b\\*\\+/ }"));
    }

    [Fact]
    public void A_domain_is_matched_at_the_end_of_the_address_view_with_its_dots_escaped()
    {
        Filter(MongoMailStore.AddressesAtDomain("old.example")).ShouldBe(Json("{ addrview: /\\@old\\.example$/ }"));
    }

    [Fact]
    public void Moving_an_address_repeats_its_old_view_and_sets_both_forms()
    {
        Filter(MongoMailStore.AddressByIdAndView(Address, "bob@old.example")).ShouldBe(Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f9'), addrview: 'bob@old.example' }"));
        Update(MongoMailStore.MoveAddress("b.ob+tag@new.example")).ShouldBe(Json(
            "{ $set: { address: 'b.ob+tag@new.example', addrview: 'bob@new.example' } }"));
        Filter(MongoMailStore.UserWithAddress(User, "bob@old.example")).ShouldBe(Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), address: 'bob@old.example' }"));
    }

    [Fact]
    public void An_address_update_sets_or_unsets_only_the_given_fields()
    {
        MongoMailStore.AddressChanges(null, null, makeMain: false).Should().BeNull();
        Update(MongoMailStore.AddressChanges(null, new MongoMailStore.Optional("Work"), makeMain: false)!).ShouldBe(Json("{ $set: { name: 'Work' } }"));
        Update(MongoMailStore.AddressChanges(null, new MongoMailStore.Optional(null), makeMain: false)!).ShouldBe(Json("{ $unset: { name: 1 } }"));
        Update(MongoMailStore.AddressChanges("work@example.org", null, makeMain: true)!).ShouldBe(Json(
            "{ $set: { address: 'work@example.org', addrview: 'work@example.org', main: true } }"));
    }

    [Fact]
    public void The_identity_name_is_wildducks_name_field_and_absent_when_unset()
    {
        var document = new AddressDocument { Id = Address, User = User, Address = "work@example.org", AddressView = "work@example.org", Name = "Alice Work" };
        var bson = document.ToBsonDocument();
        bson["name"].AsString.Should().Be("Alice Work");
        MongoMailStore.ToAddressRecord(BsonSerializer.Deserialize<AddressDocument>(bson)).Name.Should().Be("Alice Work");

        var unnamed = document.ToBsonDocument();
        unnamed.Remove("name");
        MongoMailStore.ToAddressRecord(BsonSerializer.Deserialize<AddressDocument>(unnamed)).Name.Should().BeNull();
        new AddressDocument { Address = "a@example.org", AddressView = "a@example.org" }.ToBsonDocument().Names.Should().NotContain("name");
        MongoMailStore.NewAddressDocument(User, "Work@example.org", main: false, DateTime.UnixEpoch, "Work").Name.Should().Be("Work");
        MongoMailStore.NewAddressDocument(User, "work@example.org", main: true, DateTime.UnixEpoch).ToBsonDocument().Names.Should().NotContain("name");
    }
}
