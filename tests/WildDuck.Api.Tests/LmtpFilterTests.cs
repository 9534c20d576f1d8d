// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Hosting;
using WildDuck.Lmtp;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>The API host with an LMTP listener on a loopback ephemeral port.</summary>
public sealed class LmtpApiHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddWildDuck()
            .AddLmtp(o => o.Port = 0)
            .AddListener(new ListenerOptions { Name = "lmtp-t", Protocol = "lmtp", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetLmtpHandler());

    public IPEndPoint LmtpEndPoint => Services.GetRequiredService<ListenerHostedService>().GetBoundEndPoint("lmtp-t")!;

    /// <summary>Delivers <paramref name="message"/> to <paramref name="recipient"/> over LMTP and expects it accepted.</summary>
    public async Task DeliverOverLmtpAsync(string recipient, string message)
    {
        using var lmtp = new LineClient();
        await lmtp.ConnectAsync(LmtpEndPoint);
        (await lmtp.ReadUntilAsync("220 ")).Should().StartWith("220 ");
        await lmtp.SendAsync("LHLO client.example");
        (await lmtp.ReadUntilAsync("250 ")).Should().StartWith("250 ");
        await lmtp.SendAsync("MAIL FROM:<shop@store.example>");
        (await lmtp.ReadLineAsync()).Should().StartWith("250");
        await lmtp.SendAsync("RCPT TO:<" + recipient + ">");
        (await lmtp.ReadLineAsync()).Should().StartWith("250");
        await lmtp.SendAsync("DATA");
        (await lmtp.ReadLineAsync()).Should().StartWith("354");
        foreach (var line in message.Split("\r\n"))
        {
            await lmtp.SendAsync(line.StartsWith('.') ? "." + line : line);
        }

        await lmtp.SendAsync(".");
        (await lmtp.ReadLineAsync()).Should().StartWith("250 2.0.0", "one reply per accepted recipient (RFC 2033 §4.2)");
        await lmtp.SendAsync("QUIT");
        (await lmtp.ReadLineAsync()).Should().StartWith("221");
    }
}

/// <summary>End to end: a filter made through the API sorts mail delivered over a real LMTP socket (reference §6.3, §6.4).</summary>
public sealed class LmtpFilterTests : IClassFixture<LmtpApiHost>
{
    private readonly LmtpApiHost _api;

    public LmtpFilterTests(LmtpApiHost api) => _api = api;

    private static string Message(string subject) =>
        "From: Shop <shop@store.example>\r\nTo: customer@example.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + Guid.NewGuid().ToString("N") + "@store.example>\r\n\r\nThank you for your order.\r\n";

    [Fact]
    public async Task A_filter_created_through_the_api_moves_and_marks_matching_mail_delivered_over_lmtp()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes", token, new JsonObject { ["path"] = "Receipts" });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var receipts = (string)created["id"]!;
        (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/me/filters", token, new JsonObject
        {
            ["name"] = "receipts",
            ["query"] = new JsonObject { ["subject"] = "receipt", ["from"] = "store.example" },
            ["action"] = new JsonObject { ["mailbox"] = receipts, ["seen"] = true, ["flag"] = true },
        });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());

        await _api.DeliverOverLmtpAsync(user.Address!, Message("Your receipt #1042"));
        await _api.DeliverOverLmtpAsync(user.Address!, Message("Spring sale"));

        var (_, sorted) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + receipts + "/messages", token);
        var item = sorted["results"]!.AsArray().Should().ContainSingle().Subject!;
        ((string)item["subject"]!).Should().Be("Your receipt #1042");
        item["seen"]!.GetValue<bool>().Should().BeTrue("the filter marks it seen");
        item["flagged"]!.GetValue<bool>().Should().BeTrue("and flagged");

        var inbox = await _api.InboxAsync(user);
        var (_, rest) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + inbox.Id + "/messages", token);
        var other = rest["results"]!.AsArray().Should().ContainSingle().Subject!;
        ((string)other["subject"]!).Should().Be("Spring sale");
        other["seen"]!.GetValue<bool>().Should().BeFalse("no filter matched");

        // Disabled through the API: the next receipt stays in INBOX.
        var (_, filters) = await _api.CallAsync(HttpMethod.Get, "/users/me/filters", token);
        var filterId = (string)filters["results"]![0]!["id"]!;
        (await _api.CallAsync(HttpMethod.Put, "/users/me/filters/" + filterId, token, new JsonObject { ["disabled"] = true })).Status.Should().Be(HttpStatusCode.OK);
        await _api.DeliverOverLmtpAsync(user.Address!, Message("Your receipt #1043"));
        (_, rest) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + inbox.Id + "/messages", token);
        rest["results"]!.AsArray().Select(m => (string)m!["subject"]!).Should().Contain("Your receipt #1043");
        (_, sorted) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + receipts + "/messages", token);
        sorted["results"]!.AsArray().Should().ContainSingle();
    }
}
