// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Hosting;
using WildDuck.Imap;
using WildDuck.Pop3;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>The API host with IMAP and POP3 listeners on loopback ephemeral ports (plain, insecure auth allowed).</summary>
public sealed class ProtocolApiHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddWildDuck(o => o.Security.AllowInsecureAuth = true)
            .AddImap(o => (o.Port, o.TlsPort) = (0, 0))
            .AddPop3(o => (o.Port, o.TlsPort) = (0, 0))
            .AddListener(new ListenerOptions { Name = "imap-t", Protocol = "imap", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetImapHandler())
            .AddListener(new ListenerOptions { Name = "pop3-t", Protocol = "pop3", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetPop3Handler());

    public IPEndPoint EndPoint(string name) => Services.GetRequiredService<ListenerHostedService>().GetBoundEndPoint(name)!;
}

public sealed class LogoutTests : IClassFixture<ProtocolApiHost>
{
    private readonly ProtocolApiHost _api;

    public LogoutTests(ProtocolApiHost api) => _api = api;

    [Fact]
    public async Task Logout_closes_the_users_imap_and_pop3_sessions_with_the_reason_and_revokes_its_tokens()
    {
        var user = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var otherToken = await _api.LoginAsync(other);

        using var imap = await LoggedInImapAsync(user);
        await imap.SendAsync("b SELECT INBOX");
        (await imap.ReadUntilAsync("b ")).Should().StartWith("b OK");

        using var otherImap = new LineClient();
        await otherImap.ConnectAsync(_api.EndPoint("imap-t"));
        await otherImap.ReadLineAsync();
        await otherImap.SendAsync($"a LOGIN {other.Username} \"{ApiHost.Password}\"");
        (await otherImap.ReadUntilAsync("a ")).Should().StartWith("a OK");

        using var pop3 = new LineClient();
        await pop3.ConnectAsync(_api.EndPoint("pop3-t"));
        await pop3.ReadLineAsync();
        await pop3.SendAsync("USER " + user.Username);
        (await pop3.ReadLineAsync()).Should().StartWith("+OK");
        await pop3.SendAsync("PASS " + ApiHost.Password);
        (await pop3.ReadLineAsync()).Should().StartWith("+OK");

        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/logout", json: new JsonObject { ["reason"] = "Password reset by admin" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((int)body["sessions"]!).Should().Be(2);
        ((long)body["tokens"]!).Should().Be(1);

        (await imap.ReadLineAsync()).Should().Be("* BYE Password reset by admin");
        (await imap.ReadLineAsync()).Should().Be("<closed>");
        (await pop3.ReadLineAsync()).Should().Be("-ERR [SYS/TEMP] Password reset by admin");
        (await pop3.ReadLineAsync()).Should().Be("<closed>");

        var (revoked, _) = await _api.CallAsync(HttpMethod.Get, "/users/me", token);
        revoked.Should().Be(HttpStatusCode.Unauthorized);

        // The other user is untouched: its session still answers, its token still works.
        await otherImap.SendAsync("c NOOP");
        (await otherImap.ReadUntilAsync("c ")).Should().StartWith("c OK");
        (await _api.CallAsync(HttpMethod.Get, "/users/me", otherToken)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("password", "Password changed")]
    [InlineData("suspended", "Account suspended")]
    [InlineData("custom2fa", "Two-factor authentication was enabled")]
    public async Task A_new_password_a_suspension_and_the_first_2fa_method_end_open_imap_sessions(string change, string reason)
    {
        var user = await _api.CreateUserAsync();
        using var imap = await LoggedInImapAsync(user);

        var (status, body) = change switch
        {
            "password" => await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["password"] = "a-new-password-123" }),
            "suspended" => await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["suspended"] = true }),
            _ => await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/2fa/custom", json: new JsonObject()),
        };
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());

        // The session was opened with what no longer lets anyone in (reference §6.1, §7.4).
        (await imap.ReadLineAsync()).Should().Be("* BYE " + reason);
        (await imap.ReadLineAsync()).Should().Be("<closed>");
    }

    [Fact]
    public async Task Changes_that_do_not_lock_anyone_out_leave_sessions_open()
    {
        var user = await _api.CreateUserAsync();
        using var imap = await LoggedInImapAsync(user);

        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["name"] = "Renamed", ["suspended"] = false })).Status.Should().Be(HttpStatusCode.OK);
        await imap.SendAsync("b NOOP");
        (await imap.ReadUntilAsync("b ")).Should().StartWith("b OK");
    }

    private async Task<LineClient> LoggedInImapAsync(UserRecord user)
    {
        var imap = new LineClient();
        await imap.ConnectAsync(_api.EndPoint("imap-t"));
        await imap.ReadLineAsync();
        await imap.SendAsync($"a LOGIN {user.Username} \"{ApiHost.Password}\"");
        (await imap.ReadUntilAsync("a ")).Should().StartWith("a OK");
        return imap;
    }

    [Fact]
    public async Task A_user_may_log_itself_out_and_a_bad_reason_is_refused()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/logout", token, new JsonObject { ["reason"] = "bye\r\n* OK injected" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["reason"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/logout", token, new JsonObject());
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((int)body["sessions"]!).Should().Be(0);
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await _api.CallAsync(HttpMethod.Put, "/users/" + UserId.NewId() + "/logout", json: new JsonObject())).Status.Should().Be(HttpStatusCode.NotFound);
    }
}
