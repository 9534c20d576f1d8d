// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary><c>POST /users/:user/search</c>: an action on every match of the search.</summary>
public sealed class SearchActionTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public SearchActionTests(ApiHost api) => _api = api;

    private static JsonObject Action(JsonObject action) => new() { ["action"] = action };

    [Fact]
    public async Task Flags_change_on_every_match_in_every_mailbox_beyond_one_page()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var inbox = await _api.InboxAsync(user);
        var junk = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var matching = await _api.DeliverManyAsync(user, "invoice ", ApiHostPageSize + 5);

        var inJunk = await _api.DeliverAsync(user, TestMessages.Simple("junk invoice"), junk.Path, MessageFlags.Flagged);
        var other = await _api.DeliverAsync(user, TestMessages.Simple("lunch"));

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/search?subject=invoice", token, json: Action(new JsonObject { ["seen"] = true, ["flagged"] = false }));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((bool)body["success"]!).Should().BeTrue();
        ((long)body["matched"]!).Should().Be(matching.Count + 1);
        ((long)body["updated"]!).Should().Be(matching.Count + 1);
        foreach (var uid in matching)
        {
            (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, uid))!.Flags.Should().Be(MessageFlags.Seen);
        }

        (await _api.Messages.GetMessageAsync(user.Id, junk.Id, inJunk.Uid))!.Flags.Should().Be(MessageFlags.Seen);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, other.Uid))!.Flags.Should().Be(MessageFlags.None, "it does not match");
    }

    /// <summary>More than the default page (20), so an action limited to one page would fail.</summary>
    private const int ApiHostPageSize = 20;

    [Fact]
    public async Task Move_takes_every_match_to_the_mailbox_and_leaves_those_already_there()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var junk = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        await _api.DeliverAsync(user, TestMessages.Simple("newsletter 1"));
        await _api.DeliverAsync(user, TestMessages.Simple("newsletter 2"));
        await _api.DeliverAsync(user, TestMessages.Simple("newsletter 3"), junk.Path);
        await _api.DeliverAsync(user, TestMessages.Simple("newsletter old"), trash.Path);
        var kept = await _api.DeliverAsync(user, TestMessages.Simple("family"));

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/search?q=subject%3Anewsletter", json: Action(new JsonObject { ["moveTo"] = trash.Id.ToString() }));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["matched"]!).Should().Be(4);
        ((long)body["updated"]!).Should().Be(3, "the match already in Trash is not moved");
        (await _api.Mailboxes.GetMailboxAsync(user.Id, trash.Id))!.MessageCount.Should().Be(4);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, junk.Id))!.MessageCount.Should().Be(0);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(1);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, kept.Uid)).Should().NotBeNull();

        // The same query parameters as GET: one mailbox only.
        await _api.DeliverAsync(user, TestMessages.Simple("report a"));
        await _api.DeliverAsync(user, TestMessages.Simple("report b"), junk.Path);
        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/search?mailbox=" + junk.Id + "&subject=report", json: Action(new JsonObject { ["moveTo"] = inbox.Id.ToString(), ["flagged"] = true }));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["matched"]!).Should().Be(1);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, junk.Id))!.MessageCount.Should().Be(0);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(3);
    }

    [Fact]
    public async Task No_match_changes_nothing()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("hello"));
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/search?subject=nothing-like-this", json: Action(new JsonObject { ["seen"] = true }));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["matched"]!).Should().Be(0);
        ((long)body["updated"]!).Should().Be(0);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.None);
    }

    [Fact]
    public async Task Bad_actions_and_parameters_are_400_and_change_nothing()
    {
        var user = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        var bobInbox = await _api.InboxAsync(bob);
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("target"));
        var path = "/users/" + user.Id + "/search?subject=target";

        async Task ExpectAsync(string url, JsonObject json, string field)
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Post, url, json: json);
            status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
            body["details"]![field].Should().NotBeNull(body.ToJsonString());
        }

        await ExpectAsync(path, new JsonObject(), "action");
        await ExpectAsync(path, Action(new JsonObject()), "action");
        await ExpectAsync(path, Action(new JsonObject { ["deleted"] = true }), "action.deleted");
        await ExpectAsync(path, Action(new JsonObject { ["seen"] = "yes" }), "action.seen");
        await ExpectAsync(path, Action(new JsonObject { ["moveTo"] = "not-an-id", ["seen"] = true }), "action.moveTo");
        await ExpectAsync(path, Action(new JsonObject { ["moveTo"] = MailboxId.NewId().ToString(), ["seen"] = true }), "action.moveTo");
        await ExpectAsync(path, Action(new JsonObject { ["moveTo"] = bobInbox.Id.ToString(), ["seen"] = true }), "action.moveTo");
        await ExpectAsync("/users/" + user.Id + "/search?mailbox=xyz", Action(new JsonObject { ["seen"] = true }), "mailbox");
        await ExpectAsync("/users/" + user.Id + "/search?limit=5", Action(new JsonObject { ["seen"] = true }), "limit");

        // No criterion and no mailbox would act on the whole account, Trash and Junk included.
        await ExpectAsync("/users/" + user.Id + "/search", Action(new JsonObject { ["seen"] = true }), "query");
        await ExpectAsync("/users/" + user.Id + "/search?searchable=true", Action(new JsonObject { ["seen"] = true }), "query");

        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.None);
        (await _api.Mailboxes.GetMailboxAsync(bob.Id, bobInbox.Id))!.MessageCount.Should().Be(0);
    }

    [Fact]
    public async Task Another_users_token_is_denied_and_changes_nothing()
    {
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        var aliceInbox = await _api.InboxAsync(alice);
        var bobTrash = (await _api.Mailboxes.FindSpecialUseAsync(bob.Id, SpecialUse.Trash))!;
        var stored = await _api.DeliverAsync(alice, TestMessages.Simple("secret"));
        var bobToken = await _api.LoginAsync(bob);

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + alice.Id + "/search?subject=secret", bobToken, json: Action(new JsonObject { ["moveTo"] = bobTrash.Id.ToString() }));
        status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());
        ((string)body["code"]!).Should().Be("MissingPrivileges");

        // Bob's own search does not reach Alice's messages, even naming her mailbox.
        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/search?mailbox=" + aliceInbox.Id, bobToken, json: Action(new JsonObject { ["seen"] = true }));
        status.Should().Be(HttpStatusCode.NotFound, body.ToJsonString());

        (await _api.Messages.GetMessageAsync(alice.Id, aliceInbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.None);
        (await _api.Mailboxes.GetMailboxAsync(bob.Id, bobTrash.Id))!.MessageCount.Should().Be(0);
    }
}

