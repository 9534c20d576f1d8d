// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>The API host with webhook retries quick enough for tests (10 ms back-off, 3 attempts).</summary>
public sealed class WebhookApiHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<ApiOptions>(o =>
        {
            o.Webhooks.InitialBackoff = TimeSpan.FromMilliseconds(10);
            o.Webhooks.MaxBackoff = TimeSpan.FromMilliseconds(40);
            o.Webhooks.MaxAttempts = 3;
        });
}

public sealed class WebhookTests : IClassFixture<WebhookApiHost>
{
    private readonly WebhookApiHost _api;

    public WebhookTests(WebhookApiHost api) => _api = api;

    private Task<string> SubscribeAsync(string url, string? user, params string[] types) => _api.SubscribeWebhookAsync(url, user, types);

    [Fact]
    public async Task Webhooks_are_created_listed_and_deleted_by_root_with_validated_input()
    {
        var user = await _api.CreateUserAsync();
        var id = await SubscribeAsync("https://hooks.example/one", user.Id.ToString(), "mailbox.*", "user.created");

        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/webhooks?user=" + user.Id);
        var item = list["results"]!.AsArray().Should().ContainSingle().Subject!;
        ((string)item["id"]!).Should().Be(id);
        item["type"]!.AsArray().Select(t => (string)t!).Should().Equal("mailbox.*", "user.created");
        ((string)item["url"]!).Should().Be("https://hooks.example/one");
        ((string)item["user"]!).Should().Be(user.Id.ToString());

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/webhooks", json: new JsonObject { ["type"] = new JsonArray("Mailbox.Created", "ok.*"), ["url"] = "ftp://x" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["type[0]"].Should().NotBeNull();
        body["details"]!["url"].Should().NotBeNull();
        body["details"]!.AsObject().Should().HaveCount(2, "ok.* is a valid prefix pattern");

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/webhooks", json: new JsonObject { ["type"] = new JsonArray(), ["url"] = "https://x.example/" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["type"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/webhooks", json: new JsonObject { ["type"] = new JsonArray("*"), ["url"] = "https://x.example/", ["user"] = UserId.NewId().ToString() });
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("UserNotFound");

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/webhooks", json: new JsonObject { ["type"] = new JsonArray("*"), ["url"] = "https://x.example/", ["secret"] = "x" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["secret"].Should().NotBeNull();

        (await _api.CallAsync(HttpMethod.Delete, "/webhooks/" + id)).Status.Should().Be(HttpStatusCode.OK);
        (status, body) = await _api.CallAsync(HttpMethod.Delete, "/webhooks/" + id);
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("WebhookNotFound");
        (await _api.CallAsync(HttpMethod.Delete, "/webhooks/nope")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await _api.CallAsync(HttpMethod.Get, "/webhooks?user=" + user.Id)).Body["results"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Creating_and_deleting_an_application_password_posts_asp_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await _api.CreateUserAsync();
        await SubscribeAsync(receiver.Url, user.Id.ToString(), "asp.*");

        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/asps", json: new JsonObject { ["description"] = "phone", ["scopes"] = new JsonArray("imap") });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var id = (string)created["id"]!;
        var first = await receiver.NextDeliveredAsync();
        ((string)first["ev"]!).Should().Be("asp.created");
        ((string)first["user"]!).Should().Be(user.Id.ToString());
        ((string)first["asp"]!).Should().Be(id);

        (await _api.CallAsync(HttpMethod.Delete, "/users/" + user.Id + "/asps/" + id)).Status.Should().Be(HttpStatusCode.OK);
        var deleted = await receiver.NextDeliveredAsync();
        ((string)deleted["ev"]!).Should().Be("asp.deleted");
        ((string)deleted["asp"]!).Should().Be(id);
    }

    [Fact]
    public async Task Enabling_and_disabling_custom_2fa_posts_mfa_custom_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await _api.CreateUserAsync();
        await SubscribeAsync(receiver.Url, user.Id.ToString(), "mfa.*");

        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/2fa/custom", json: new JsonObject())).Status.Should().Be(HttpStatusCode.OK);
        var enabled = await receiver.NextDeliveredAsync();
        ((string)enabled["ev"]!).Should().Be("mfa.custom.enabled");
        ((string)enabled["user"]!).Should().Be(user.Id.ToString());
        (await _api.CallAsync(HttpMethod.Delete, "/users/" + user.Id + "/2fa/custom")).Status.Should().Be(HttpStatusCode.OK);
        ((string)(await receiver.NextDeliveredAsync())["ev"]!).Should().Be("mfa.custom.disabled");
    }

