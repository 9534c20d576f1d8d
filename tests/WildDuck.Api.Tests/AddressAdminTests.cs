// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Http;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>GET /addresses, PUT /users/:user/addresses/:address and PUT /addresses/renameDomain.</summary>
public sealed class AddressAdminTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public AddressAdminTests(ApiHost api) => _api = api;

    private async Task<string> AddAddressAsync(UserRecord user, string address, bool main = false)
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/addresses", json: new JsonObject { ["address"] = address, ["main"] = main });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return (string)body["id"]!;
    }

    private async Task<JsonObject> AddressAsync(UserRecord user, string id)
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/addresses/" + id);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private static string? Cursor(JsonObject page, string name) => page[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IEnumerable<string> Addresses(JsonObject page) => page["results"]!.AsArray().Select(a => (string)a!["address"]!);

    [Fact]
    public async Task Root_lists_every_users_addresses_by_address_in_cursor_pages_filtered_by_query()
    {
        var domain = _api.NewName("list") + ".example";
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        await AddAddressAsync(alice, "b@" + domain);
        await AddAddressAsync(bob, "a@" + domain, main: true);
        await AddAddressAsync(alice, "c.c@" + domain);
        await AddAddressAsync(bob, "*@" + domain);

        var (status, first) = await _api.CallAsync(HttpMethod.Get, "/addresses?limit=3&query=" + Uri.EscapeDataString(domain.ToUpperInvariant()));
        status.Should().Be(HttpStatusCode.OK, first.ToJsonString());
        Addresses(first).Should().Equal("*@" + domain, "a@" + domain, "b@" + domain);
        var a = first["results"]!.AsArray()[1]!;
        ((string)a["user"]!).Should().Be(bob.Id.ToString());
        ((bool)a["main"]!).Should().BeTrue();
        ((bool)first["previousCursor"]!).Should().BeFalse();

        var (_, second) = await _api.CallAsync(HttpMethod.Get, "/addresses?limit=3&query=" + domain + "&next=" + Cursor(first, "nextCursor"));
        Addresses(second).Should().Equal("c.c@" + domain);
        ((bool)second["nextCursor"]!).Should().BeFalse();
        var (_, back) = await _api.CallAsync(HttpMethod.Get, "/addresses?limit=3&query=" + domain + "&previous=" + Cursor(second, "previousCursor"));
        Addresses(back).Should().Equal(Addresses(first));

        // The query is literal: "c.c" is not a pattern.
        Addresses((await _api.CallAsync(HttpMethod.Get, "/addresses?query=c.c@" + domain)).Body).Should().Equal("c.c@" + domain);
        Addresses((await _api.CallAsync(HttpMethod.Get, "/addresses?query=cxc@" + domain)).Body).Should().BeEmpty();
    }

    [Fact]
    public async Task A_bad_list_request_is_a_validation_error_and_only_root_may_list()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/addresses?limit=0&next=not-a-cursor");
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("InputValidationError");
        body["details"]!["limit"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Get, "/addresses?next=not-a-cursor");
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["next"].Should().NotBeNull();

        var token = await _api.LoginAsync(await _api.CreateUserAsync());
        foreach (var caller in new[] { token, ApiHost.WebmailToken })
        {
            (status, body) = await _api.CallAsync(HttpMethod.Get, "/addresses", caller);
            status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());
            ((string)body["code"]!).Should().Be("MissingPrivileges");
        }
    }

    [Fact]
    public async Task A_user_renames_names_and_promotes_its_own_address()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var domain = _api.NewName("upd") + ".example";
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/addresses", token, new JsonObject { ["address"] = "work@" + domain, ["name"] = "Work" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var id = (string)body["id"]!;
        ((string)(await AddressAsync(user, id))["name"]!).Should().Be("Work");

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/addresses/" + id, token, new JsonObject { ["name"] = "Work Me" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((string)body["name"]!).Should().Be("Work Me");
        ((bool)body["main"]!).Should().BeFalse();

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/addresses/" + id, token, new JsonObject { ["address"] = "Job@" + domain.ToUpperInvariant(), ["main"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((string)body["address"]!).Should().Be("job@" + domain);
        ((bool)body["main"]!).Should().BeTrue();
        ((string)body["name"]!).Should().Be("Work Me");

        var (_, profile) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        ((string)profile["address"]!).Should().Be("job@" + domain);
        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/addresses");
        list["results"]!.AsArray().Where(a => (bool)a!["main"]!).Select(a => (string)a!["id"]!).Should().Equal(id);
        (await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/work@" + domain)).Status.Should().Be(HttpStatusCode.NotFound);
        ((string)(await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/job@" + domain)).Body["user"]!).Should().Be(user.Id.ToString());

        // The new main address logs in; "" removes the name.
        (await _api.CallAsync(HttpMethod.Post, "/authenticate", null, new JsonObject { ["username"] = "job@" + domain, ["password"] = ApiHost.Password })).Status.Should().Be(HttpStatusCode.OK);
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/addresses/" + id, token, new JsonObject { ["name"] = "" });
        status.Should().Be(HttpStatusCode.OK);
        body["name"].Should().BeNull();
        (await AddressAsync(user, id))["name"].Should().BeNull();
    }

    [Fact]
    public async Task An_address_update_validates_each_field_and_reports_taken_and_unknown_addresses()
    {
        var user = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var domain = _api.NewName("val") + ".example";
        var alias = await AddAddressAsync(user, "alias@" + domain);
        var catchAll = await AddAddressAsync(user, "*@" + domain);
        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/addresses");
        var main = (string)list["results"]!.AsArray().Single(a => (bool)a!["main"]!)!["id"]!;

        async Task<JsonObject> InvalidAsync(string id, JsonObject json)
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/addresses/" + id, json: json);
            status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
            ((string)body["code"]!).Should().Be("InputValidationError");
            return body["details"]!.AsObject();
        }

        (await InvalidAsync(alias, new JsonObject { ["name"] = new string('n', 129), ["address"] = "" })).Select(d => d.Key).Should().BeEquivalentTo("address", "name");
        ((string)(await InvalidAsync(alias, new JsonObject { ["address"] = "not an address" }))["address"]!).Should().Be("is not a valid address");
        ((string)(await InvalidAsync(catchAll, new JsonObject { ["main"] = true }))["main"]!).Should().Contain("catch-all");
        ((string)(await InvalidAsync(main, new JsonObject { ["address"] = "*@" + domain }))["address"]!).Should().Contain("catch-all");
        (await InvalidAsync(alias, new JsonObject { ["address"] = "ali*@" + domain, ["main"] = true })).Should().ContainKey("main");
        (await InvalidAsync(main, new JsonObject { ["main"] = false })).Should().ContainKey("main");
        (await InvalidAsync(alias, new JsonObject { ["main"] = "maybe" })).Should().ContainKey("main");
        (await InvalidAsync(alias, new JsonObject { ["tags"] = new JsonArray("x") })).Should().ContainKey("tags");
        (await InvalidAsync("not-an-id", new JsonObject { ["name"] = "x" })).Should().ContainKey("address");

        // Taken by another user (even written differently) is 409; an unknown id or another user's address is 404.
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/addresses/" + alias, json: new JsonObject { ["address"] = other.Address!.ToUpperInvariant(), ["name"] = "Lost" });
        status.Should().Be(HttpStatusCode.Conflict, body.ToJsonString());
        ((string)body["code"]!).Should().Be("AddressExistsError");
        (await AddressAsync(user, alias))["name"].Should().BeNull("a refused update changes nothing");

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/addresses/" + UserId.NewId(), json: new JsonObject { ["name"] = "x" });
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("AddressNotFound");
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + other.Id + "/addresses/" + alias, json: new JsonObject { ["name"] = "x" });
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("AddressNotFound");
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + UserId.NewId() + "/addresses/" + alias, json: new JsonObject { ["name"] = "x" });
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("UserNotFound");

        // A catch-all that is not main may still be renamed.
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/addresses/" + catchAll, json: new JsonObject { ["address"] = "news*@" + domain });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((string)body["address"]!).Should().Be("news*@" + domain);
    }

    [Fact]
    public async Task Renaming_a_domain_moves_every_users_addresses_and_reports_the_taken_ones()
    {
        var oldDomain = _api.NewName("old") + ".example";
        var newDomain = _api.NewName("new") + ".example";
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        await AddAddressAsync(alice, "alice@" + oldDomain, main: true);
        await AddAddressAsync(bob, "b.ob+x@" + oldDomain);
        await AddAddressAsync(bob, "taken@" + oldDomain);
        await AddAddressAsync(alice, "taken@" + newDomain);
        await AddAddressAsync(alice, "alice@sub." + oldDomain);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject { ["address"] = "sales@" + oldDomain, ["targets"] = new JsonArray("team@example.net") });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var forwarded = (string)body["id"]!;

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", json: new JsonObject { ["oldDomain"] = oldDomain.ToUpperInvariant(), ["newDomain"] = " " + newDomain + " " });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((bool)body["success"]!).Should().BeTrue();
        ((int)body["modifiedAddresses"]!).Should().Be(3, "alice and b.ob+x of the users, sales forwarded");
        ((string)(await _api.CallAsync(HttpMethod.Get, "/addresses/forwarded/" + forwarded)).Body["address"]!).Should().Be("sales@" + newDomain);
        ((int)body["modifiedUsers"]!).Should().Be(1);
        body["conflicts"]!.AsArray().Select(c => (string)c!).Should().Equal("taken@" + oldDomain);

        ((string)(await _api.CallAsync(HttpMethod.Get, "/users/" + alice.Id)).Body["address"]!).Should().Be("alice@" + newDomain);
        Addresses((await _api.CallAsync(HttpMethod.Get, "/addresses?query=" + oldDomain)).Body).Should().Equal("alice@sub." + oldDomain, "taken@" + oldDomain);
        Addresses((await _api.CallAsync(HttpMethod.Get, "/addresses?query=@" + newDomain)).Body).Should().Equal("alice@" + newDomain, "b.ob+x@" + newDomain, "taken@" + newDomain);
        ((string)(await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/bob@" + newDomain)).Body["user"]!).Should().Be(bob.Id.ToString());

        // Nothing left at the old domain but the taken one: a second run changes nothing.
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", json: new JsonObject { ["oldDomain"] = "sub." + oldDomain, ["newDomain"] = "sub." + newDomain });
        status.Should().Be(HttpStatusCode.OK);
        ((int)body["modifiedAddresses"]!).Should().Be(1);
        body["conflicts"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_bad_rename_is_a_validation_error_and_only_root_may_rename()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", json: new JsonObject { ["oldDomain"] = "bad domain", ["newDomain"] = "-x.example" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!.AsObject().Select(d => d.Key).Should().BeEquivalentTo("oldDomain", "newDomain");

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", json: new JsonObject { ["oldDomain"] = "Same.example", ["newDomain"] = "same.EXAMPLE" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!.AsObject().Select(d => d.Key).Should().Equal("newDomain");

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", json: new JsonObject());
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!.AsObject().Select(d => d.Key).Should().BeEquivalentTo("oldDomain", "newDomain");

        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var rename = new JsonObject { ["oldDomain"] = "example.com", ["newDomain"] = "stolen.example" };
        foreach (var caller in new[] { token, ApiHost.WebmailToken })
        {
            (status, body) = await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", caller, (JsonObject)rename.DeepClone());
            status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());
            ((string)body["code"]!).Should().Be("MissingPrivileges");
        }

        ((string)(await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id)).Body["address"]!).Should().Be(user.Address);
    }
}