/// <summary>A host whose search actions apply to at most 2 matches.</summary>
public sealed class LimitedSearchActionHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<ApiOptions>(o => o.MaxSearchActionMatches = 2);
}

public sealed class SearchActionLimitTests : IClassFixture<LimitedSearchActionHost>
{
    private readonly LimitedSearchActionHost _api;

    public SearchActionLimitTests(LimitedSearchActionHost api) => _api = api;

    [Fact]
    public async Task More_matches_than_the_bound_is_400_and_changes_nothing()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var junk = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var uids = await _api.DeliverManyAsync(user, "bound ", 2);

        var action = new JsonObject { ["action"] = new JsonObject { ["seen"] = true } };
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/search?subject=bound", json: (JsonObject)action.DeepClone());
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["updated"]!).Should().Be(2, "the bound itself is allowed");

        var third = await _api.DeliverAsync(user, TestMessages.Simple("bound 2"), junk.Path);
        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/search?subject=bound", json: new JsonObject { ["action"] = new JsonObject { ["seen"] = false, ["moveTo"] = junk.Id.ToString() } });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        ((string)body["code"]!).Should().Be("TooManyMatches");
        ((string)body["error"]!).Should().Contain("more than 2");
        foreach (var uid in uids)
        {
            (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, uid))!.Flags.Should().Be(MessageFlags.Seen);
        }

        (await _api.Messages.GetMessageAsync(user.Id, junk.Id, third.Uid))!.Flags.Should().Be(MessageFlags.None);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(2);
    }

    [Fact]
    public async Task A_whole_folder_update_is_bounded_the_same_way()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var uids = await _api.DeliverManyAsync(user, "folder ", 2);
        var path = "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages";
        (await _api.CallAsync(HttpMethod.Put, path, json: new JsonObject { ["seen"] = true })).Status.Should().Be(HttpStatusCode.OK, "the bound itself is allowed");

        await _api.DeliverAsync(user, TestMessages.Simple("folder 2"));
        var (status, body) = await _api.CallAsync(HttpMethod.Put, path, json: new JsonObject { ["seen"] = false });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        ((string)body["code"]!).Should().Be("TooManyMatches");
        foreach (var uid in uids)
        {
            (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, uid))!.Flags.Should().Be(MessageFlags.Seen, "nothing changed");
        }

        var range = "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages/" + uids[0] + ":" + uids[1];
        (await _api.CallAsync(HttpMethod.Put, range, json: new JsonObject { ["seen"] = false })).Status.Should().Be(HttpStatusCode.OK, "a range within the bound works");
    }
}
