// SPDX-License-Identifier: MIT
using System.IO;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>The compose options <c>headers</c> and <c>date</c>, shared by the JSON upload and <c>/submit</c>.</summary>
public sealed class ComposeOptionTests : IClassFixture<ApiHost>
{
    private static readonly DateTimeOffset Written = new(2024, 3, 5, 14, 30, 0, TimeSpan.FromHours(2));

    private readonly ApiHost _api;

    public ComposeOptionTests(ApiHost api) => _api = api;

    private static JsonObject Header(string key, string value) => new() { ["key"] = key, ["value"] = value };

    private static JsonObject Composed(params JsonObject[] headers) => new()
    {
        ["to"] = new JsonArray(new JsonObject { ["address"] = "friend@example.com" }),
        ["subject"] = "With options",
        ["text"] = "Hello.",
        ["date"] = "2024-03-05T14:30:00+02:00",
        ["headers"] = new JsonArray(headers.Select(h => (JsonNode)h).ToArray()),
    };

    private static void ShouldHaveOptions(MimeMessage message, string messageId)
    {
        message.Date.Should().Be(Written);
        message.Headers["X-Mailer"].Should().Be("Compose Test 1.0");
        message.Headers["X-Note"].Should().Be("Grüße", "a non-ASCII value is RFC 2047 encoded and decodes back");
        message.Headers.Count(h => h.Field == "Date").Should().Be(1);
        message.MessageId.Should().Be(messageId, "a Message-ID header replaces the generated one");
        message.Headers.Count(h => h.Id == HeaderId.MessageId).Should().Be(1);
    }

    [Fact]
    public async Task A_json_upload_stores_the_extra_headers_and_the_date()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages", json: Composed(
            Header("X-Mailer", "Compose Test 1.0"), Header("X-Note", "Grüße"), Header("Message-ID", "<upload-1@example.com>")));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());

        var stored = await _api.StoredBytesAsync(user, inbox.Id, (uint)(long)body["message"]!["id"]!);
        ShouldHaveOptions(MimeMessage.Load(new MemoryStream(stored)), "upload-1@example.com");
        Encoding.ASCII.GetString(stored).Should().Contain("X-Note: =?", "the stored bytes stay ASCII");
    }

    [Fact]
    public async Task A_submission_sends_and_keeps_the_extra_headers_and_the_date()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: Composed(
            Header("X-Mailer", "Compose Test 1.0"), Header("X-Note", "Grüße"), Header("Message-ID", "<submit-1@example.com>")));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());

        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();
        var entry = (await _api.Services.GetRequiredService<IOutboundQueue>().GetEntryAsync(queueId))!;
        ShouldHaveOptions(MimeMessage.Load(new MemoryStream(entry.Content.ToArray())), "submit-1@example.com");
        var sent = (await _api.Mailboxes.ListMailboxesAsync(user.Id)).Single(m => m.SpecialUse == SpecialUse.Sent);
        var stored = await _api.StoredBytesAsync(user, sent.Id, (uint)(long)body["message"]!["id"]!);
        ShouldHaveOptions(MimeMessage.Load(new MemoryStream(stored)), "submit-1@example.com");
    }

    [Theory]
    [InlineData("/submit")]
    [InlineData("/messages")]
    public async Task Structural_reserved_and_multi_line_headers_and_a_bad_date_are_refused_per_field(string route)
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var path = route == "/submit" ? "/users/" + user.Id + "/submit" : "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages";
        var request = Composed(
            Header("X-Fine", "ok"),
            Header("Content-Type", "text/html"),
            Header("MIME-Version", "1.0"),
            Header("X-Injected", "a\r\nBcc: victim@example.net"),
            Header("X-Bad Name", "v"),
            Header("Subject", "twice"),
            Header("X-Lf", "a\nb"),
            Header("Sender", "ceo@bank.example"),
            Header("Resent-From", "ceo@bank.example"),
            Header("Received", "from nowhere"),
            Header("ARC-Seal", "i=1"),
            Header("Message-ID", "not-an-id"));
        request["date"] = "next tuesday";

        var (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: request);

        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        var details = body["details"]!.AsObject();
        details.Select(p => p.Key).Should().BeEquivalentTo(
            "headers[1]", "headers[2]", "headers[3]", "headers[4]", "headers[5]", "headers[6]", "headers[7]", "headers[8]", "headers[9]", "headers[10]", "headers[11]", "date");
        ((string)details["headers[7]"]!).Should().Contain("only from", "Sender would get around the From check and fromWhitelist");
        ((string)details["headers[11]"]!).Should().Contain("<local@domain>");
        ((string)details["headers[3]"]!).Should().Contain("CR or LF");
        var (_, listed) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages");
        listed["results"]!.AsArray().Should().BeEmpty("nothing was stored");
    }
}
