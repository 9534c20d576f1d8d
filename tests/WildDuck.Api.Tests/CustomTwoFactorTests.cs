// SPDX-License-Identifier: MIT
using System.Net.Http;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>Custom 2FA (reference §7.4): a marker an external system acts on.</summary>
public sealed class CustomTwoFactorTests : IClassFixture<TwoFactorHost>
{
    private readonly TwoFactorHost _api;

    public CustomTwoFactorTests(TwoFactorHost api) => _api = api;

    private static string Path(UserRecord user) => $"/users/{user.Id}/2fa/custom";

    private async Task<JsonArray> AuthLogAsync(UserRecord user)
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog");
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return body["results"]!.AsArray();
    }

    [Fact]
    public async Task Enabling_marks_the_user_revokes_its_tokens_and_is_reported_by_user_and_preauth()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/2fa/custom", token, new JsonObject { ["sess"] = "s1", ["ip"] = "192.0.2.7" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        (await _api.Users.GetUserAsync(user.Id))!.AuthVersion.Should().Be(user.AuthVersion + 1, "the first method revokes tokens");
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Unauthorized);

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        body["enabled2fa"]!.AsArray().Select(m => (string)m!).Should().Equal("custom");
        (_, body) = await _api.CallAsync(HttpMethod.Post, "/preauth", json: new JsonObject { ["username"] = user.Username });
        body["require2fa"]!.AsArray().Select(m => (string)m!).Should().Equal("custom");

        // Enabling again is a success that changes nothing and logs nothing.
        (await _api.CallAsync(HttpMethod.Put, Path(user), json: new JsonObject())).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.AuthVersion.Should().Be(user.AuthVersion + 1);
        var log = await AuthLogAsync(user);
        log.Where(e => (string)e!["action"]! == "enable 2fa").Should().ContainSingle();
    }

    [Fact]
    public async Task The_account_password_then_opens_only_the_master_scope_and_its_token_is_not_held_back()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Put, Path(user), json: new JsonObject())).Status.Should().Be(HttpStatusCode.OK);

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password, ["scope"] = "imap" });
        status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());

        var (token, login) = await _api.AuthenticateAsync(user);
        login["require2fa"]!.AsArray().Select(m => (string)m!).Should().Equal("custom");
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.OK, "the external system checks custom 2FA; this API cannot unlock a token for it");

        // But that token cannot get around the second factor: no application password (which would
        // open IMAP with the password alone), no removing 2FA. The trusted system's token can.
        foreach (var (method, path, json) in new (HttpMethod, string, JsonObject?)[]
        {
            (HttpMethod.Post, "/users/me/asps", new JsonObject { ["description"] = "phone", ["scopes"] = new JsonArray("imap") }),
            (HttpMethod.Delete, "/users/me/2fa/custom", null),
            (HttpMethod.Delete, "/users/me/2fa", null),
            (HttpMethod.Delete, "/users/me/2fa/totp", null),
            (HttpMethod.Put, "/users/me", new JsonObject { ["disable2fa"] = true }),
        })
        {
            (status, body) = await _api.CallAsync(method, path, token, json);
            status.Should().Be(HttpStatusCode.Forbidden, method + " " + path);
            ((string)body["code"]!).Should().Be("Require2FA");
        }

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/asps", json: new JsonObject { ["description"] = "phone", ["scopes"] = new JsonArray("imap") });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        (await _api.CallAsync(HttpMethod.Delete, Path(user))).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Post, "/users/me/asps", token, new JsonObject { ["description"] = "phone", ["scopes"] = new JsonArray("imap") })).Status.Should().Be(HttpStatusCode.OK, "without custom 2FA the user's token may again");
    }

    [Fact]
    public async Task Disabling_removes_only_the_marker_and_disabling_all_clears_it_too()
    {
        var user = await _api.CreateUserAsync();
        var secret = await _api.EnableTotpAsync(user);
        secret.Should().NotBeEmpty();
        (await _api.CallAsync(HttpMethod.Put, Path(user), json: new JsonObject())).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEquivalentTo(new[] { "totp", "custom" });

        (await _api.CallAsync(HttpMethod.Delete, Path(user))).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().Equal("totp");
        (await AuthLogAsync(user)).Should().Contain(e => (string)e!["action"]! == "disable 2fa");

        (await _api.CallAsync(HttpMethod.Put, Path(user), json: new JsonObject())).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Delete, $"/users/{user.Id}/2fa")).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEmpty();
    }

    [Fact]
    public async Task Unknown_users_and_fields_are_refused()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Put, Path(user), json: new JsonObject { ["enabled"] = true });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["enabled"].Should().NotBeNull();
        (status, body) = await _api.CallAsync(HttpMethod.Put, $"/users/{UserId.NewId()}/2fa/custom", json: new JsonObject());
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("UserNotFound");
        (await _api.CallAsync(HttpMethod.Delete, $"/users/{UserId.NewId()}/2fa/custom")).Status.Should().Be(HttpStatusCode.NotFound);
    }
}