/// <summary>The address webhooks (a fixture of their own: the webhook listens to every user).</summary>
public sealed class AddressWebhookTests : IClassFixture<WebhookApiHost>
{
    private readonly WebhookApiHost _api;

    public AddressWebhookTests(WebhookApiHost api) => _api = api;

    [Fact]
    public async Task Adding_removing_and_moving_addresses_post_address_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await _api.SubscribeWebhookAsync(receiver.Url, null, "address.*");
        var user = await _api.CreateUserAsync();
        var oldDomain = _api.NewName("hookold") + ".example";
        var newDomain = _api.NewName("hooknew") + ".example";

        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/addresses", json: new JsonObject { ["address"] = "first@" + oldDomain });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var first = await receiver.NextDeliveredAsync();
        ((string)first["ev"]!).Should().Be("address.user.created");
        ((string)first["user"]!).Should().Be(user.Id.ToString());
        ((string)first["address"]!).Should().Be("first@" + oldDomain);
        ((string)first["addressId"]!).Should().Be((string)created["id"]!);

        (await _api.CallAsync(HttpMethod.Put, "/addresses/renameDomain", json: new JsonObject { ["oldDomain"] = oldDomain, ["newDomain"] = newDomain })).Status.Should().Be(HttpStatusCode.OK);
        var renamed = await receiver.NextDeliveredAsync();
        ((string)renamed["ev"]!).Should().Be("address.domain.renamed");
        ((string)renamed["oldDomain"]!).Should().Be(oldDomain);
        ((string)renamed["newDomain"]!).Should().Be(newDomain);
        ((string)renamed["modifiedAddresses"]!).Should().Be("1");

        (await _api.CallAsync(HttpMethod.Delete, "/users/" + user.Id + "/addresses/" + (string)created["id"]!)).Status.Should().Be(HttpStatusCode.OK);
        var deleted = await receiver.NextDeliveredAsync();
        ((string)deleted["ev"]!).Should().Be("address.user.deleted");
        ((string)deleted["address"]!).Should().Be("first@" + newDomain);
        ((string)deleted["addressId"]!).Should().Be((string)created["id"]!);
    }
}
