// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>
/// Every route, taken from the route table (so a new endpoint is covered automatically): one user's
/// token never reaches another user's data, and nothing changes when it tries.
/// </summary>
public sealed class CrossUserTests : IClassFixture<ApiHost>
{
    private static readonly Dictionary<string, JsonObject> ValidBodies = new()
    {
        ["uploadMessage"] = new JsonObject { ["raw"] = "Subject: intruder\r\n\r\nx\r\n" },
        ["updateMessage"] = new JsonObject { ["seen"] = true, ["deleted"] = true },
        ["updateMessages"] = new JsonObject { ["seen"] = true, ["deleted"] = true },
        ["searchApplyMessages"] = new JsonObject { ["action"] = new JsonObject { ["seen"] = true, ["flagged"] = true } },
        ["updateMailbox"] = new JsonObject { ["path"] = "Stolen" },
        ["createMailbox"] = new JsonObject { ["path"] = "Planted" },
        ["createUserAddress"] = new JsonObject { ["address"] = "planted@example.org" },
        ["updateUserAddress"] = new JsonObject { ["name"] = "Owned", ["main"] = true },
        ["updateUser"] = new JsonObject { ["name"] = "Owned" },
    };

    private readonly ApiHost _api;

    public CrossUserTests(ApiHost api) => _api = api;

    public static IEnumerable<object[]> UserDataRoutes() =>
        ApiRoutes.All.Where(r => r.Access == RouteAccess.UserData).Select(r => new object[] { r.Method, r.Pattern });

    public static IEnumerable<object[]> ObjectRoutes() =>
        ApiRoutes.All.Where(r => r.Access == RouteAccess.UserData && new[] { "{mailbox}", "{address}", "{asp}", "{event}" }.Any(p => r.Pattern.Contains(p, StringComparison.Ordinal)))
            .Select(r => new object[] { r.Method, r.Pattern });

    public static IEnumerable<object[]> RootRoutes() =>
        ApiRoutes.All.Where(r => r.Access == RouteAccess.Root).Select(r => new object[] { r.Method, r.Pattern });

    public static IEnumerable<object[]> ServiceRoutes() =>
        ApiRoutes.All.Where(r => r.Access == RouteAccess.Service).Select(r => new object[] { r.Method, r.Pattern });

    private sealed record Victim(UserRecord User, MailboxRecord Inbox, uint Uid, string AddressId, byte[] Message, string AspId, string EventId);

    private async Task<Victim> CreateVictimAsync()
    {
        var user = await _api.CreateUserAsync(_api.NewName("alice"));
        var message = TestMessages.Multipart();
        var stored = await _api.DeliverAsync(user, message);
        var address = await _api.Users.AddAddressAsync(user.Id, _api.NewName("alias") + "@example.org");
        var (status, asp) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/asps", json: new JsonObject { ["description"] = "victim's phone" });
        status.Should().Be(HttpStatusCode.OK, asp.ToJsonString());
        var log = await _api.Services.GetRequiredService<IAuthLogStore>().ListAuthEventsAsync(user.Id, new AuthEventQuery(), DateTimeOffset.UtcNow);
        return new Victim(user, await _api.InboxAsync(user), stored.Uid, address.Id.ToString(), message, (string)asp["id"]!, log.Events[0].Id.ToString());
    }

