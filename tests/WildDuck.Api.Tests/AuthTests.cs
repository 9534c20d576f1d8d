// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

public sealed class AuthTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public AuthTests(ApiHost api) => _api = api;

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/health", token: null);
        status.Should().Be(HttpStatusCode.OK);
        ((bool)body["success"]!).Should().BeTrue();
    }

    [Fact]
    public async Task A_missing_or_wrong_token_is_401_InvalidToken()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users", token: null);
        status.Should().Be(HttpStatusCode.Unauthorized);
        ((string)body["code"]!).Should().Be("InvalidToken");

        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users", token: "not-the-root-token-at-all");
        status.Should().Be(HttpStatusCode.Unauthorized);
        ((string)body["code"]!).Should().Be("InvalidToken");

        (status, _) = await _api.CallAsync(HttpMethod.Get, "/users", token: new string('a', 40));
        status.Should().Be(HttpStatusCode.Unauthorized, "a well-formed user token that was never issued");
    }

    [Fact]
    public async Task The_root_token_works_as_header_bearer_and_query_parameter()
    {
        (await _api.CallAsync(HttpMethod.Get, "/users", token: ApiHost.RootToken)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Get, "/users?accessToken=" + ApiHost.RootToken, token: null)).Status.Should().Be(HttpStatusCode.OK);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/users");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiHost.RootToken);
        using var response = await _api.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Authenticate_issues_a_user_token_for_me_stored_only_as_a_hash()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password, ["token"] = true });
        status.Should().Be(HttpStatusCode.OK);
        ((string)body["id"]!).Should().Be(user.Id.ToString());
        ((string)body["scope"]!).Should().Be("master");
        var token = (string)body["token"]!;
        token.Should().MatchRegex("^[0-9a-f]{40}$");

        var (meStatus, me) = await _api.CallAsync(HttpMethod.Get, "/users/me", token);
        meStatus.Should().Be(HttpStatusCode.OK);
        ((string)me["username"]!).Should().Be(user.Username);

        var store = _api.Services.GetRequiredService<IAccessTokenStore>();
        (await store.GetTokenAsync(AccessTokens.Hash(token), DateTimeOffset.UtcNow)).Should().NotBeNull();
        (await store.GetTokenAsync(token, DateTimeOffset.UtcNow)).Should().BeNull("the token itself is never a key");
    }

    [Fact]
    public async Task Authenticate_without_token_only_checks_the_password()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password });
        status.Should().Be(HttpStatusCode.OK);
        body.ContainsKey("token").Should().BeFalse();
    }

    [Fact]
    public async Task A_wrong_password_is_403_AuthFailed_and_repeated_failures_are_429()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = "wrong" });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("AuthFailed");

        (await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = "nobody-here", ["password"] = "x" })).Status
            .Should().Be(HttpStatusCode.Forbidden, "an unknown user looks like a wrong password");

        HttpStatusCode last = HttpStatusCode.OK;
        for (int i = 0; i < 20 && last != HttpStatusCode.TooManyRequests; i++)
        {
            using var response = await _api.SendAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = "wrong" });
            last = response.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter.Should().NotBeNull();
                var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                ((string)error["code"]!).Should().Be("RateLimitedError");
            }
        }

        last.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Delete_authenticate_revokes_the_token()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        (await _api.CallAsync(HttpMethod.Delete, "/authenticate", token)).Status.Should().Be(HttpStatusCode.OK);
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me", token);
        status.Should().Be(HttpStatusCode.Unauthorized);
        ((string)body["code"]!).Should().Be("InvalidToken");
    }

    [Fact]
    public async Task Delete_authenticate_needs_a_user_token()
    {
        (await _api.CallAsync(HttpMethod.Delete, "/authenticate", ApiHost.RootToken)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Delete, "/authenticate", token: null)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_password_change_revokes_every_token_of_the_user()
    {
        var user = await _api.CreateUserAsync();
        var first = await _api.LoginAsync(user);
        var second = await _api.LoginAsync(user);

        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me", first, new JsonObject { ["password"] = "a new password", ["existingPassword"] = ApiHost.Password });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());

        (await _api.CallAsync(HttpMethod.Get, "/users/me", first)).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await _api.CallAsync(HttpMethod.Get, "/users/me", second)).Status.Should().Be(HttpStatusCode.Unauthorized);
        var fresh = await _api.LoginAsync(user, "a new password");
        (await _api.CallAsync(HttpMethod.Get, "/users/me", fresh)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Suspending_a_user_revokes_its_tokens()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["suspended"] = true })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var user = await _api.CreateUserAsync();
        var token = AccessTokens.Generate();
        var store = _api.Services.GetRequiredService<IAccessTokenStore>();
        var now = DateTimeOffset.UtcNow;
        await store.CreateTokenAsync(new AccessTokenRecord { TokenHash = AccessTokens.Hash(token), User = user.Id, Role = "user", AuthVersion = user.AuthVersion, Created = now.AddDays(-20), Expires = now.AddSeconds(-1) });
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_needs_a_user_token()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me");
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["user"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_user_token_cannot_use_root_routes()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users", token);
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("MissingPrivileges");
        (await _api.CallAsync(HttpMethod.Post, "/users", token, new JsonObject { ["username"] = _api.NewName("x") })).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_webmail_token_reaches_any_users_mail_but_not_user_administration()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes", ApiHost.WebmailToken)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id, ApiHost.WebmailToken)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Get, "/users", ApiHost.WebmailToken)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Delete, "/users/" + user.Id, ApiHost.WebmailToken)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, ApiHost.WebmailToken, new JsonObject { ["quota"] = 1 })).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_unknown_path_is_a_json_404()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/no/such/thing");
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("NotFound");
    }

    [Fact]
    public async Task A_stale_token_does_not_block_logging_in_again()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: new string('b', 40), json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password, ["token"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task Preauth_tells_a_service_whether_a_user_may_log_in()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/preauth", ApiHost.WebmailToken, new JsonObject { ["username"] = user.Address });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((string)body["id"]!).Should().Be(user.Id.ToString());
        ((bool)body["require2fa"]!).Should().BeFalse();

        (await _api.CallAsync(HttpMethod.Post, "/preauth", json: new JsonObject { ["username"] = "nobody-known" })).Status.Should().Be(HttpStatusCode.Forbidden);
        await _api.Users.UpdateUserAsync(user.Id, new Storage.UserUpdate { DisabledScopes = new[] { "imap" } });
        var (scopeStatus, scope) = await _api.CallAsync(HttpMethod.Post, "/preauth", json: new JsonObject { ["username"] = user.Username, ["scope"] = "imap" });
        scopeStatus.Should().Be(HttpStatusCode.Forbidden);
        ((string)scope["code"]!).Should().Be("InvalidAuthScope");
        (await _api.CallAsync(HttpMethod.Post, "/preauth", token: null, json: new JsonObject { ["username"] = user.Username })).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_known_path_with_another_method_is_a_json_405()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Patch, "/users");
        status.Should().Be(HttpStatusCode.MethodNotAllowed);
        ((string)body["code"]!).Should().Be("MethodNotAllowed");
    }

    [Fact]
    public async Task A_used_token_slides_but_never_past_its_maximum_lifetime()
    {
        var user = await _api.CreateUserAsync();
        var store = _api.Services.GetRequiredService<IAccessTokenStore>();
        var now = DateTimeOffset.UtcNow;

        // Issued 10 days ago with 1 day left: a use extends it to now + 14 days.
        var sliding = AccessTokens.Generate();
        await store.CreateTokenAsync(new AccessTokenRecord { TokenHash = AccessTokens.Hash(sliding), User = user.Id, Role = "user", AuthVersion = user.AuthVersion, Created = now.AddDays(-10), Expires = now.AddDays(1) });
        (await _api.CallAsync(HttpMethod.Get, "/users/me", sliding)).Status.Should().Be(HttpStatusCode.OK);
        (await store.GetTokenAsync(AccessTokens.Hash(sliding), now.AddDays(13))).Should().NotBeNull();

        // Issued 179 days ago: a use extends it only to its 180th day.
        var old = AccessTokens.Generate();
        await store.CreateTokenAsync(new AccessTokenRecord { TokenHash = AccessTokens.Hash(old), User = user.Id, Role = "user", AuthVersion = user.AuthVersion, Created = now.AddDays(-179), Expires = now.AddHours(1) });
        (await _api.CallAsync(HttpMethod.Get, "/users/me", old)).Status.Should().Be(HttpStatusCode.OK);
        (await store.GetTokenAsync(AccessTokens.Hash(old), now.AddDays(2))).Should().BeNull("the maximum lifetime caps the slide");
    }

    [Fact]
    public async Task Requests_are_counted_by_route_and_status()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string Route, int Status)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "WildDuck.Api" && instrument.Name == "wildduck.api.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? route = null;
            int status = 0;
            foreach (var tag in tags)
            {
                if (tag.Key == "route")
                {
                    route = (string?)tag.Value;
                }
                else if (tag.Key == "status")
                {
                    status = (int)tag.Value!;
                }
            }

            seen.Add((route ?? string.Empty, status));
        });
        listener.Start();

        await _api.CallAsync(HttpMethod.Get, "/health", token: null);
        await _api.CallAsync(HttpMethod.Get, "/users", token: null);
        seen.Should().Contain(("health", 200)).And.Contain(("listUsers", 401));
    }
}
