// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    private static readonly DateTimeOffset ForwardedEpoch = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private Task<ForwardedAddressRecord> CreateForwardedAsync(string address, params string[] targets) =>
        Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = address, Targets = targets });

    [SkippableFact]
    public async Task A_forwarded_address_round_trips_with_targets_limit_and_autoreply()
    {
        SkipIfUnavailable();
        var autoreply = new AutoreplySettings { Enabled = true, Name = "Sales", Subject = "Thanks", Text = "We will answer soon.", Html = "<p>Soon</p>", Start = ForwardedEpoch, End = ForwardedEpoch.AddDays(3) };
        var created = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest
        {
            Address = "Sales.Team@Example.COM",
            Name = "Sales",
            Targets = new[] { "one@example.org", "mail:two@example.org", "smtp://relay.example:2525", "https://hooks.example/mail" },
            Forwards = 50,
            Autoreply = autoreply,
            ForwardedDisabled = true,
        });

        created.Address.Should().Be("sales.team@example.com");
        created.AddressView.Should().Be("salesteam@example.com");
        created.Targets.Should().Equal("mail:one@example.org", "mail:two@example.org", "smtp://relay.example:2525", "https://hooks.example/mail");

        var read = await Users.GetForwardedAddressAsync(created.Id);
        read.Should().NotBeNull();
        read!.Address.Should().Be("sales.team@example.com");
        read.Name.Should().Be("Sales");
        read.Targets.Should().Equal(created.Targets);
        read.Forwards.Should().Be(50);
        read.ForwardedDisabled.Should().BeTrue();
        read.Autoreply.Should().Be(autoreply);
        (await Users.GetForwardedAddressAsync(EntityId.NewId())).Should().BeNull();
    }

    [SkippableFact]
    public async Task Forwarded_and_user_addresses_share_one_address_space()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice", "alice@example.com");

        await ShouldFailWithAsync(() => CreateForwardedAsync("A.lice+tag@example.com", "x@example.org"), StorageError.AlreadyExists);

        var forwarded = await CreateForwardedAsync("sales@example.com", "x@example.org");
        await ShouldFailWithAsync(() => CreateForwardedAsync("s.ales@example.com", "y@example.org"), StorageError.AlreadyExists);
        await ShouldFailWithAsync(() => Users.AddAddressAsync(user.Id, "sales@example.com"), StorageError.AlreadyExists);

        var other = await CreateForwardedAsync("other@example.com", "x@example.org");
        await ShouldFailWithAsync(() => Users.UpdateForwardedAddressAsync(other.Id, new ForwardedAddressUpdate { Address = "alice@example.com" }), StorageError.AlreadyExists);
        await ShouldFailWithAsync(() => Users.UpdateForwardedAddressAsync(other.Id, new ForwardedAddressUpdate { Address = "sales@example.com" }), StorageError.AlreadyExists);
        (await Users.GetForwardedAddressAsync(other.Id))!.Address.Should().Be("other@example.com", "a refused rename changes nothing");

        (await Users.DeleteForwardedAddressAsync(forwarded.Id)).Should().BeTrue();
        (await Users.AddAddressAsync(user.Id, "sales@example.com")).Address.Should().Be("sales@example.com", "the address is free again");
    }

    [SkippableFact]
    public async Task Forwarded_addresses_refuse_bad_addresses_targets_and_unasked_wildcards()
    {
        SkipIfUnavailable();
        await ShouldFailWithAsync(() => CreateForwardedAsync("not an address", "x@example.org"), StorageError.Invalid);
        await ShouldFailWithAsync(() => CreateForwardedAsync("ok@example.com", "ftp://nowhere"), StorageError.Invalid);
        await ShouldFailWithAsync(() => CreateForwardedAsync("*@catch.example", "x@example.org"), StorageError.Invalid);

        var wildcard = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "*@catch.example", AllowWildcard = true, Targets = new[] { "x@example.org" } });
        wildcard.AddressView.Should().Be("*@catch.example");
        await ShouldFailWithAsync(() => Users.UpdateForwardedAddressAsync(wildcard.Id, new ForwardedAddressUpdate { Targets = new[] { "nope" } }), StorageError.Invalid);
        await ShouldFailWithAsync(() => Users.UpdateForwardedAddressAsync(wildcard.Id, new ForwardedAddressUpdate { Address = "news*@catch.example" }), StorageError.Invalid);
    }

    [SkippableFact]
    public async Task Forwarded_addresses_update_partially_and_delete()
    {
        SkipIfUnavailable();
        var created = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest
        {
            Address = "info@example.com",
            Name = "Info",
            Targets = new[] { "x@example.org" },
            Autoreply = new AutoreplySettings { Enabled = true, Text = "hi" },
        });

        var renamed = await Users.UpdateForwardedAddressAsync(created.Id, new ForwardedAddressUpdate { Address = "Contact@Example.com" });
        renamed!.Id.Should().Be(created.Id);
        renamed.Address.Should().Be("contact@example.com");
        renamed.Targets.Should().Equal("mail:x@example.org");
        renamed.Name.Should().Be("Info");
        (await Users.ResolveRecipientAsync("info@example.com")).Should().BeNull("the old address is gone");
        (await Users.ResolveRecipientAsync("contact@example.com"))!.Forwarded!.Id.Should().Be(created.Id);

        var changed = await Users.UpdateForwardedAddressAsync(created.Id, new ForwardedAddressUpdate
        {
            Name = string.Empty,
            Targets = new[] { "http://hooks.example/in", "y@example.org" },
            Forwards = 7,
            ForwardedDisabled = true,
            Autoreply = new AutoreplySettings { Enabled = false, Subject = "Away" },
        });
        var read = await Users.GetForwardedAddressAsync(created.Id);
        read.Should().BeEquivalentTo(changed);
        read!.Name.Should().BeNull();
        read.Targets.Should().Equal("http://hooks.example/in", "mail:y@example.org");
        read.Forwards.Should().Be(7);
        read.ForwardedDisabled.Should().BeTrue();
        read.Autoreply.Should().Be(new AutoreplySettings { Enabled = false, Subject = "Away" });

        (await Users.UpdateForwardedAddressAsync(EntityId.NewId(), new ForwardedAddressUpdate { Forwards = 1 })).Should().BeNull();
        (await Users.DeleteForwardedAddressAsync(created.Id)).Should().BeTrue();
        (await Users.GetForwardedAddressAsync(created.Id)).Should().BeNull();
        (await Users.DeleteForwardedAddressAsync(created.Id)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Forwarded_addresses_list_in_address_order_with_cursor_and_query()
    {
        SkipIfUnavailable();
        await CreateUserAsync("alice", "alice@example.com");
        foreach (var name in new[] { "delta", "alpha", "charlie", "bravo" })
        {
            await CreateForwardedAsync(name + "@example.com", "x@example.org");
        }

        var first = await Users.ListForwardedAddressesAsync(2);
        first.Select(a => a.Address).Should().Equal("alpha@example.com", "bravo@example.com");
        var second = await Users.ListForwardedAddressesAsync(2, first[^1].AddressView);
        second.Select(a => a.Address).Should().Equal("charlie@example.com", "delta@example.com");
        (await Users.ListForwardedAddressesAsync(2, second[^1].AddressView)).Should().BeEmpty("user addresses are not listed");

        (await Users.ListForwardedAddressesAsync(10, query: "HARL")).Select(a => a.Address).Should().Equal("charlie@example.com");
        (await Users.ListForwardedAddressesAsync(10, query: ".*")).Should().BeEmpty("the query is a literal substring");
    }

    [SkippableFact]
    public async Task Resolution_tells_forwarded_addresses_from_user_addresses()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice", "alice@example.com");
        var sales = await CreateForwardedAsync("sales@example.com", "x@example.org");
        await Users.AddDomainAliasAsync(new DomainAlias("alias.example", "example.com"));
        var catchAll = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "*@catch.example", AllowWildcard = true, Targets = new[] { "y@example.org" } });
        var news = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "news*@catch.example", AllowWildcard = true, Targets = new[] { "z@example.org" } });

        var toUser = await Users.ResolveRecipientAsync("alice@example.com");
        toUser!.UserAddress!.User.Should().Be(user.Id);
        toUser.Forwarded.Should().BeNull();

        var toSales = await Users.ResolveRecipientAsync("S.ales+label@Example.com");
        toSales!.Forwarded!.Id.Should().Be(sales.Id);
        toSales.UserAddress.Should().BeNull();
        (await Users.ResolveRecipientAsync("sales@alias.example"))!.Forwarded!.Id.Should().Be(sales.Id, "domain aliases apply");
        (await Users.ResolveAddressAsync("sales@example.com")).Should().BeNull("a forwarded address has no owner");

        (await Users.ResolveRecipientAsync("anyone@catch.example")).Should().BeNull("wildcards are off by default");
        (await Users.ResolveRecipientAsync("anyone@catch.example", allowWildcard: true))!.Forwarded!.Id.Should().Be(catchAll.Id);
        (await Users.ResolveRecipientAsync("newsletter@catch.example", allowWildcard: true))!.Forwarded!.Id.Should().Be(news.Id, "the most specific wildcard wins");
    }

    [SkippableFact]
    public async Task A_forwarded_autoreply_answers_each_sender_once_per_interval()
    {
        SkipIfUnavailable();
        var created = await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest
        {
            Address = "away@example.com",
            Targets = new[] { "x@example.org" },
            Autoreply = new AutoreplySettings { Enabled = true, Text = "away" },
        });
        var interval = TimeSpan.FromHours(4);

        (await Users.TryRecordForwardedAutoreplyAsync(created.Id, "Bob@Example.org", ForwardedEpoch, interval)).Should().BeTrue();
        (await Users.TryRecordForwardedAutoreplyAsync(created.Id, "bob@example.org", ForwardedEpoch.AddHours(1), interval)).Should().BeFalse();
        (await Users.TryRecordForwardedAutoreplyAsync(created.Id, "carol@example.org", ForwardedEpoch.AddHours(1), interval)).Should().BeTrue();
        (await Users.TryRecordForwardedAutoreplyAsync(created.Id, "bob@example.org", ForwardedEpoch.AddHours(5), interval)).Should().BeTrue("the interval has passed");

        await Users.UpdateForwardedAddressAsync(created.Id, new ForwardedAddressUpdate { Autoreply = new AutoreplySettings { Enabled = true, Text = "new" } });
        (await Users.TryRecordForwardedAutoreplyAsync(created.Id, "bob@example.org", ForwardedEpoch.AddHours(5), interval)).Should().BeTrue("new settings restart the log");

        (await Users.TryRecordForwardedAutoreplyAsync(EntityId.NewId(), "bob@example.org", ForwardedEpoch, interval)).Should().BeFalse("no such address");
    }
}
