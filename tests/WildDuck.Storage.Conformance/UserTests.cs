// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Creating_a_user_creates_the_five_default_mailboxes_subscribed_with_special_uses()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        var mailboxes = await Mailboxes.ListMailboxesAsync(user.Id);

        mailboxes.Select(m => (m.Path, m.SpecialUse)).Should().BeEquivalentTo(new[]
        {
            ("INBOX", SpecialUse.None),
            ("Drafts", SpecialUse.Drafts),
            ("Sent Mail", SpecialUse.Sent),
            ("Junk", SpecialUse.Junk),
            ("Trash", SpecialUse.Trash),
        });
        mailboxes.Should().OnlyContain(m => m.Subscribed && m.User == user.Id && m.MessageCount == 0 && m.UidNext == 1);
        (await Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!.Path.Should().Be("Trash");
        (await Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Sent))!.Path.Should().Be("Sent Mail");
    }

    [SkippableFact]
    public async Task Creating_a_user_returns_a_record_with_its_identity_and_main_address()
    {
        SkipIfUnavailable();
        var user = await Users.CreateUserAsync(new CreateUserRequest { Username = "first.last", Address = "First.Last@Example.com", Name = "First Last" });

        user.Id.Value.IsEmpty.Should().BeFalse();
        user.Username.Should().Be("first.last");
        user.UsernameView.Should().Be("firstlast");
        user.Name.Should().Be("First Last");
        user.StorageUsed.Should().Be(0);
        (await Users.GetUserAsync(user.Id)).Should().BeEquivalentTo(user, SameInstant);
        var addresses = await Users.ListAddressesAsync(user.Id);
        addresses.Should().ContainSingle(a => a.Main).Which.AddressView.Should().Be("firstlast@example.com");
    }

    [SkippableFact]
    public async Task A_username_that_differs_only_by_dots_is_already_taken()
    {
        SkipIfUnavailable();
        await CreateUserAsync("alice", "alice@example.com");

        await ShouldFailWithAsync(() => CreateUserAsync("a.li.ce", "someone-else@example.org"), StorageError.AlreadyExists);
        (await Users.ListUsersAsync(10)).Should().ContainSingle();
    }

    [SkippableFact]
    public async Task A_main_address_owned_by_another_user_is_already_taken()
    {
        SkipIfUnavailable();
        await CreateUserAsync("alice", "shared@example.com");

        await ShouldFailWithAsync(() => CreateUserAsync("bob", "shared@example.com"), StorageError.AlreadyExists);
        (await Users.FindUserAsync("bob")).Should().BeNull("a refused creation leaves nothing behind");
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("double..dot")]
    [InlineData("bang!")]
    [InlineData("semi;colon")]
    public async Task An_invalid_username_is_refused(string username)
    {
        SkipIfUnavailable();
        await ShouldFailWithAsync(() => Users.CreateUserAsync(new CreateUserRequest { Username = username, Address = "valid@example.com" }), StorageError.Invalid);
        (await Users.ListUsersAsync(10)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_username_longer_than_128_characters_is_refused()
    {
        SkipIfUnavailable();
        await ShouldFailWithAsync(() => Users.CreateUserAsync(new CreateUserRequest { Username = new string('a', 129), Address = "valid@example.com" }), StorageError.Invalid);
    }

    [SkippableFact]
    public async Task FindUser_matches_a_username_ignoring_dots_and_case()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("firstlast", "firstlast@example.com");
        await CreateUserAsync("other", "other@example.com");

        (await Users.FindUserAsync("firstlast"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("first.last"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("FirstLast"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("nobody")).Should().BeNull();
    }

    [SkippableFact]
    public async Task FindUser_matches_an_address_ignoring_dots_labels_and_case()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("someone", "firstlast@example.com");

        (await Users.FindUserAsync("firstlast@example.com"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("first.last+tag@example.com"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("First.Last+news@Example.COM"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("firstlast@example.org")).Should().BeNull();
    }

    [SkippableFact]
    public async Task FindUser_matches_a_unicode_address_after_normalisation()
    {
        SkipIfUnavailable();
        // The username grammar (reference §6.2) is ASCII; unicode enters through addresses, whose
        // local part is NFC-normalised and lowercased and whose domain is kept in unicode.
        var user = await CreateUserAsync("juergen", "jürgen@exämple.org");

        (await Users.FindUserAsync("jürgen@exämple.org"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("JÜRGEN@EXÄMPLE.ORG"))!.Id.Should().Be(user.Id);
        // NFD input (u + combining diaeresis) is the same address after NFC normalisation.
        (await Users.FindUserAsync("ju\u0308rgen@exämple.org"))!.Id.Should().Be(user.Id);
        (await Users.FindUserAsync("jurgen@example.org")).Should().BeNull();
    }

    [SkippableFact]
    public async Task ListUsers_pages_in_username_order()
    {
        SkipIfUnavailable();
        foreach (var name in new[] { "delta", "alpha", "echo", "charlie", "bravo" })
        {
            await CreateUserAsync(name);
        }

        var first = await Users.ListUsersAsync(2);
        first.Select(u => u.Username).Should().Equal("alpha", "bravo");
        var second = await Users.ListUsersAsync(2, first[^1].Username);
        second.Select(u => u.Username).Should().Equal("charlie", "delta");
        var third = await Users.ListUsersAsync(2, second[^1].Username);
        third.Select(u => u.Username).Should().Equal("echo");
        (await Users.ListUsersAsync(2, "echo")).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task UpdateUser_changes_only_the_given_fields()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        var updated = await Users.UpdateUserAsync(user.Id, new UserUpdate { Name = "Alice Renamed", Quota = 123_456, SpamLevel = 80 });

        updated.Should().NotBeNull();
        updated!.Name.Should().Be("Alice Renamed");
        updated.Quota.Should().Be(123_456);
        updated.SpamLevel.Should().Be(80);
        updated.Username.Should().Be(user.Username);
        updated.Address.Should().Be(user.Address);
        updated.Disabled.Should().Be(user.Disabled);
        (await Users.GetUserAsync(user.Id)).Should().BeEquivalentTo(updated, SameInstant);
    }

    [SkippableFact]
    public async Task UpdateUser_with_a_new_password_hash_bumps_the_auth_version()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        var updated = await Users.UpdateUserAsync(user.Id, new UserUpdate { PasswordHash = "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234" });

        updated!.AuthVersion.Should().BeGreaterThan(user.AuthVersion);
        updated.PasswordHash.Should().Be("$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234");
    }

    [SkippableFact]
    public async Task UpdateUser_of_an_unknown_user_returns_null()
    {
        SkipIfUnavailable();
        (await Users.UpdateUserAsync(UserId.NewId(), new UserUpdate { Name = "x" })).Should().BeNull();
    }

    [SkippableFact]
    public async Task DeleteUser_removes_the_user_and_everything_it_owns()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync("alice");
        var bob = await CreateUserAsync("bob");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await AppendAsync(user, inbox, WithAttachment(1).ToBytes());
        await AppendAsync(user, work, WithAttachment(2, seed: 7).ToBytes());
        await Users.AddAddressAsync(user.Id, "alias@example.com");
        await Backend.Filters.SaveFilterAsync(NewFilter(user.Id, "f"));

        (await Users.DeleteUserAsync(user.Id)).Should().BeTrue();

        (await Users.GetUserAsync(user.Id)).Should().BeNull();
        (await Users.FindUserAsync("alice")).Should().BeNull();
        (await Users.ResolveAddressAsync("alice@example.com")).Should().BeNull();
        (await Users.ResolveAddressAsync("alias@example.com")).Should().BeNull();
        (await Mailboxes.ListMailboxesAsync(user.Id)).Should().BeEmpty();
        (await Mailboxes.GetMailboxAsync(user.Id, inbox.Id)).Should().BeNull();
        (await Messages.GetMessageAsync(user.Id, inbox.Id, 1)).Should().BeNull();
        (await Backend.Filters.ListFiltersAsync(user.Id)).Should().BeEmpty();
        (await Users.GetUserAsync(bob.Id)).Should().NotBeNull("other users are untouched");
        var stats = await Backend.Attachments.GetStatisticsAsync();
        stats.ReferencedBytes.Should().Be(0, "deleting the user releases its attachment references");
        await ShouldBeConsistentAsync(Backend);
        (await Users.DeleteUserAsync(user.Id)).Should().BeFalse("the user is already gone");
    }

    [SkippableFact]
    public async Task A_deleted_users_username_and_address_can_be_reused()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        await Users.DeleteUserAsync(user.Id);

        var again = await CreateUserAsync("alice");

        again.Id.Should().NotBe(user.Id);
        (await Users.FindUserAsync("alice@example.com"))!.Id.Should().Be(again.Id);
    }

    [SkippableFact]
    public async Task Addresses_can_be_added_listed_resolved_and_deleted()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice", "alice@example.com");

        var alias = await Users.AddAddressAsync(user.Id, "Alice.Smith@Example.org");
        var addresses = await Users.ListAddressesAsync(user.Id);

        addresses.Select(a => a.AddressView).Should().BeEquivalentTo("alice@example.com", "alicesmith@example.org");
        addresses.Single(a => a.AddressView == "alice@example.com").Main.Should().BeTrue();
        alias.Main.Should().BeFalse();
        alias.User.Should().Be(user.Id);
        (await Users.ResolveAddressAsync("alice.smith+label@example.org"))!.User.Should().Be(user.Id);
        (await Users.FindUserAsync("alicesmith@example.org"))!.Id.Should().Be(user.Id);

        (await Users.DeleteAddressAsync(user.Id, alias.Id)).Should().BeTrue();
        (await Users.ResolveAddressAsync("alicesmith@example.org")).Should().BeNull();
        (await Users.ListAddressesAsync(user.Id)).Should().ContainSingle();
        (await Users.DeleteAddressAsync(user.Id, alias.Id)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task An_address_taken_by_anyone_cannot_be_added_again_even_with_dots_or_case()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice", "alice@example.com");
        var bob = await CreateUserAsync("bob", "bob@example.com");

        await ShouldFailWithAsync(() => Users.AddAddressAsync(bob.Id, "alice@example.com"), StorageError.AlreadyExists);
        await ShouldFailWithAsync(() => Users.AddAddressAsync(bob.Id, "A.Lice@Example.com"), StorageError.AlreadyExists);
        await ShouldFailWithAsync(() => Users.AddAddressAsync(alice.Id, "alice@example.com"), StorageError.AlreadyExists);
        (await Users.ResolveAddressAsync("alice@example.com"))!.User.Should().Be(alice.Id);
    }

    [SkippableFact]
    public async Task The_main_address_cannot_be_deleted()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var main = (await Users.ListAddressesAsync(user.Id)).Single(a => a.Main);

        await ShouldFailWithAsync(() => Users.DeleteAddressAsync(user.Id, main.Id), StorageError.Cannot);
        (await Users.ResolveAddressAsync("alice@example.com")).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task ResolveAddress_follows_domain_aliases_until_the_alias_is_removed()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice", "alice@example.com");
        (await Users.ResolveAddressAsync("alice@alias.example")).Should().BeNull();

        await Users.AddDomainAliasAsync(new DomainAlias("alias.example", "example.com"));

        (await Users.ResolveAddressAsync("alice@alias.example"))!.User.Should().Be(user.Id);
        (await Users.ResolveAddressAsync("A.Lice+x@Alias.Example"))!.User.Should().Be(user.Id);
        (await Users.ResolveAddressAsync("nobody@alias.example")).Should().BeNull();

        (await Users.DeleteDomainAliasAsync("alias.example")).Should().BeTrue();
        (await Users.ResolveAddressAsync("alice@alias.example")).Should().BeNull();
        (await Users.DeleteDomainAliasAsync("alias.example")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Encryption_settings_are_created_updated_and_cleared()
    {
        SkipIfUnavailable();
        const string Key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF...\n-----END PGP PUBLIC KEY BLOCK-----\n";
        var plain = await CreateUserAsync("plain");
        plain.PublicKey.Should().BeNull();
        plain.EncryptMessages.Should().BeFalse();
        plain.EncryptForwarded.Should().BeFalse();

        var created = await Users.CreateUserAsync(new CreateUserRequest { Username = "secret", Password = "pw", PublicKey = Key, EncryptMessages = true, EncryptForwarded = true });
        var read = (await Users.GetUserAsync(created.Id))!;
        read.PublicKey.Should().Be(Key);
        read.EncryptMessages.Should().BeTrue();
        read.EncryptForwarded.Should().BeTrue();

        var updated = (await Users.UpdateUserAsync(created.Id, new UserUpdate { EncryptMessages = false }))!;
        updated.EncryptMessages.Should().BeFalse();
        updated.PublicKey.Should().Be(Key, "fields not named in the update stay");
        updated.EncryptForwarded.Should().BeTrue();

        updated = (await Users.UpdateUserAsync(created.Id, new UserUpdate { PublicKey = string.Empty, EncryptForwarded = false }))!;
        updated.PublicKey.Should().BeNull();
        updated.EncryptForwarded.Should().BeFalse();
        (await Users.GetUserAsync(created.Id))!.PublicKey.Should().BeNull();

        (await Users.UpdateUserAsync(plain.Id, new UserUpdate { PublicKey = Key, EncryptMessages = true }))!.PublicKey.Should().Be(Key);
        (await Users.GetUserAsync(plain.Id))!.EncryptMessages.Should().BeTrue();
    }

    [SkippableFact]
    public async Task The_from_whitelist_is_created_replaced_and_cleared()
    {
        SkipIfUnavailable();
        (await CreateUserAsync("plain")).FromWhitelist.Should().BeEmpty();
        var created = await Users.CreateUserAsync(new CreateUserRequest { Username = "sender", Password = "pw", FromWhitelist = new[] { "*@partner.example", "boss@example.com" } });
        created.FromWhitelist.Should().Equal("*@partner.example", "boss@example.com");
        (await Users.GetUserAsync(created.Id))!.FromWhitelist.Should().Equal("*@partner.example", "boss@example.com");
        (await Users.FindUserAsync("sender"))!.FromWhitelist.Should().Equal("*@partner.example", "boss@example.com");

        (await Users.UpdateUserAsync(created.Id, new UserUpdate { Name = "S" }))!.FromWhitelist.Should().HaveCount(2, "fields not named in the update stay");
        (await Users.UpdateUserAsync(created.Id, new UserUpdate { FromWhitelist = new[] { "alerts-*" } }))!.FromWhitelist.Should().Equal("alerts-*");
        (await Users.UpdateUserAsync(created.Id, new UserUpdate { FromWhitelist = Array.Empty<string>() }))!.FromWhitelist.Should().BeEmpty();
        (await Users.GetUserAsync(created.Id))!.FromWhitelist.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task The_daily_recipient_limit_is_created_updated_and_kept()
    {
        SkipIfUnavailable();
        (await CreateUserAsync("plain")).Recipients.Should().Be(0, "0 means the configured default");
        var created = await Users.CreateUserAsync(new CreateUserRequest { Username = "sender", Password = "pw", Recipients = 300 });
        created.Recipients.Should().Be(300);
        (await Users.GetUserAsync(created.Id))!.Recipients.Should().Be(300);
        (await Users.FindUserAsync("sender"))!.Recipients.Should().Be(300);

        (await Users.UpdateUserAsync(created.Id, new UserUpdate { Name = "S" }))!.Recipients.Should().Be(300, "fields not named in the update stay");
        (await Users.UpdateUserAsync(created.Id, new UserUpdate { Recipients = 25 }))!.Recipients.Should().Be(25);
        (await Users.UpdateUserAsync(created.Id, new UserUpdate { Recipients = 0 }))!.Recipients.Should().Be(0);
        (await Users.GetUserAsync(created.Id))!.Recipients.Should().Be(0);
    }
}
