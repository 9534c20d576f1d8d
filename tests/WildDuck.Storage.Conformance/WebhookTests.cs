// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    private IWebhookStore Webhooks
    {
        get
        {
            Skip.If(Backend.Webhooks is null, "The backend has no webhook store.");
            return Backend.Webhooks!;
        }
    }

    private RecordedEvents Events
    {
        get
        {
            Skip.If(Backend.Events is null, "The backend was not built with an event recorder.");
            return Backend.Events!;
        }
    }

    private static WebhookRecord Webhook(UserId? user, string url, params string[] types) =>
        new() { Id = EntityId.Empty, Types = types, User = user, Url = url };

    [SkippableFact]
    public async Task Webhooks_are_saved_listed_found_for_their_user_and_deleted()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var global = await webhooks.CreateWebhookAsync(Webhook(null, "https://hooks.example/all", "*"));
        var ofAlice = await webhooks.CreateWebhookAsync(Webhook(alice.Id, "http://127.0.0.1:9/alice", "mailbox.*", "user.created"));
        await webhooks.CreateWebhookAsync(Webhook(bob.Id, "https://hooks.example/bob", "marked.spam"));

        global.Id.IsEmpty.Should().BeFalse("the store assigns an id");
        ofAlice.Created.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));

        var all = await webhooks.ListWebhooksAsync(10);
        all.Should().HaveCount(3);
        all.Select(w => w.Id.ToString()).Should().BeInAscendingOrder(StringComparer.Ordinal);
        (await webhooks.ListWebhooksAsync(10, user: alice.Id)).Should().ContainSingle().Which.Should().BeEquivalentTo(ofAlice, o => o.Excluding(w => w.Created));
        (await webhooks.ListWebhooksAsync(1)).Should().ContainSingle().Which.Id.Should().Be(all[0].Id);
        (await webhooks.ListWebhooksAsync(10, afterId: all[0].Id)).Select(w => w.Id).Should().Equal(all[1].Id, all[2].Id);

        var forAlice = await webhooks.FindWebhooksAsync(alice.Id);
        forAlice.Select(w => w.Url).Should().BeEquivalentTo(new[] { "https://hooks.example/all", "http://127.0.0.1:9/alice" });
        forAlice.Single(w => w.User == alice.Id).Types.Should().Equal("mailbox.*", "user.created");
        (await webhooks.FindWebhooksAsync(null)).Should().ContainSingle().Which.Id.Should().Be(global.Id);

        (await webhooks.DeleteWebhookAsync(ofAlice.Id)).Should().BeTrue();
        (await webhooks.DeleteWebhookAsync(ofAlice.Id)).Should().BeFalse();
        (await webhooks.FindWebhooksAsync(alice.Id)).Should().ContainSingle().Which.Id.Should().Be(global.Id);
    }

    [SkippableFact]
    public async Task A_webhook_needs_a_valid_pattern_url_and_user_and_goes_with_its_user()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var alice = await CreateUserAsync("alice");
        await ShouldFailWithAsync(() => webhooks.CreateWebhookAsync(Webhook(null, "https://hooks.example/")), StorageError.Invalid);
        await ShouldFailWithAsync(() => webhooks.CreateWebhookAsync(Webhook(null, "https://hooks.example/", "User.Created")), StorageError.Invalid);
        await ShouldFailWithAsync(() => webhooks.CreateWebhookAsync(Webhook(null, "ftp://hooks.example/", "*")), StorageError.Invalid);
        await ShouldFailWithAsync(() => webhooks.CreateWebhookAsync(Webhook(UserId.NewId(), "https://hooks.example/", "*")), StorageError.NotFound);

        await webhooks.CreateWebhookAsync(Webhook(alice.Id, "https://hooks.example/", "*"));
        (await Users.DeleteUserAsync(alice.Id)).Should().BeTrue();
        (await webhooks.ListWebhooksAsync(10)).Should().BeEmpty("a user's webhooks are deleted with the user");
    }

    [SkippableFact]
    public async Task The_number_of_webhooks_is_limited()
    {
        SkipIfUnavailable();
        Skip.If(Backend.Webhooks is null, "The backend has no webhook store.");
        await using var limited = await CreateBackendWithAsync(o => o.Users.MaxWebhooks = 2);
        await limited.Webhooks!.CreateWebhookAsync(Webhook(null, "https://a.example/", "*"));
        await limited.Webhooks.CreateWebhookAsync(Webhook(null, "https://b.example/", "*"));
        await ShouldFailWithAsync(() => limited.Webhooks.CreateWebhookAsync(Webhook(null, "https://c.example/", "*")), StorageError.Limit);
    }

    [SkippableFact]
    public async Task Moving_or_copying_into_junk_publishes_marked_spam_and_out_of_junk_marked_ham()
    {
        SkipIfUnavailable();
        var events = Events;
        var (user, inbox) = await UserWithInboxAsync();
        var junk = (await Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);

        var moved = await Messages.MoveAsync(user.Id, inbox.Id, Uids(1), junk.Id);
        var spam = events.Of(user.Id, WildDuckEventTypes.MarkedSpam).Should().ContainSingle().Subject;
        spam.Data["mailbox"].Should().Be(junk.Id.ToString());
        spam.Data["sourceMailbox"].Should().Be(inbox.Id.ToString());
        spam.Data["uids"].Should().Be(moved.TargetUids[0].ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Messages.CopyAsync(user.Id, inbox.Id, Uids(2), junk.Id);
        events.Of(user.Id, WildDuckEventTypes.MarkedSpam).Should().HaveCount(2, "COPY into Junk (then EXPUNGE) is a junk move too");

        await Messages.MoveAsync(user.Id, junk.Id, Uids(moved.TargetUids[0]), work.Id);
        events.Of(user.Id, WildDuckEventTypes.MarkedHam).Should().ContainSingle().Which.Data["mailbox"].Should().Be(work.Id.ToString());

        await Messages.MoveAsync(user.Id, inbox.Id, Uids(2), work.Id);
        await Messages.MoveAsync(user.Id, inbox.Id, Uids(99), junk.Id);
        events.Of(user.Id, WildDuckEventTypes.MarkedSpam).Should().HaveCount(2, "neither a move between ordinary mailboxes nor an empty move is a junk move");
        events.Of(user.Id, WildDuckEventTypes.MarkedHam).Should().HaveCount(1);
    }

    [SkippableFact]
    public async Task Mailbox_changes_publish_mailbox_events()
    {
        SkipIfUnavailable();
        var events = Events;
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await Mailboxes.RenameMailboxAsync(user.Id, work.Id, "Projects");
        await Mailboxes.DeleteMailboxAsync(user.Id, work.Id);

        events.Of(user.Id, WildDuckEventTypes.MailboxCreated).Should().ContainSingle().Which.Data["path"].Should().Be("Work");
        var renamed = events.Of(user.Id, WildDuckEventTypes.MailboxRenamed).Should().ContainSingle().Subject;
        renamed.Data["previous"].Should().Be("Work");
        renamed.Data["path"].Should().Be("Projects");
        var deleted = events.Of(user.Id, WildDuckEventTypes.MailboxDeleted).Should().ContainSingle().Subject;
        deleted.Data["mailbox"].Should().Be(work.Id.ToString());
        deleted.Data["path"].Should().Be("Projects");
    }

    [SkippableFact]
    public async Task Domain_aliases_are_listed_in_order()
    {
        SkipIfUnavailable();
        await Users.AddDomainAliasAsync(new DomainAlias("Zeta.Example", "example.com"));
        await Users.AddDomainAliasAsync(new DomainAlias("alpha.example", "example.com"));
        (await Users.ListDomainAliasesAsync()).Should().Equal(new DomainAlias("alpha.example", "example.com"), new DomainAlias("zeta.example", "example.com"));
        (await Users.DeleteDomainAliasAsync("zeta.example")).Should().BeTrue();
        (await Users.ListDomainAliasesAsync()).Should().ContainSingle();
    }

    [SkippableFact]
    public async Task Recalculating_storage_recounts_the_users_messages_and_reports_before_and_after()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var other = await CreateUserAsync("bob");
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);
        await AppendSimpleAsync(other, await InboxAsync(other), 3);
        var used = (await ReloadAsync(user)).StorageUsed;
        used.Should().BeGreaterThan(0);

        var same = await Backend.Maintenance.RecalculateStorageAsync(user.Id);
        same.Should().Be(new StorageRecount(used, used), "the transactional counter was right");

        (await Backend.Maintenance.RecalculateStorageAsync(UserId.NewId())).Should().BeNull("no such user");
        (await ReloadAsync(user)).StorageUsed.Should().Be(used);
        (await ReloadAsync(other)).StorageUsed.Should().BeGreaterThan(0, "another user's usage is its own");
    }

    [SkippableFact]
    public async Task A_forced_logout_deletes_every_token_of_the_user_only()
    {
        SkipIfUnavailable();
        Skip.If(Backend.AccessTokens is null, "The backend has no access token store.");
        var tokens = Backend.AccessTokens!;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var now = DateTimeOffset.UtcNow;
        await tokens.CreateTokenAsync(Token(alice, new string('1', 64), now, TimeSpan.FromDays(1)));
        await tokens.CreateTokenAsync(Token(alice, new string('2', 64), now, TimeSpan.FromDays(1)));
        await tokens.CreateTokenAsync(Token(bob, new string('3', 64), now, TimeSpan.FromDays(1)));

        (await tokens.DeleteUserTokensAsync(alice.Id)).Should().Be(2);
        (await tokens.GetTokenAsync(new string('1', 64), now)).Should().BeNull();
        (await tokens.GetTokenAsync(new string('3', 64), now)).Should().NotBeNull("another user's token stays");
        (await tokens.DeleteUserTokensAsync(alice.Id)).Should().Be(0);
    }
}
