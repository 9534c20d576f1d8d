// SPDX-License-Identifier: MIT
using System.Net.Http;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>
/// The daily counters as GET /users/:user and GET /addresses/forwarded/:address show them (reference §8.3:
/// each limit with allowed, used and ttl), read from the counters delivery and submission consume.
/// </summary>
public sealed class DailyLimitTests : IClassFixture<LmtpApiHost>
{
    private readonly LmtpApiHost _api;

    public DailyLimitTests(LmtpApiHost api) => _api = api;

    /// <summary>Asserts one limit: <c>ttl</c> is false with no open window, else the seconds left of at most a day.</summary>
    internal static void ShouldBeLimit(JsonNode? limit, long allowed, long used)
    {
        limit.Should().NotBeNull();
        ((long)limit!["allowed"]!).Should().Be(allowed);
        ((long)limit["used"]!).Should().Be(used);
        var ttl = limit["ttl"]!;
        if (used == 0)
        {
            ttl.GetValueKind().Should().Be(JsonValueKind.False, "no window is open before the first count");
        }
        else
        {
            ((long)ttl).Should().BeInRange(1, 86_400, "the window lasts a day from the first count");
        }
    }

    [Fact]
    public async Task A_forwarded_address_shows_the_copies_its_deliveries_counted()
    {
        var address = _api.NewName("team") + "@example.com";
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/addresses/forwarded", json: new JsonObject
        {
            ["address"] = address,
            ["targets"] = new JsonArray("one@elsewhere.example", "two@elsewhere.example"),
            ["forwards"] = 10,
        });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var path = "/addresses/forwarded/" + (string)created["id"]!;

        var (_, body) = await _api.CallAsync(HttpMethod.Get, path);
        ShouldBeLimit(body["limits"]?["forwards"], 10, 0);

        await _api.DeliverOverLmtpAsync(address, "From: a@sender.example\r\nTo: " + address + "\r\nSubject: hi\r\n\r\nHello.\r\n");
        (_, body) = await _api.CallAsync(HttpMethod.Get, path);
        ShouldBeLimit(body["limits"]?["forwards"], 10, 2);

        (status, _) = await _api.CallAsync(HttpMethod.Put, path, json: new JsonObject { ["forwards"] = 0 });
        status.Should().Be(HttpStatusCode.OK);
        (_, body) = await _api.CallAsync(HttpMethod.Get, path);
        ShouldBeLimit(body["limits"]?["forwards"], 2000, 2);
    }

    [Fact]
    public async Task A_user_shows_the_forwards_and_submitted_recipients_of_the_day()
    {
        var user = await _api.CreateUserAsync();
        var (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        ShouldBeLimit(body["limits"]?["forwards"], 2000, 0);
        ShouldBeLimit(body["limits"]?["recipients"], 2000, 0);

        // The registered counter is the one delivery consumes (MailDeliveryAgent, keyed by the user id).
        (await _api.Services.GetRequiredService<IForwardCounter>().TryConsumeAsync(user.Id, 4, 2000)).Should().BeTrue();
        var (status, submitted) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["to"] = new JsonArray(new JsonObject { ["address"] = "a@example.net" }, new JsonObject { ["address"] = "b@example.net" }),
            ["text"] = "hello",
        });
        status.Should().Be(HttpStatusCode.OK, submitted.ToJsonString());

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        ShouldBeLimit(body["limits"]?["forwards"], 2000, 4);
        ShouldBeLimit(body["limits"]?["recipients"], 2000, 2);
        ((long)body["limits"]!["quota"]!["used"]!).Should().BeGreaterThan(0, "the quota limit stays beside them (the submission kept a copy in Sent)");
    }
}
