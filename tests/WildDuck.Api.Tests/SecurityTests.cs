// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>Application-specific passwords, the authentication log and password reset over HTTP.</summary>
public sealed class SecurityTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public SecurityTests(ApiHost api) => _api = api;

    private async Task<(HttpStatusCode Status, JsonObject Body)> LoginAsync(UserRecord user, string password, string scope = "master") =>
        await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = password, ["scope"] = scope });

    private async Task<JsonObject> CreateAspAsync(UserRecord user, JsonObject body, string? token = ApiHost.RootToken)
    {
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/asps", token, body);
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        return created;
    }

    private async Task<JsonArray> AuthLogAsync(UserRecord user, string query = "")
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog" + query);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return body["results"]!.AsArray();
    }

    [Fact]
    public async Task An_application_password_is_shown_once_stored_hashed_and_works_only_for_its_scopes()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var created = await CreateAspAsync(user, new JsonObject { ["description"] = "Thunderbird", ["scopes"] = new JsonArray("imap", "smtp") }, token);
        var password = (string)created["password"]!;
        password.Should().MatchRegex("^[a-z]{16}$");
        created["scopes"]!.AsArray().Select(s => (string)s!).Should().Equal("imap", "smtp");
        var id = (string)created["id"]!;

        var (listStatus, list) = await _api.CallAsync(HttpMethod.Get, "/users/me/asps", token);
        listStatus.Should().Be(HttpStatusCode.OK);
        var item = list["results"]!.AsArray().Single()!.AsObject();
        ((string)item["id"]!).Should().Be(id);
        ((string)item["description"]!).Should().Be("Thunderbird");
        item.ToJsonString().Should().NotContain(password, "the password is never shown again");
        ((bool)item["lastUse"]!["time"]!).Should().BeFalse();

        var stored = await _api.Services.GetRequiredService<IAspStore>().ListAspsAsync(user.Id, DateTimeOffset.UtcNow);
        stored.Single().PasswordHash.Should().StartWith("$pbkdf2-sha256$").And.NotContain(password);

        (await LoginAsync(user, password, "imap")).Status.Should().Be(HttpStatusCode.OK);
        var (pop3, pop3Body) = await LoginAsync(user, password, "pop3");
        pop3.Should().Be(HttpStatusCode.Forbidden);
        ((string)pop3Body["code"]!).Should().Be("InvalidAuthScope");
        var (master, masterBody) = await LoginAsync(user, password);
        master.Should().Be(HttpStatusCode.Forbidden, "application passwords never open the master scope");
        ((string)masterBody["code"]!).Should().Be("AuthFailed");

        var (getStatus, one) = await _api.CallAsync(HttpMethod.Get, "/users/me/asps/" + id, token);
        getStatus.Should().Be(HttpStatusCode.OK);
        one["lastUse"]!["time"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.String, "the IMAP login used it");

        (await _api.CallAsync(HttpMethod.Delete, "/users/me/asps/" + id, token)).Status.Should().Be(HttpStatusCode.OK);
        var (gone, goneBody) = await _api.CallAsync(HttpMethod.Get, "/users/me/asps/" + id, token);
        gone.Should().Be(HttpStatusCode.NotFound);
        ((string)goneBody["code"]!).Should().Be("AspNotFound");
        (await _api.CallAsync(HttpMethod.Delete, "/users/me/asps/" + id, token)).Status.Should().Be(HttpStatusCode.NotFound);
        (await LoginAsync(user, password, "imap")).Status.Should().Be(HttpStatusCode.Forbidden, "a deleted password stops working");

        var actions = (await AuthLogAsync(user)).Select(e => (string)e!["action"]!).ToList();
        actions.Should().Contain(new[] { "create asp", "delete asp", "authentication" });
    }

    [Fact]
    public async Task A_chosen_password_with_spaces_and_all_three_scopes_is_stored_as_star()
    {
        var user = await _api.CreateUserAsync();
        var created = await CreateAspAsync(user, new JsonObject
        {
            ["description"] = "phone",
            ["password"] = "abcd efgh ijkl mnop",
            ["scopes"] = new JsonArray("imap", "pop3", "smtp"),
            ["ttl"] = 3600,
        });
        ((string)created["password"]!).Should().Be("abcdefghijklmnop");
        created["scopes"]!.AsArray().Select(s => (string)s!).Should().Equal("*");
        (await LoginAsync(user, "ABCD EFGH IJKL MNOP", "pop3")).Status.Should().Be(HttpStatusCode.OK);
        var (_, one) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/asps/" + (string)created["id"]!);
        ((long)one["ttl"]!).Should().Be(3600);
        one["expires"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.String);
    }

    [Theory]
    [InlineData("{}", "description")]
    [InlineData("{\"description\":\"   \"}", "description")]
    [InlineData("{\"description\":\"x\",\"scopes\":[\"master\"]}", "scopes")]
    [InlineData("{\"description\":\"x\",\"scopes\":\"imap\"}", "scopes")]
    [InlineData("{\"description\":\"x\",\"password\":\"tooshort\"}", "password")]
    [InlineData("{\"description\":\"x\",\"password\":\"abcdefghijklmno1\"}", "password")]
    [InlineData("{\"description\":\"x\",\"ttl\":0}", "ttl")]
    [InlineData("{\"description\":\"x\",\"ttl\":\"soon\"}", "ttl")]
    [InlineData("{\"description\":\"x\",\"generateMobileconfig\":\"yes\"}", "generateMobileconfig")]
    [InlineData("{\"description\":\"x\",\"scopes\":[\"imap\"],\"generateMobileconfig\":true}", "scopes")]
    public async Task Bad_application_password_input_is_a_400_with_the_field(string json, string field)
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/asps", content: new StringContent(json, Encoding.UTF8, "application/json"));
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        ((string)body["code"]!).Should().Be("InputValidationError");
        body["details"]![field].Should().NotBeNull(body.ToJsonString());
        (await _api.Services.GetRequiredService<IAspStore>().ListAspsAsync(user.Id, DateTimeOffset.UtcNow)).Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_ids_are_400_and_unknown_ids_404()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/asps/nope")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/asps/" + EntityId.NewId())).Status.Should().Be(HttpStatusCode.NotFound);
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog/nope")).Status.Should().Be(HttpStatusCode.BadRequest);
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog/" + EntityId.NewId());
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("AuthlogNotFound");
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog?next=garbage")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog?limit=0")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog?unknown=1")).Status.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_authentication_log_shows_logins_with_source_and_result_pages_with_cursors_and_filters()
    {
        var user = await _api.CreateUserAsync();
        (await LoginAsync(user, "wrong password")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await LoginAsync(user, ApiHost.Password)).Status.Should().Be(HttpStatusCode.OK);
        await CreateAspAsync(user, new JsonObject { ["description"] = "one" });
        await CreateAspAsync(user, new JsonObject { ["description"] = "two", ["sess"] = "s-42", ["ip"] = "198.51.100.20" });

        var all = await AuthLogAsync(user);
        all.Should().HaveCount(4);
        ((string)all[0]!["action"]!).Should().Be("create asp", "newest first");
        ((string)all[0]!["aname"]!).Should().Be("two");
        ((string)all[0]!["sess"]!).Should().Be("s-42");
        ((string)all[0]!["ip"]!).Should().Be("198.51.100.20", "root may name the client IP");
        var failure = all.Single(e => (string?)e!["result"] == "fail")!;
        ((string)failure["reason"]!).Should().Be("InvalidCredentials");
        ((string)failure["protocol"]!).Should().Be("API");
        var success = all.Single(e => (string?)e!["action"] == "authentication" && (string?)e!["result"] == "success")!;
        ((string)success["source"]!).Should().Be("master");
        ((string)success["requiredScope"]!).Should().Be("master");

        var (_, single) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog/" + (string)success["id"]!);
        ((string)single["id"]!).Should().Be((string)success["id"]!);
        ((int)single["events"]!).Should().Be(1);

        (await AuthLogAsync(user, "?action=create%20asp")).Should().HaveCount(2);
        (await AuthLogAsync(user, "?filterIp=198.51.100.20")).Should().HaveCount(1);

        var (_, page1) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog?limit=3");
        ((long)page1["total"]!).Should().Be(4);
        page1["results"]!.AsArray().Should().HaveCount(3);
        ((bool)page1["previousCursor"]!).Should().BeFalse();
        var next = (string)page1["nextCursor"]!;
        var (_, page2) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog?limit=3&next=" + next);
        page2["results"]!.AsArray().Select(e => (string)e!["id"]!).Should().Equal((string)all[3]!["id"]!);
        ((bool)page2["nextCursor"]!).Should().BeFalse();
        var (_, back) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/authlog?limit=3&previous=" + (string)page2["previousCursor"]!);
        back["results"]!.AsArray().Select(e => (string)e!["id"]!).Should().Equal(all.Take(3).Select(e => (string)e!["id"]!));
    }

    [Fact]
    public async Task A_user_token_reads_its_own_log_and_the_ip_parameter_of_a_user_is_ignored()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        await CreateAspAsync(user, new JsonObject { ["description"] = "mine", ["ip"] = "203.0.113.66" }, token);
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/authlog?action=create%20asp", token);
        status.Should().Be(HttpStatusCode.OK);
        ((string)body["results"]![0]!["ip"]!).Should().NotBe("203.0.113.66", "only root and webmail may name the client IP");
    }

    [Fact]
    public async Task Account_changes_are_in_the_log_and_disabled_scopes_refuse_that_protocol()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["disabledScopes"] = new JsonArray("imap") })).Status.Should().Be(HttpStatusCode.OK);
        var (imap, imapBody) = await LoginAsync(user, ApiHost.Password, "imap");
        imap.Should().Be(HttpStatusCode.Forbidden);
        ((string)imapBody["code"]!).Should().Be("InvalidAuthScope");
        (await LoginAsync(user, ApiHost.Password, "pop3")).Status.Should().Be(HttpStatusCode.OK);

        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["suspended"] = true })).Status.Should().Be(HttpStatusCode.OK);
        (await LoginAsync(user, ApiHost.Password, "pop3")).Status.Should().Be(HttpStatusCode.Forbidden, "a suspended user logs in nowhere");
        var (_, profile) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        ((bool)profile["suspended"]!).Should().BeTrue();
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["suspended"] = false, ["disabled"] = true })).Status.Should().Be(HttpStatusCode.OK);
        (await LoginAsync(user, ApiHost.Password)).Status.Should().Be(HttpStatusCode.Forbidden);

        var actions = (await AuthLogAsync(user)).Select(e => (string)e!["action"]!).ToList();
        actions.Should().Contain(new[] { "update disabled scopes", "suspend account", "unsuspend account", "disable account" });
        (await AuthLogAsync(user)).Should().Contain(e => (string?)e!["result"] == "suspended");
    }

    [Fact]
    public async Task A_password_reset_gives_a_temporary_password_that_asks_for_a_change_until_the_password_changes()
    {
        var user = await _api.CreateUserAsync();
        var (status, reset) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/password/reset", json: new JsonObject());
        status.Should().Be(HttpStatusCode.OK, reset.ToJsonString());
        var temporary = (string)reset["password"]!;
        temporary.Should().MatchRegex("^[A-Za-z0-9]{12}$");

        var (loginStatus, login) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = temporary, ["token"] = true });
        loginStatus.Should().Be(HttpStatusCode.OK, login.ToJsonString());
        ((bool)login["requirePasswordChange"]!).Should().BeTrue();
        var token = (string)login["token"]!;
        var (imap, imapBody) = await LoginAsync(user, temporary, "imap");
        imap.Should().Be(HttpStatusCode.Forbidden);
        ((string)imapBody["code"]!).Should().Be("InvalidAuthScope");
        var (_, normal) = await LoginAsync(user, ApiHost.Password);
        ((bool)normal["requirePasswordChange"]!).Should().BeFalse("the old password still works until changed");

        (await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["password"] = "brand new password", ["existingPassword"] = temporary })).Status.Should().Be(HttpStatusCode.OK);
        (await LoginAsync(user, temporary)).Status.Should().Be(HttpStatusCode.Forbidden, "the change cleared the temporary password");
        (await LoginAsync(user, "brand new password")).Status.Should().Be(HttpStatusCode.OK);

        var log = await AuthLogAsync(user);
        log.Select(e => (string)e!["action"]!).Should().Contain(new[] { "password reset", "password change" });
        log.Should().Contain(e => (string?)e!["source"] == "temporary" && (string?)e!["result"] == "success");
    }

    [Fact]
    public async Task A_temporary_password_valid_later_is_refused_until_then_and_bad_input_is_400()
    {
        var user = await _api.CreateUserAsync();
        var later = DateTimeOffset.UtcNow.AddHours(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var (_, reset) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/password/reset", json: new JsonObject { ["validAfter"] = later });
        var (status, body) = await LoginAsync(user, (string)reset["password"]!);
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("TempPasswordNotYetValid");

        foreach (var bad in new JsonObject[] { new() { ["validAfter"] = "tomorrow" }, new() { ["validAfter"] = 5 }, new() { ["validAfter"] = "2999-01-01T00:00:00Z" }, new() { ["password"] = "x" } })
        {
            var (badStatus, error) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/password/reset", json: bad);
            badStatus.Should().Be(HttpStatusCode.BadRequest, bad.ToJsonString());
            error["details"].Should().NotBeNull();
        }
    }

    [Fact]
    public async Task Only_root_resets_passwords()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        (await _api.CallAsync(HttpMethod.Post, "/users/me/password/reset", token, new JsonObject())).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/password/reset", ApiHost.WebmailToken, new JsonObject())).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.Users.GetUserAsync(user.Id))!.TemporaryPassword.Should().BeNull();
    }
}

/// <summary>An API host that allows two application passwords per user.</summary>
public sealed class TwoAspApiHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<WildDuckOptions>(o => o.Authentication.MaxApplicationPasswords = 2);
}

public sealed class AspLimitTests : IClassFixture<TwoAspApiHost>
{
    private readonly TwoAspApiHost _api;

    public AspLimitTests(TwoAspApiHost api) => _api = api;

    [Fact]
    public async Task Past_the_limit_creation_is_403_TooMany_until_one_is_deleted()
    {
        var user = await _api.CreateUserAsync();
        var path = "/users/" + user.Id + "/asps";
        (await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["description"] = "a" })).Status.Should().Be(HttpStatusCode.OK);
        var (_, second) = await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["description"] = "b" });
        var (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["description"] = "c" });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("TooMany");
        (await _api.CallAsync(HttpMethod.Delete, path + "/" + (string)second["id"]!)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Post, path, json: new JsonObject { ["description"] = "c" })).Status.Should().Be(HttpStatusCode.OK);
    }
}