    [Fact]
    public async Task Creating_and_deleting_a_forwarded_address_posts_address_forwarded_events_without_a_user()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await SubscribeAsync(receiver.Url, null, "address.forwarded.*");
        var address = _api.NewName("hooked") + "@fwd.example";

        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject { ["address"] = address, ["targets"] = new JsonArray("a@elsewhere.example") });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var id = (string)created["id"]!;
        var first = await receiver.NextDeliveredAsync();
        ((string)first["ev"]!).Should().Be("address.forwarded.created");
        ((string)first["address"]!).Should().Be(address);
        ((string)first["addressId"]!).Should().Be(id);
        first["user"].Should().BeNull();

        (await _api.CallAsync(HttpMethod.Delete, "/addresses/forwarded/" + id)).Status.Should().Be(HttpStatusCode.OK);
        var deleted = await receiver.NextDeliveredAsync();
        ((string)deleted["ev"]!).Should().Be("address.forwarded.deleted");
        ((string)deleted["addressId"]!).Should().Be(id);
        (await _api.CallAsync(HttpMethod.Delete, "/webhooks/" + hook)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Events_are_posted_as_json_to_the_webhooks_whose_patterns_and_user_match()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await _api.CreateUserAsync();
        await SubscribeAsync(receiver.Url, user.Id.ToString(), "mailbox.*", "filter.created");

        // Events run through one queue in order: the unmatched user.updated is handled (and not
        // sent) before mailbox.created, so the first POST proves it was left out.
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["name"] = "Renamed" })).Status.Should().Be(HttpStatusCode.OK);
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes", json: new JsonObject { ["path"] = "Hooks" });
        status.Should().Be(HttpStatusCode.OK);

        var first = await receiver.NextDeliveredAsync();
        ((string)first["ev"]!).Should().Be("mailbox.created");
        ((string)first["user"]!).Should().Be(user.Id.ToString());
        ((string)first["mailbox"]!).Should().Be((string)created["id"]!);
        ((string)first["path"]!).Should().Be("Hooks");
        ((long)first["time"]!).Should().BeGreaterThan(0);
        ((string)first["id"]!).Should().NotBeNullOrEmpty();

        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/mailboxes/" + (string)created["id"]!, json: new JsonObject { ["path"] = "Hooks2" })).Status.Should().Be(HttpStatusCode.OK);
        var renamed = await receiver.NextDeliveredAsync();
        ((string)renamed["ev"]!).Should().Be("mailbox.renamed");
        ((string)renamed["previous"]!).Should().Be("Hooks");

        // Another user's events never reach this user's webhook: bob's filter comes first in the
        // queue, alice's second, and only alice's arrives.
        var bob = await _api.CreateUserAsync();
        var filter = new JsonObject { ["query"] = new JsonObject { ["from"] = "boss" }, ["action"] = new JsonObject { ["flag"] = true } };
        (await _api.CallAsync(HttpMethod.Post, "/users/" + bob.Id + "/filters", json: filter)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/filters", json: (JsonObject)filter.DeepClone())).Status.Should().Be(HttpStatusCode.OK);
        var filterEvent = await receiver.NextDeliveredAsync();
        ((string)filterEvent["ev"]!).Should().Be("filter.created");
        ((string)filterEvent["user"]!).Should().Be(user.Id.ToString());
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_the_same_event_until_it_accepts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        var user = await _api.CreateUserAsync();
        await SubscribeAsync(receiver.Url, user.Id.ToString(), "mailbox.created");
        (await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes", json: new JsonObject { ["path"] = "Retried" })).Status.Should().Be(HttpStatusCode.OK);

        var attempts = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() };
        attempts.Select(a => a.Status).Should().Equal(500, 500, 200);
        attempts.Select(a => (string)a.Body["id"]!).Distinct().Should().ContainSingle("a retry repeats the same event, so a receiver can drop duplicates");
        attempts.Should().OnlyContain(a => (string)a.Body["path"]! == "Retried");
    }

    [Fact]
    public async Task An_unreachable_webhook_never_fails_the_operation_and_other_webhooks_still_get_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await _api.CreateUserAsync();

        // Port 1 on loopback refuses connections: every attempt fails.
        await SubscribeAsync("http://127.0.0.1:1/dead", user.Id.ToString(), "*");
        await SubscribeAsync(receiver.Url, user.Id.ToString(), "marked.*");
        var inbox = await _api.InboxAsync(user);
        var junk = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("spammy"));

        var (status, moved) = await _api.CallAsync(HttpMethod.Put, $"/users/{user.Id}/mailboxes/{inbox.Id}/messages/{stored.Uid}", json: new JsonObject { ["moveTo"] = junk.Id.ToString() });
        status.Should().Be(HttpStatusCode.OK, moved.ToJsonString());
        var spam = await receiver.NextDeliveredAsync();
        ((string)spam["ev"]!).Should().Be("marked.spam");
        ((string)spam["mailbox"]!).Should().Be(junk.Id.ToString());
        ((string)spam["sourceMailbox"]!).Should().Be(inbox.Id.ToString());

        var junkUid = (uint)moved["id"]![0]![1]!;
        (status, _) = await _api.CallAsync(HttpMethod.Put, $"/users/{user.Id}/mailboxes/{junk.Id}/messages/{junkUid}", json: new JsonObject { ["moveTo"] = inbox.Id.ToString() });
        status.Should().Be(HttpStatusCode.OK);
        ((string)(await receiver.NextDeliveredAsync())["ev"]!).Should().Be("marked.ham");
    }
}
