// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

/// <summary>Address administration across users: the global list, updating an address, renaming a domain.</summary>
public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task All_addresses_are_listed_by_address_view_in_keyset_pages_with_a_literal_query()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice", "alice@example.com");
        var bob = await CreateUserAsync("bob", "bob@example.org");
        await Users.AddAddressAsync(alice.Id, "a.lias@example.org");
        await Users.AddAddressAsync(bob.Id, "*@catch.example");
        await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "forward@example.org", Targets = ["mail:x@example.net"] });

        // Forwarded addresses belong to no user and are not listed here.
        var all = await Users.ListAllAddressesAsync(10);
        all.Select(a => a.AddressView).Should().Equal("*@catch.example", "alias@example.org", "alice@example.com", "bob@example.org");
        all.Single(a => a.AddressView == "bob@example.org").Should().Match<AddressRecord>(a => a.User == bob.Id && a.Main);

        var first = await Users.ListAllAddressesAsync(2);
        first.Select(a => a.AddressView).Should().Equal("*@catch.example", "alias@example.org");
        (await Users.ListAllAddressesAsync(2, first[^1].AddressView)).Select(a => a.AddressView).Should().Equal("alice@example.com", "bob@example.org");
        (await Users.ListAllAddressesAsync(2, "bob@example.org")).Should().BeEmpty();

        // The query is a literal, case-insensitive substring of the address as displayed.
        (await Users.ListAllAddressesAsync(10, query: " EXAMPLE.ORG ")).Select(a => a.Address).Should().Equal("a.lias@example.org", "bob@example.org");
        (await Users.ListAllAddressesAsync(10, query: "a.l")).Select(a => a.Address).Should().Equal("a.lias@example.org");
        (await Users.ListAllAddressesAsync(10, query: "*")).Select(a => a.Address).Should().Equal("*@catch.example");
        (await Users.ListAllAddressesAsync(10, query: "x.m")).Should().BeEmpty("a dot is not a pattern wildcard (it would match \"exam\")");
        (await Users.ListAllAddressesAsync(10, "alias@example.org", "example")).Select(a => a.AddressView).Should().Equal("alice@example.com", "bob@example.org");
    }

    [SkippableFact]
    public async Task Updating_an_address_renames_it_sets_its_name_and_moves_the_main_flag()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice", "alice@example.com");
        var alias = await Users.AddAddressAsync(user.Id, "alias@example.com", name: " Alias ");
        alias.Name.Should().Be("Alias");
        (await Users.ListAddressesAsync(user.Id)).Single(a => a.Id == alias.Id).Name.Should().Be("Alias");
        (await Users.AddAddressAsync(user.Id, "blank@example.com", name: "  ")).Name.Should().BeNull();

        var named = await Users.UpdateAddressAsync(user.Id, alias.Id, new AddressUpdate { Name = "  Alice Work " });
        named!.Name.Should().Be("Alice Work");
        named.Main.Should().BeFalse();

        var renamed = await Users.UpdateAddressAsync(user.Id, alias.Id, new AddressUpdate { Address = "Work.Alice@Example.ORG" });
        renamed!.Address.Should().Be("work.alice@example.org");
        renamed.AddressView.Should().Be("workalice@example.org");
        renamed.Name.Should().Be("Alice Work", "fields not in the update stay");
        (await Users.ResolveAddressAsync("alias@example.com")).Should().BeNull();
        (await Users.ResolveAddressAsync("workalice@example.org"))!.Id.Should().Be(alias.Id);

        var main = await Users.UpdateAddressAsync(user.Id, alias.Id, new AddressUpdate { MakeMain = true });
        main!.Main.Should().BeTrue();
        (await Users.ListAddressesAsync(user.Id)).Where(a => a.Main).Select(a => a.Id).Should().Equal(alias.Id);
        (await ReloadAsync(user)).Address.Should().Be("work.alice@example.org");

        // Renaming the main address keeps users.address in step; "" removes the name.
        var moved = await Users.UpdateAddressAsync(user.Id, alias.Id, new AddressUpdate { Address = "work@example.org", Name = "" });
        moved!.Name.Should().BeNull();
        (await ReloadAsync(user)).Address.Should().Be("work@example.org");
        (await Users.FindUserAsync("work@example.org"))!.Id.Should().Be(user.Id);
        (await Users.ListAddressesAsync(user.Id)).Select(a => (a.Address, a.Main, a.Name)).Should().BeEquivalentTo(new[] { ("alice@example.com", false, (string?)null), ("blank@example.com", false, null), ("work@example.org", true, null) });
    }

    [SkippableFact]
    public async Task An_address_update_is_refused_for_taken_invalid_and_catch_all_main_addresses()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice", "alice@example.com");
        var bob = await CreateUserAsync("bob", "bob@example.com");
        var alias = await Users.AddAddressAsync(alice.Id, "alias@example.com");
        var catchAll = await Users.AddAddressAsync(alice.Id, "*@catch.example");
        var aliceMain = (await Users.ListAddressesAsync(alice.Id)).Single(a => a.Main);

        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, alias.Id, new AddressUpdate { Address = "B.ob+x@example.com" }), StorageError.AlreadyExists);
        await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "forward@example.com", Targets = ["mail:x@example.net"] });
        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, alias.Id, new AddressUpdate { Address = "for.ward@example.com" }), StorageError.AlreadyExists);
        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, alias.Id, new AddressUpdate { Address = "not an address" }), StorageError.Invalid);
        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, catchAll.Id, new AddressUpdate { MakeMain = true }), StorageError.Invalid);
        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, aliceMain.Id, new AddressUpdate { Address = "*@example.com" }), StorageError.Invalid);
        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, alias.Id, new AddressUpdate { Address = "ali*@example.com", MakeMain = true }), StorageError.Invalid);

        // A failed update changes nothing, not even its other fields.
        await ShouldFailWithAsync(() => Users.UpdateAddressAsync(alice.Id, alias.Id, new AddressUpdate { Address = "bob@example.com", Name = "Lost", MakeMain = true }), StorageError.AlreadyExists);
        (await Users.ListAddressesAsync(alice.Id)).Should().BeEquivalentTo(new[] { aliceMain, alias, catchAll }, SameInstant);
        (await ReloadAsync(alice)).Address.Should().Be("alice@example.com");

        // A catch-all that is not main may be renamed to another catch-all; another user's address is not found.
        (await Users.UpdateAddressAsync(alice.Id, catchAll.Id, new AddressUpdate { Address = "news*@catch.example" }))!.AddressView.Should().Be("news*@catch.example");
        (await Users.UpdateAddressAsync(bob.Id, alias.Id, new AddressUpdate { Name = "Stolen" })).Should().BeNull();
        (await Users.UpdateAddressAsync(alice.Id, EntityId.NewId(), new AddressUpdate { Name = "Nobody" })).Should().BeNull();
        (await Users.ListAddressesAsync(alice.Id)).Single(a => a.Id == alias.Id).Name.Should().BeNull();
    }

    [SkippableFact]
    public async Task Renaming_a_domain_moves_every_address_there_and_reports_the_taken_ones()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice", "alice@old.example");
        var bob = await CreateUserAsync("bob", "bob@other.example");
        var carol = await CreateUserAsync("carol", "carol@new.example");
        await Users.AddAddressAsync(bob.Id, "B.Ob+tag@old.example");
        await Users.AddAddressAsync(bob.Id, "*@old.example");
        await Users.AddAddressAsync(carol.Id, "carol@old.example");
        await Users.AddAddressAsync(alice.Id, "alice@sub.old.example");
        await Users.AddAddressAsync(alice.Id, "alice@gold.example");
        var forwarded = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "sales@old.example", Targets = ["mail:x@example.net"] });
        await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "alice@other.example", Targets = ["mail:x@example.net"] });
        await Users.AddAddressAsync(bob.Id, "dup@old.example");
        await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "dup@new.example", Targets = ["mail:x@example.net"] });

        var result = await Users.RenameAddressDomainAsync(" OLD.example ", "New.Example");

        result.Renamed.Should().Be(4, "alice, b.ob+tag and * of the users, sales of the forwarded addresses");
        result.MainAddresses.Should().Be(1);
        result.Conflicts.Should().Equal("carol@old.example", "dup@old.example");
        (await Users.GetForwardedAddressAsync(forwarded.Id))!.Address.Should().Be("sales@new.example");
        (await Users.ResolveRecipientAsync("sales@new.example"))!.Forwarded!.Id.Should().Be(forwarded.Id);
        (await Users.ListAddressesAsync(alice.Id)).Select(a => a.Address).Should().BeEquivalentTo("alice@new.example", "alice@sub.old.example", "alice@gold.example");
        (await ReloadAsync(alice)).Address.Should().Be("alice@new.example");
        (await Users.ListAddressesAsync(bob.Id)).Select(a => a.Address).Should().BeEquivalentTo("bob@other.example", "b.ob+tag@new.example", "*@new.example", "dup@old.example");
        (await Users.ResolveAddressAsync("bob@new.example"))!.User.Should().Be(bob.Id);
        (await Users.ResolveAddressAsync("anyone@new.example", allowWildcard: true))!.User.Should().Be(bob.Id);
        (await Users.ResolveAddressAsync("carol@old.example"))!.User.Should().Be(carol.Id);
        (await ReloadAsync(carol)).Address.Should().Be("carol@new.example");

        (await Users.RenameAddressDomainAsync("nothing.example", "new.example")).Should().BeEquivalentTo(new DomainRenameResult(0, 0, Array.Empty<string>()));
        await ShouldFailWithAsync(() => Users.RenameAddressDomainAsync("old.example", "not a domain"), StorageError.Invalid);
        await ShouldFailWithAsync(() => Users.RenameAddressDomainAsync("", "new.example"), StorageError.Invalid);
    }
}
