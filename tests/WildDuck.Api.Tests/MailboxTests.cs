// SPDX-License-Identifier: MIT
using System.Net.Http;

namespace WildDuck.Api.Tests;

public sealed class MailboxTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public MailboxTests(ApiHost api) => _api = api;

    [Fact]
    public async Task The_default_mailboxes_are_listed_with_counters_and_sizes()
    {
        var user = await _api.CreateUserAsync();
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("count me"));
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes?counters=true&sizes=true");
        status.Should().Be(HttpStatusCode.OK);
        var results = body["results"]!.AsArray();
        results.Select(m => (string)m!["path"]!).Should().Contain(new[] { "INBOX", "Drafts", "Sent Mail", "Junk", "Trash" });
        var inbox = results.Single(m => (string)m!["path"]! == "INBOX")!;
        ((long)inbox["total"]!).Should().Be(1);
        ((long)inbox["unseen"]!).Should().Be(1);
        ((long)inbox["size"]!).Should().Be(stored.Size);
        ((string)results.Single(m => (string)m!["path"]! == "Sent Mail")!["specialUse"]!).Should().Be("\\Sent");

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes");
        body["results"]!.AsArray()[0]!.AsObject().ContainsKey("total").Should().BeFalse("counters were not asked for");
    }

    [Fact]
    public async Task Create_resolve_rename_and_delete_a_mailbox()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes", token, new JsonObject { ["path"] = "Projects/2026" });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var id = (string)created["id"]!;

        var (_, resolved) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/resolve?path=" + Uri.EscapeDataString("Projects/2026"), token);
        ((string)resolved["id"]!).Should().Be(id);
        ((string)resolved["name"]!).Should().Be("2026");

        var (dupStatus, dup) = await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes", token, new JsonObject { ["path"] = "Projects/2026" });
        dupStatus.Should().Be(HttpStatusCode.Conflict);
        ((string)dup["code"]!).Should().Be("MailboxExistsError");

        (await _api.CallAsync(HttpMethod.Put, "/users/me/mailboxes/" + id, token, new JsonObject { ["path"] = "Archive 2026", ["subscribed"] = false })).Status.Should().Be(HttpStatusCode.OK);
        var (_, renamed) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + id, token);
        ((string)renamed["path"]!).Should().Be("Archive 2026");
        ((bool)renamed["subscribed"]!).Should().BeFalse();

        (await _api.CallAsync(HttpMethod.Delete, "/users/me/mailboxes/" + id, token)).Status.Should().Be(HttpStatusCode.OK);
        var (goneStatus, gone) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + id, token);
        goneStatus.Should().Be(HttpStatusCode.NotFound);
        ((string)gone["code"]!).Should().Be("NoSuchMailbox");
    }

    [Fact]
    public async Task Inbox_and_special_use_mailboxes_cannot_be_deleted_and_inbox_not_renamed()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, Storage.SpecialUse.Trash))!;
        foreach (var mailbox in new[] { inbox, trash })
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Delete, "/users/" + user.Id + "/mailboxes/" + mailbox.Id);
            status.Should().Be(HttpStatusCode.BadRequest);
            ((string)body["code"]!).Should().Be("DisallowedMailboxMethod");
        }

        var (renameStatus, rename) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/mailboxes/" + inbox.Id, json: new JsonObject { ["path"] = "Old Inbox" });
        renameStatus.Should().Be(HttpStatusCode.BadRequest);
        ((string)rename["code"]!).Should().Be("DisallowedMailboxMethod");
        (await _api.Mailboxes.ListMailboxesAsync(user.Id)).Should().HaveCount(5);
    }

    [Fact]
    public async Task Deleting_a_mailbox_releases_its_quota()
    {
        var user = await _api.CreateUserAsync();
        var (_, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes", json: new JsonObject { ["path"] = "Temp" });
        await _api.DeliverAsync(user, TestMessages.Simple("temp"), "Temp");
        (await _api.Users.GetUserAsync(user.Id))!.StorageUsed.Should().BeGreaterThan(0);
        (await _api.CallAsync(HttpMethod.Delete, "/users/" + user.Id + "/mailboxes/" + (string)created["id"]!)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(0);
    }
}