    private static string Fill(string pattern, string user, Victim victim) => pattern
        .Replace("{user}", user, StringComparison.Ordinal)
        .Replace("{mailbox}", victim.Inbox.Id.ToString(), StringComparison.Ordinal)
        .Replace("{message}", victim.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{address}", victim.AddressId, StringComparison.Ordinal)
        .Replace("{attachment}", "ATT00001", StringComparison.Ordinal)
        .Replace("{asp}", victim.AspId, StringComparison.Ordinal)
        .Replace("{event}", victim.EventId, StringComparison.Ordinal);

    private static JsonObject? Body(string method, string pattern)
    {
        var route = ApiRoutes.All.Single(r => r.Method == method && r.Pattern == pattern);
        return route.BodyKind == BodyKind.None ? null : ValidBodies.TryGetValue(route.OperationId, out var body) ? (JsonObject)body.DeepClone() : new JsonObject();
    }

    private async Task ShouldBeUntouchedAsync(Victim victim)
    {
        var user = (await _api.Users.GetUserAsync(victim.User.Id))!;
        user.Name.Should().Be(victim.User.Name);
        user.Quota.Should().Be(victim.User.Quota);
        user.AuthVersion.Should().Be(victim.User.AuthVersion);
        user.Address.Should().Be(victim.User.Address);
        (await _api.Mailboxes.ListMailboxesAsync(victim.User.Id)).Select(m => m.Path).Should().BeEquivalentTo(new[] { "INBOX", "Drafts", "Sent Mail", "Junk", "Trash" });
        (await _api.Users.ListAddressesAsync(victim.User.Id)).Should().HaveCount(2).And.OnlyContain(a => a.Name == null);
        var message = (await _api.Messages.GetMessageAsync(victim.User.Id, victim.Inbox.Id, victim.Uid))!;
        message.Flags.Should().Be(MessageFlags.None);
        (await _api.Mailboxes.GetMailboxAsync(victim.User.Id, victim.Inbox.Id))!.MessageCount.Should().Be(1);
        (await _api.Services.GetRequiredService<IAspStore>().ListAspsAsync(victim.User.Id, DateTimeOffset.UtcNow)).Select(a => a.Id.ToString()).Should().Equal(victim.AspId);
    }

    [Theory]
    [MemberData(nameof(UserDataRoutes))]
    public async Task A_user_token_naming_another_user_is_refused(string method, string pattern)
    {
        var victim = await CreateVictimAsync();
        var attacker = await _api.CreateUserAsync(_api.NewName("mallory"));
        var token = await _api.LoginAsync(attacker);

        var (status, body) = await _api.CallAsync(new HttpMethod(method), Fill(pattern, victim.User.Id.ToString(), victim), token, Body(method, pattern));
        status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());
        ((string)body["code"]!).Should().Be("MissingPrivileges");
        body.ContainsKey("details").Should().BeFalse("nothing about the other user's request is validated or revealed");
        await ShouldBeUntouchedAsync(victim);
    }

    [Theory]
    [MemberData(nameof(ObjectRoutes))]
    public async Task A_user_token_with_another_users_mailbox_or_address_id_finds_nothing(string method, string pattern)
    {
        var victim = await CreateVictimAsync();
        var attacker = await _api.CreateUserAsync(_api.NewName("mallory"));
        var token = await _api.LoginAsync(attacker);

        // The attacker's own user, the victim's object ids.
        var (status, body) = await _api.CallAsync(new HttpMethod(method), Fill(pattern, "me", victim), token, Body(method, pattern));
        status.Should().Be(HttpStatusCode.NotFound, body.ToJsonString());
        ((string)body["code"]!).Should().BeOneOf("NoSuchMailbox", "AddressNotFound", "AspNotFound", "AuthlogNotFound");
        await ShouldBeUntouchedAsync(victim);
    }

    [Theory]
    [MemberData(nameof(RootRoutes))]
    public async Task Root_routes_refuse_user_and_webmail_tokens(string method, string pattern)
    {
        var victim = await CreateVictimAsync();
        var token = await _api.LoginAsync(await _api.CreateUserAsync(_api.NewName("mallory")));
        var path = pattern
            .Replace("{username}", victim.User.Username, StringComparison.Ordinal)
            .Replace("{address}", Uri.EscapeDataString(victim.User.Address!), StringComparison.Ordinal)
            .Replace("{user}", victim.User.Id.ToString(), StringComparison.Ordinal);
        var body = method == "POST" ? new JsonObject { ["username"] = _api.NewName("planted") } : null;
        foreach (var caller in new[] { token, ApiHost.WebmailToken })
        {
            var (status, error) = await _api.CallAsync(new HttpMethod(method), path, caller, body);
            status.Should().Be(HttpStatusCode.Forbidden, error.ToJsonString());
            ((string)error["code"]!).Should().Be("MissingPrivileges");
        }

        await ShouldBeUntouchedAsync(victim);
        (await _api.Users.GetUserAsync(victim.User.Id)).Should().NotBeNull();
    }

    [Theory]
    [MemberData(nameof(ServiceRoutes))]
    public async Task Service_routes_refuse_user_tokens(string method, string pattern)
    {
        var victim = await CreateVictimAsync();
        var token = await _api.LoginAsync(await _api.CreateUserAsync(_api.NewName("mallory")));
        var (status, error) = await _api.CallAsync(new HttpMethod(method), pattern, token, new JsonObject { ["username"] = victim.User.Username });
        status.Should().Be(HttpStatusCode.Forbidden, error.ToJsonString());
        ((string)error["code"]!).Should().Be("MissingPrivileges");
        await ShouldBeUntouchedAsync(victim);
    }

    [Fact]
    public void Every_route_is_covered_by_one_of_the_cross_user_theories()
    {
        foreach (var route in ApiRoutes.All)
        {
            route.Access.Should().BeOneOf(RouteAccess.Public, RouteAccess.Root, RouteAccess.Service, RouteAccess.UserData, RouteAccess.UserToken);
            if (route.Pattern.Contains("{user}", StringComparison.Ordinal))
            {
                route.Access.Should().NotBe(RouteAccess.Public, route.Pattern + " names a user");
            }
        }
    }
}
