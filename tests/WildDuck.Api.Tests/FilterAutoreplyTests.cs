// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

public sealed class FilterAutoreplyTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public FilterAutoreplyTests(ApiHost api) => _api = api;

    [Fact]
    public async Task Filters_are_created_listed_read_updated_and_deleted_through_the_filter_store()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var junk = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var body = new JsonObject
        {
            ["name"] = "boss",
            ["query"] = new JsonObject { ["from"] = "boss@example.org", ["ha"] = true, ["size"] = -1000 },
            ["action"] = new JsonObject { ["seen"] = true, ["mailbox"] = junk.Id.ToString(), ["targets"] = new JsonArray("copy@example.net", "https://hooks.example/mail") },
        };
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/me/filters", token, body);
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var id = (string)created["id"]!;

        var stored = (await _api.Services.GetRequiredService<IFilterStore>().ListFiltersAsync(user.Id)).Should().ContainSingle().Subject;
        stored.Query.From.Should().Be("boss@example.org");
        stored.Query.Size.Should().Be(-1000);
        stored.Action.Mailbox.Should().Be(junk.Id);
        stored.Action.Targets.Should().Equal("mail:copy@example.net", "https://hooks.example/mail");

        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/me/filters", token);
        var item = list["results"]!.AsArray().Should().ContainSingle().Subject!;
        ((string)item["id"]!).Should().Be(id);
        ((bool)item["query"]!["ha"]!).Should().BeTrue();
        ((string)item["action"]!["mailbox"]!).Should().Be(junk.Id.ToString());

        (status, _) = await _api.CallAsync(HttpMethod.Put, "/users/me/filters/" + id, token, new JsonObject { ["disabled"] = true, ["action"] = new JsonObject { ["flag"] = true } });
        status.Should().Be(HttpStatusCode.OK);
        var (_, one) = await _api.CallAsync(HttpMethod.Get, "/users/me/filters/" + id, token);
        ((bool)one["disabled"]!).Should().BeTrue();
        ((string)one["name"]!).Should().Be("boss", "fields not given are kept");
        ((string)one["query"]!["from"]!).Should().Be("boss@example.org");
        one["action"]!.AsObject().Select(p => p.Key).Should().Equal("flag");

        (await _api.CallAsync(HttpMethod.Delete, "/users/me/filters/" + id, token)).Status.Should().Be(HttpStatusCode.OK);
        var (goneStatus, gone) = await _api.CallAsync(HttpMethod.Get, "/users/me/filters/" + id, token);
        goneStatus.Should().Be(HttpStatusCode.NotFound);
        ((string)gone["code"]!).Should().Be("FilterNotFound");
        (await _api.CallAsync(HttpMethod.Delete, "/users/me/filters/" + id, token)).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Root_lists_every_users_filters_oldest_first_with_cursor_paging()
    {
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        var mine = new List<(string Id, string User)>();
        foreach (var (user, name) in new[] { (alice, "a1"), (bob, "b1"), (alice, "a2") })
        {
            var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/filters", json: new JsonObject { ["name"] = name, ["query"] = new JsonObject { ["subject"] = name }, ["action"] = new JsonObject { ["seen"] = true } });
            status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
            mine.Add(((string)created["id"]!, user.Id.ToString()));
        }

        // Other tests of this host add filters too: walk every page and keep ours.
        var seen = new List<JsonObject>();
        var pages = new List<JsonObject>();
        string? next = null;
        do
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Get, "/filters?limit=2" + (next is null ? string.Empty : "&next=" + next));
            status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            body["results"]!.AsArray().Count.Should().BeLessThanOrEqualTo(2);
            ((long)body["total"]!).Should().BeGreaterThanOrEqualTo(3);
            pages.Add(body);
            seen.AddRange(body["results"]!.AsArray().Select(r => r!.AsObject()));
            next = body["nextCursor"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        }
        while (next is not null);

        seen.Select(r => (string)r["id"]!).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal);
        var ours = seen.Where(r => mine.Any(m => m.Id == (string)r["id"]!)).ToList();
        ours.Select(r => ((string)r["id"]!, (string)r["user"]!)).Should().Equal(mine);
        ((string)ours[1]["name"]!).Should().Be("b1");
        ((string)ours[1]["query"]!["subject"]!).Should().Be("b1");
        ours[1]["action"]!["seen"]!.GetValue<bool>().Should().BeTrue();

        if (pages.Count > 1)
        {
            // The last page's previous cursor gives the page before it again.
            var previous = (string)pages[^1]["previousCursor"]!;
            var (_, back) = await _api.CallAsync(HttpMethod.Get, "/filters?limit=2&previous=" + previous);
            back["results"]!.AsArray().Select(r => (string)r!["id"]!).Should().Equal(pages[^2]["results"]!.AsArray().Select(r => (string)r!["id"]!));
        }

        var token = await _api.LoginAsync(alice);
        (await _api.CallAsync(HttpMethod.Get, "/filters", token)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Get, "/filters?next=garbage")).Status.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_filters_are_refused_with_field_details()
    {
        var user = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var othersInbox = await _api.InboxAsync(other);
        var path = "/users/" + user.Id + "/filters";

        var (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["query"] = new JsonObject { ["sender"] = "x" } });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["query.sender"].Should().NotBeNull();
        body["details"]!["action"].Should().NotBeNull("action is required");

        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["query"] = new JsonObject(), ["action"] = new JsonObject() });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["action"].Should().NotBeNull("a filter must do something");

        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["query"] = new JsonObject(), ["action"] = new JsonObject { ["targets"] = new JsonArray("ok@example.org", "gopher://nope"), ["mailbox"] = "zz" } });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["action.targets[1]"].Should().NotBeNull();
        body["details"]!["action.mailbox"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["query"] = new JsonObject(), ["action"] = new JsonObject { ["mailbox"] = othersInbox.Id.ToString() } });
        status.Should().Be(HttpStatusCode.NotFound, "another user's mailbox is not one of this user's");
        ((string)body["code"]!).Should().Be("NoSuchMailbox");

        (await _api.CallAsync(HttpMethod.Get, path + "/not-an-id")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await _api.CallAsync(HttpMethod.Get, path + "/" + EntityId.NewId())).Status.Should().Be(HttpStatusCode.NotFound);
        (await _api.CallAsync(HttpMethod.Get, "/users/" + UserId.NewId() + "/filters")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_filter_limit_answers_403_TooMany()
    {
        var user = await _api.CreateUserAsync();
        var filters = _api.Services.GetRequiredService<IFilterStore>();
        var max = _api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WildDuckOptions>>().Value.Users.MaxFilters;
        for (var i = 0; i < max; i++)
        {
            await filters.SaveFilterAsync(new FilterDefinition { Id = EntityId.Empty, User = user.Id, Query = new FilterQuery(), Action = new FilterAction { Seen = true } });
        }

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/filters", json: new JsonObject { ["query"] = new JsonObject(), ["action"] = new JsonObject { ["seen"] = true } });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("TooMany");
    }

    [Fact]
    public async Task Autoreply_is_read_changed_in_parts_validated_and_removed()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (_, empty) = await _api.CallAsync(HttpMethod.Get, "/users/me/autoreply", token);
        ((bool)empty["status"]!).Should().BeFalse();
        ((bool)empty["start"]!).Should().BeFalse();

        var (status, _) = await _api.CallAsync(HttpMethod.Put, "/users/me/autoreply", token, new JsonObject
        {
            ["status"] = true,
            ["subject"] = "Away",
            ["text"] = "Back on Monday",
            ["start"] = "2026-12-01T00:00:00Z",
            ["end"] = "2026-12-08T00:00:00+01:00",
        });
        status.Should().Be(HttpStatusCode.OK);
        var stored = (await _api.Services.GetRequiredService<IAutoreplyStore>().GetAutoreplyAsync(user.Id))!;
        stored.Enabled.Should().BeTrue();
        stored.End.Should().Be(new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero));

        (await _api.CallAsync(HttpMethod.Put, "/users/me/autoreply", token, new JsonObject { ["text"] = "Back on Tuesday", ["end"] = "" })).Status.Should().Be(HttpStatusCode.OK);
        var (_, read) = await _api.CallAsync(HttpMethod.Get, "/users/me/autoreply", token);
        ((bool)read["status"]!).Should().BeTrue();
        ((string)read["subject"]!).Should().Be("Away");
        ((string)read["text"]!).Should().Be("Back on Tuesday");
        ((string)read["start"]!).Should().Be("2026-12-01T00:00:00.000Z");
        ((bool)read["end"]!).Should().BeFalse("an empty end removes it");

        var (bad, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/autoreply", token, new JsonObject { ["start"] = "next week", ["status"] = "yes" });
        bad.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["status"].Should().NotBeNull();
        (bad, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/autoreply", token, new JsonObject { ["start"] = "next week" });
        bad.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["start"].Should().NotBeNull();
        (bad, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/autoreply", token, new JsonObject { ["end"] = "2026-11-01T00:00:00Z" });
        bad.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["end"].Should().NotBeNull("it would end before it starts");

        (await _api.CallAsync(HttpMethod.Delete, "/users/me/autoreply", token)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Services.GetRequiredService<IAutoreplyStore>().GetAutoreplyAsync(user.Id)).Should().BeNull();
    }
}
