// SPDX-License-Identifier: MIT
using System.Net.Http;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary><c>/addresses/forwarded</c>: CRUD, validation, duplicates, paging, access and resolve.</summary>
public sealed class ForwardedAddressTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public ForwardedAddressTests(ApiHost api) => _api = api;

    private async Task<string> CreateAsync(JsonObject body)
    {
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: body);
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        return (string)created["id"]!;
    }

    [Fact]
    public async Task Create_get_update_resolve_and_delete_a_forwarded_address()
    {
        var address = _api.NewName("sales") + "@fwd.example";
        var id = await CreateAsync(new JsonObject
        {
            ["address"] = address,
            ["name"] = "Sales",
            ["targets"] = new JsonArray("one@elsewhere.example", "smtp://relay.example:2525", "https://hooks.example/in"),
            ["forwards"] = 100,
            ["autoreply"] = new JsonObject { ["status"] = true, ["subject"] = "Thanks", ["text"] = "Soon.", ["end"] = "2030-01-01T00:00:00Z" },
        });

        foreach (var key in new[] { id, Uri.EscapeDataString(address), Uri.EscapeDataString(address.ToUpperInvariant()) })
        {
            var (status, one) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + key);
            status.Should().Be(HttpStatusCode.OK, one.ToJsonString());
            ((string)one["id"]!).Should().Be(id);
        }

        var (_, got) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + id);
        ((string)got["address"]!).Should().Be(address);
        ((string)got["name"]!).Should().Be("Sales");
        got["targets"]!.AsArray().Select(t => (string)t!).Should().Equal("mail:one@elsewhere.example", "smtp://relay.example:2525", "https://hooks.example/in");
        ((int)got["forwards"]!).Should().Be(100);
        ((bool)got["forwardedDisabled"]!).Should().BeFalse();
        ((bool)got["autoreply"]!["status"]!).Should().BeTrue();
        ((string)got["autoreply"]!["subject"]!).Should().Be("Thanks");
        ((string)got["autoreply"]!["end"]!).Should().StartWith("2030-01-01T00:00:00");
        ((bool)got["autoreply"]!["start"]!).Should().BeFalse();

        var (_, resolved) = await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/" + Uri.EscapeDataString(address));
        ((bool)resolved["forwarded"]!).Should().BeTrue();
        ((string)resolved["id"]!).Should().Be(id);
        resolved["user"].Should().BeNull();
        resolved["targets"]!.AsArray().Should().HaveCount(3);

        var renamed = _api.NewName("contact") + "@fwd.example";
        var (updateStatus, updated) = await _api.CallAsync(HttpMethod.Put, "/addresses/forwarded/" + id, json: new JsonObject
        {
            ["address"] = renamed,
            ["targets"] = new JsonArray("two@elsewhere.example"),
            ["forwardedDisabled"] = true,
            ["autoreply"] = new JsonObject { ["subject"] = "Back soon" },
        });
        updateStatus.Should().Be(HttpStatusCode.OK, updated.ToJsonString());
        (_, got) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + id);
        ((string)got["address"]!).Should().Be(renamed);
        got["targets"]!.AsArray().Select(t => (string)t!).Should().Equal("mail:two@elsewhere.example");
        ((bool)got["forwardedDisabled"]!).Should().BeTrue();
        ((int)got["forwards"]!).Should().Be(100, "fields not given stay");
        ((string)got["autoreply"]!["subject"]!).Should().Be("Back soon");
        ((string)got["autoreply"]!["text"]!).Should().Be("Soon.", "autoreply fields not given stay");
        (await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + Uri.EscapeDataString(address))).Status.Should().Be(HttpStatusCode.NotFound);

        (await _api.CallAsync(HttpMethod.Delete, "/addresses/forwarded/" + Uri.EscapeDataString(renamed))).Status.Should().Be(HttpStatusCode.OK);
        var (goneStatus, gone) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + id);
        goneStatus.Should().Be(HttpStatusCode.NotFound);
        ((string)gone["code"]!).Should().Be("AddressNotFound");
        (await _api.CallAsync(HttpMethod.Delete, "/addresses/forwarded/" + id)).Status.Should().Be(HttpStatusCode.NotFound);
        (await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/" + Uri.EscapeDataString(renamed))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_input_gets_per_field_details()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject
        {
            ["address"] = _api.NewName("x") + "@fwd.example",
            ["targets"] = new JsonArray("ok@elsewhere.example", "ftp://nope", "not a target"),
        });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("targets[1]", "targets[2]");

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject { ["address"] = _api.NewName("x") + "@fwd.example" });
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["details"]!["targets"]!).Should().Contain("at least one target");

        // An address that only answers needs no target.
        await CreateAsync(new JsonObject { ["address"] = _api.NewName("answer") + "@fwd.example", ["autoreply"] = new JsonObject { ["status"] = true, ["text"] = "hi" } });

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject { ["address"] = "*@catch-" + _api.NewName("d") + ".example", ["targets"] = new JsonArray("a@elsewhere.example") });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["address"].Should().NotBeNull("a wildcard needs allowWildcard");
        await CreateAsync(new JsonObject { ["address"] = "*@catch-" + _api.NewName("d") + ".example", ["allowWildcard"] = true, ["targets"] = new JsonArray("a@elsewhere.example") });

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject
        {
            ["address"] = _api.NewName("x") + "@fwd.example",
            ["targets"] = new JsonArray("a@elsewhere.example"),
            ["forwards"] = -1,
            ["autoreply"] = new JsonObject { ["start"] = "yesterday" },
        });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!.AsObject().Select(p => p.Key).Should().Contain("forwards");

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject
        {
            ["address"] = _api.NewName("x") + "@fwd.example",
            ["targets"] = new JsonArray("a@elsewhere.example"),
            ["autoreply"] = new JsonObject { ["start"] = "2030-01-02T00:00:00Z", ["end"] = "2030-01-01T00:00:00Z" },
        });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["autoreply.end"].Should().NotBeNull();

        var id = await CreateAsync(new JsonObject { ["address"] = _api.NewName("x") + "@fwd.example", ["targets"] = new JsonArray("a@elsewhere.example") });
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/forwarded/" + id, json: new JsonObject { ["targets"] = new JsonArray() });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["targets"].Should().NotBeNull("the last target cannot go while the autoreply is off");
        // Each message takes one copy per target from the daily limit: a smaller limit could never
        // be met, so it is refused on create and on update.
        (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject
        {
            ["address"] = _api.NewName("x") + "@fwd.example",
            ["targets"] = new JsonArray("a@elsewhere.example", "b@elsewhere.example", "smtp://relay.example"),
            ["forwards"] = 2,
        });
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["details"]!["forwards"]!).Should().Contain("number of targets (3)");
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/forwarded/" + id, json: new JsonObject { ["targets"] = new JsonArray("a@elsewhere.example", "b@elsewhere.example"), ["forwards"] = 1 });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["forwards"].Should().NotBeNull();
        (await _api.CallAsync(HttpMethod.Put, "/addresses/forwarded/" + id, json: new JsonObject { ["targets"] = new JsonArray("a@elsewhere.example", "b@elsewhere.example"), ["forwards"] = 2 })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/not-an-id-or-address")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + EntityId.NewId())).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Duplicates_with_user_or_forwarded_addresses_are_409()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject { ["address"] = user.Address, ["targets"] = new JsonArray("a@elsewhere.example") });
        status.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("AddressExistsError");

        var address = _api.NewName("dup") + "@fwd.example";
        await CreateAsync(new JsonObject { ["address"] = address, ["targets"] = new JsonArray("a@elsewhere.example") });
        (status, _) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject { ["address"] = address.ToUpperInvariant(), ["targets"] = new JsonArray("b@elsewhere.example") });
        status.Should().Be(HttpStatusCode.Conflict);
        (status, _) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/addresses", json: new JsonObject { ["address"] = address });
        status.Should().Be(HttpStatusCode.Conflict);

        var other = await CreateAsync(new JsonObject { ["address"] = _api.NewName("other") + "@fwd.example", ["targets"] = new JsonArray("a@elsewhere.example") });
        (status, _) = await _api.CallAsync(HttpMethod.Put, "/addresses/forwarded/" + other, json: new JsonObject { ["address"] = address });
        status.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_list_pages_by_address_with_cursors_and_a_query()
    {
        var domain = _api.NewName("page") + ".example";
        foreach (var name in new[] { "d", "a", "c", "b", "e" })
        {
            await CreateAsync(new JsonObject { ["address"] = name + "@" + domain, ["targets"] = new JsonArray("x@elsewhere.example") });
        }

        var (_, first) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded?limit=2&query=" + domain);
        first["results"]!.AsArray().Select(r => (string)r!["address"]!).Should().Equal("a@" + domain, "b@" + domain);
        var (_, second) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded?limit=2&query=" + domain + "&next=" + (string)first["nextCursor"]!);
        second["results"]!.AsArray().Select(r => (string)r!["address"]!).Should().Equal("c@" + domain, "d@" + domain);
        var (_, third) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded?limit=2&query=" + domain + "&next=" + (string)second["nextCursor"]!);
        third["results"]!.AsArray().Select(r => (string)r!["address"]!).Should().Equal("e@" + domain);
        ((bool)third["nextCursor"]!).Should().BeFalse();
        var (_, back) = await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded?limit=2&query=" + domain + "&previous=" + (string)third["previousCursor"]!);
        back["results"]!.AsArray().Select(r => (string)r!["address"]!).Should().Equal("c@" + domain, "d@" + domain);
    }

    [Fact]
    public async Task Only_the_root_token_may_manage_forwarded_addresses()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        (await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded", token)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", token, new JsonObject { ["address"] = _api.NewName("x") + "@fwd.example", ["targets"] = new JsonArray("a@elsewhere.example") })).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded", ApiHost.WebmailToken)).Status.Should().Be(HttpStatusCode.Forbidden);
    }
}
