// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Http;

namespace WildDuck.Api.Tests;

public sealed class UserTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public UserTests(ApiHost api) => _api = api;

    [Fact]
    public async Task Create_get_update_and_delete_a_user()
    {
        var name = _api.NewName("carol");
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject
        {
            ["username"] = name,
            ["password"] = "secret password",
            ["name"] = "Carol",
            ["quota"] = 1_000_000,
            ["address"] = name + "@example.org",
        });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var id = (string)created["id"]!;

        var (getStatus, user) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        getStatus.Should().Be(HttpStatusCode.OK);
        ((string)user["username"]!).Should().Be(name);
        ((string)user["name"]!).Should().Be("Carol");
        ((string)user["address"]!).Should().Be(name + "@example.org");
        ((long)user["limits"]!["quota"]!["allowed"]!).Should().Be(1_000_000);
        ((long)user["limits"]!["quota"]!["used"]!).Should().Be(0);
        ((bool)user["hasPasswordSet"]!).Should().BeTrue();

        (await _api.CallAsync(HttpMethod.Put, "/users/" + id, json: new JsonObject { ["name"] = "Carol C", ["quota"] = 2_000_000, ["disabledScopes"] = new JsonArray("pop3") })).Status.Should().Be(HttpStatusCode.OK);
        (_, user) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        ((string)user["name"]!).Should().Be("Carol C");
        ((long)user["limits"]!["quota"]!["allowed"]!).Should().Be(2_000_000);
        user["disabledScopes"]!.AsArray().Select(n => (string)n!).Should().Equal("pop3");

        (await _api.CallAsync(HttpMethod.Delete, "/users/" + id)).Status.Should().Be(HttpStatusCode.OK);
        var (goneStatus, gone) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        goneStatus.Should().Be(HttpStatusCode.NotFound);
        ((string)gone["code"]!).Should().Be("UserNotFound");
        (await _api.CallAsync(HttpMethod.Delete, "/users/" + id)).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Usage_reflects_stored_mail()
    {
        var user = await _api.CreateUserAsync();
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("usage"));
        var (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        ((long)body["limits"]!["quota"]!["used"]!).Should().Be(stored.Size);
    }

    [Fact]
    public async Task A_taken_username_is_409_UserExistsError()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = user.Username });
        status.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("UserExistsError");
    }

    [Fact]
    public async Task An_invalid_username_is_a_validation_error()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = "no spaces allowed" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["username"].Should().NotBeNull();
    }

    [Fact]
    public async Task Resolve_finds_a_user_by_username_or_address()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/resolve/" + user.Username);
        status.Should().Be(HttpStatusCode.OK);
        ((string)body["id"]!).Should().Be(user.Id.ToString());
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/resolve/" + Uri.EscapeDataString(user.Address!));
        ((string)body["id"]!).Should().Be(user.Id.ToString());
        var (missing, error) = await _api.CallAsync(HttpMethod.Get, "/users/resolve/nobody-at-all");
        missing.Should().Be(HttpStatusCode.NotFound);
        ((string)error["code"]!).Should().Be("UserNotFound");
    }

    [Fact]
    public async Task Listing_pages_forward_and_back_with_cursors()
    {
        var names = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            names.Add((await _api.CreateUserAsync(_api.NewName("pager"))).Username);
        }

        var seen = new List<string>();
        var pages = new List<List<string>>();
        string? next = null;
        var cursors = new List<string?>();
        do
        {
            cursors.Add(next);
            var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users?limit=2" + (next is null ? string.Empty : "&next=" + next));
            status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            var page = body["results"]!.AsArray().Select(r => (string)r!["username"]!).ToList();
            page.Count.Should().BeLessThanOrEqualTo(2);
            pages.Add(page);
            seen.AddRange(page);
            next = body["nextCursor"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        while (next is not null);

        seen.Should().OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal).And.Contain(names);

        // From the third page, previous leads back to the second, and from there to the first.
        pages.Count.Should().BeGreaterThanOrEqualTo(3);
        var (_, third) = await _api.CallAsync(HttpMethod.Get, "/users?limit=2&next=" + cursors[2]);
        var previous = (string)third["previousCursor"]!;
        var (_, second) = await _api.CallAsync(HttpMethod.Get, "/users?limit=2&previous=" + previous);
        second["results"]!.AsArray().Select(r => (string)r!["username"]!).Should().Equal(pages[1]);
        var (_, first) = await _api.CallAsync(HttpMethod.Get, "/users?limit=2&previous=" + (string)second["previousCursor"]!);
        first["results"]!.AsArray().Select(r => (string)r!["username"]!).Should().Equal(pages[0]);
        ((bool)first["previousCursor"]!).Should().BeFalse();
    }

    [Fact]
    public async Task A_user_may_change_its_own_profile_but_not_its_quota()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        (await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["name"] = "Me Myself" })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Name.Should().Be("Me Myself");

        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["quota"] = 1 });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("MissingPrivileges");
        (await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["suspended"] = false })).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_password_change_by_the_user_needs_the_existing_password()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["password"] = "new one" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["existingPassword"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["password"] = "new one", ["existingPassword"] = "wrong" });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("AuthFailed");

        // Root sets a password without the old one.
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["password"] = "set by root" })).Status.Should().Be(HttpStatusCode.OK);
        await _api.LoginAsync(user, "set by root");
    }

    [Fact]
    public async Task Guessing_the_existing_password_is_rate_limited_like_a_login()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        HttpStatusCode last = HttpStatusCode.OK;
        for (int i = 0; i < 20 && last != HttpStatusCode.TooManyRequests; i++)
        {
            (last, _) = await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["password"] = "new one", ["existingPassword"] = "guess " + i });
            last.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests);
        }

        last.Should().Be(HttpStatusCode.TooManyRequests, "wrong existing passwords count against the user's failed-login window");
        (await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["password"] = "new one", ["existingPassword"] = ApiHost.Password })).Status
            .Should().Be(HttpStatusCode.TooManyRequests, "not even the right one is tried while limited");
    }
}
