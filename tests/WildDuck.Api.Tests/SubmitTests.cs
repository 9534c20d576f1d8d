// SPDX-License-Identifier: MIT
using System.IO;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

public sealed class SubmitTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public SubmitTests(ApiHost api) => _api = api;

    private IOutboundQueue Queue => _api.Services.GetRequiredService<IOutboundQueue>();

    private static JsonObject Address(string address, string? name = null)
    {
        var json = new JsonObject { ["address"] = address };
        if (name is not null)
        {
            json["name"] = name;
        }

        return json;
    }

    private async Task<MailboxRecord> SpecialAsync(UserRecord user, SpecialUse use) =>
        (await _api.Mailboxes.ListMailboxesAsync(user.Id)).Single(m => m.SpecialUse == use);


    [Fact]
    public async Task A_queued_submission_can_be_cancelled_by_its_user_only_until_a_sender_takes_it()
    {
        var user = await _api.CreateUserAsync();
        var other = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        async Task<string> SubmitAsync()
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/submit", token, new JsonObject
            {
                ["to"] = new JsonArray(Address("rcpt1@example.com")),
                ["subject"] = "Oops",
                ["text"] = "Not meant to go.",
            });
            status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            return (string)body["message"]!["queueId"]!;
        }

        var queueId = await SubmitAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Delete, $"/users/{other.Id}/outbound/{queueId}");
        status.Should().Be(HttpStatusCode.NotFound, "another user's submission");
        ((string)body["code"]!).Should().Be("MessageNotFound");
        (status, body) = await _api.CallAsync(HttpMethod.Delete, "/users/me/outbound/" + queueId, token);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        (await Queue.GetEntryAsync(EntityId.Parse(queueId))).Should().BeNull();
        (await _api.CallAsync(HttpMethod.Delete, "/users/me/outbound/" + queueId, token)).Status.Should().Be(HttpStatusCode.NotFound, "already cancelled");
        (status, body) = await _api.CallAsync(HttpMethod.Delete, "/users/me/outbound/nope", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["queueId"].Should().NotBeNull();

        // A sender claims the next one: cancelling is refused while its lease is live.
        var sending = await SubmitAsync();
        var leases = await Queue.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 100, LeaseTime = TimeSpan.FromHours(1) });
        leases.Select(l => l.Entry.Id.ToString()).Should().Contain(sending);
        (status, body) = await _api.CallAsync(HttpMethod.Delete, "/users/me/outbound/" + sending, token);
        status.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("MessageBeingSent");
        (await Queue.GetEntryAsync(EntityId.Parse(sending))).Should().NotBeNull();
        foreach (var lease in leases)
        {
            await Queue.MarkDeferredAsync(lease.Entry.Id, lease.Token, DateTimeOffset.UtcNow, "test");
        }
    }

    [Fact]
    public async Task Submit_queues_without_bcc_and_stores_the_same_bytes_with_bcc_in_sent_mail()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/submit", token, new JsonObject
        {
            ["to"] = new JsonArray(Address("rcpt1@example.com", "Recipient One")),
            ["cc"] = new JsonArray(Address("rcpt2@example.com")),
            ["bcc"] = new JsonArray(Address("hidden@example.net")),
            ["subject"] = "Lunch",
            ["text"] = "See you at noon.",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var sent = await SpecialAsync(user, SpecialUse.Sent);
        ((string)body["message"]!["mailbox"]!).Should().Be(sent.Id.ToString());
        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();

        var entry = (await Queue.GetEntryAsync(queueId))!;
        entry.Entry.Reason.Should().Be("submission");
        entry.Entry.User.Should().Be(user.Id);
        entry.Entry.ReturnPath.Should().Be(user.Address);
        entry.Entry.Recipients.Should().Equal("rcpt1@example.com", "rcpt2@example.com", "hidden@example.net");
        var queued = entry.Content.ToArray();
        Encoding.ASCII.GetString(queued).Should().NotContainEquivalentOf("hidden@example.net").And.NotContainEquivalentOf("\nBcc:");

        var uid = (uint)(long)body["message"]!["id"]!;
        var record = (await _api.Messages.GetMessageAsync(user.Id, sent.Id, uid))!;
        record.Flags.Should().HaveFlag(MessageFlags.Seen);
        var stored = await _api.StoredBytesAsync(user, sent.Id, uid);
        Encoding.ASCII.GetString(stored).Should().Contain("Bcc: hidden@example.net\r\n");
        var withoutBcc = Encoding.ASCII.GetString(stored).Replace("Bcc: hidden@example.net\r\n", string.Empty, StringComparison.Ordinal);
        Encoding.ASCII.GetBytes(withoutBcc).Should().Equal(queued, "the Sent copy is the transmitted message plus its Bcc field");

        var parsed = MimeMessage.Load(new MemoryStream(queued));
        parsed.From.Mailboxes.Single().Address.Should().Be(user.Address);
        parsed.Subject.Should().Be("Lunch");
        parsed.TextBody.Should().Contain("See you at noon.");
        parsed.MessageId.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_from_address_that_is_not_the_users_own_is_rewritten_to_the_main_address()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["from"] = Address("ceo@bank.example", "The CEO"),
            ["to"] = new JsonArray(Address("victim@example.com")),
            ["text"] = "wire money",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();
        var entry = (await Queue.GetEntryAsync(queueId))!;
        entry.Entry.ReturnPath.Should().Be(user.Address);
        var parsed = MimeMessage.Load(new MemoryStream(entry.Content.ToArray()));
        parsed.From.Mailboxes.Single().Address.Should().Be(user.Address);
    }

    [Fact]
    public async Task From_whitelist_entries_are_kept_as_from_and_set_by_root_only()
    {
        var username = _api.NewName("sender");
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject
        {
            ["username"] = username,
            ["password"] = ApiHost.Password,
            ["fromWhitelist"] = new JsonArray("*@Partner.Example", "alerts-*", "boss@example.com", "boss@example.com"),
        });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        UserId.TryParse((string?)created["id"], out var id).Should().BeTrue();
        var user = (await _api.Users.GetUserAsync(id))!;
        var (_, profile) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        profile["fromWhitelist"]!.AsArray().Select(e => (string)e!).Should().Equal("*@partner.example", "alerts-*", "boss@example.com");

        async Task<(string ReturnPath, string From)> SendAsync(string from, string? envelopeFrom = null)
        {
            var body = new JsonObject { ["from"] = Address(from), ["to"] = new JsonArray(Address("friend@example.com")), ["text"] = "hi" };
            if (envelopeFrom is not null)
            {
                body["envelope"] = new JsonObject { ["from"] = envelopeFrom };
            }

            var (sent, result) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: body);
            sent.Should().Be(HttpStatusCode.OK, result.ToJsonString());
            var entry = (await Queue.GetEntryAsync(EntityId.Parse((string)result["message"]!["queueId"]!)))!;
            return (entry.Entry.ReturnPath, MimeMessage.Load(new MemoryStream(entry.Content.ToArray())).From.Mailboxes.Single().Address);
        }

        (await SendAsync("desk@partner.example")).Should().Be(("desk@partner.example", "desk@partner.example"), "*suffix");
        (await SendAsync("Alerts-DB@monitor.example")).From.Should().Be("Alerts-DB@monitor.example", "prefix*, compared in lowercase");
        (await SendAsync("boss@example.com")).From.Should().Be("boss@example.com", "exact");
        (await SendAsync("desk@partner.example.evil")).Should().Be((user.Address!, user.Address!), "not on the list: rewritten to the main address");
        (await SendAsync(user.Address!, envelopeFrom: "bounce@partner.example")).ReturnPath.Should().Be("bounce@partner.example", "the envelope sender is checked the same way");

        var token = await _api.LoginAsync(user);
        (await _api.CallAsync(HttpMethod.Put, "/users/me", token, new JsonObject { ["fromWhitelist"] = new JsonArray("*@anyone.example") })).Status
            .Should().Be(HttpStatusCode.Forbidden, "a user cannot widen whom it may send as");
        var (bad, error) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["fromWhitelist"] = new JsonArray("ok@example.com", "*") });
        bad.Should().Be(HttpStatusCode.BadRequest);
        error["details"]!["fromWhitelist[1]"].Should().NotBeNull();
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["fromWhitelist"] = new JsonArray() })).Status.Should().Be(HttpStatusCode.OK);
        (await SendAsync("boss@example.com")).From.Should().Be(user.Address, "the list was cleared");
    }

    [Fact]
    public async Task A_second_own_address_is_kept_as_from()
    {
        var user = await _api.CreateUserAsync();
        var alias = user.Username + ".alias@example.test";
        await _api.Users.AddAddressAsync(user.Id, alias);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["from"] = Address(alias),
            ["to"] = new JsonArray(Address("friend@example.com")),
            ["text"] = "from my alias",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();
        var entry = (await Queue.GetEntryAsync(queueId))!;
        entry.Entry.ReturnPath.Should().Be(alias);
    }

    [Fact]
    public async Task A_reply_sets_threading_headers_and_answered_on_the_original()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var original = await _api.DeliverAsync(user, TestMessages.Multipart());
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["reference"] = new JsonObject { ["mailbox"] = inbox.Id.ToString(), ["id"] = original.Uid, ["action"] = "reply" },
            ["text"] = "Thanks!",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();
        var entry = (await Queue.GetEntryAsync(queueId))!;
        entry.Entry.Recipients.Should().Equal("replies@example.com");
        var parsed = MimeMessage.Load(new MemoryStream(entry.Content.ToArray()));
        parsed.InReplyTo.Should().Be("report-1@example.com");
        parsed.References.Should().Equal("report-1@example.com");
        parsed.Subject.Should().Be("Re: Quarterly report");

        var flags = (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, original.Uid))!;
        flags.Flags.Should().HaveFlag(MessageFlags.Answered);
        flags.Keywords.Should().NotContain("$Forwarded");
    }

    [Fact]
    public async Task A_forward_sets_answered_and_forwarded_on_the_original()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var original = await _api.DeliverAsync(user, TestMessages.Multipart());
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["reference"] = new JsonObject { ["mailbox"] = inbox.Id.ToString(), ["id"] = original.Uid, ["action"] = "forward" },
            ["to"] = new JsonArray(Address("colleague@example.com")),
            ["text"] = "FYI",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var record = (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, original.Uid))!;
        record.Flags.Should().HaveFlag(MessageFlags.Answered);
        record.Keywords.Should().Contain("$Forwarded");
        var sent = await SpecialAsync(user, SpecialUse.Sent);
        var copy = MimeMessage.Load(new MemoryStream(await _api.StoredBytesAsync(user, sent.Id, (uint)(long)body["message"]!["id"]!)));
        copy.Subject.Should().Be("Fwd: Quarterly report");
    }

    [Fact]
    public async Task Reply_all_adds_the_original_recipients_except_the_users_own_address()
    {
        var user = await _api.CreateUserAsync("alice");
        var inbox = await _api.InboxAsync(user);
        var original = await _api.DeliverAsync(user, TestMessages.Multipart());
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["reference"] = new JsonObject { ["mailbox"] = inbox.Id.ToString(), ["id"] = original.Uid, ["action"] = "replyAll" },
            ["text"] = "Thanks all",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();
        (await Queue.GetEntryAsync(queueId))!.Entry.Recipients.Should().Equal("replies@example.com", "bob@example.test", "dave@example.com");
    }

    [Fact]
    public async Task Upload_only_and_drafts_are_stored_without_queueing()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["to"] = new JsonArray(Address("later@example.com")),
            ["text"] = "not yet",
            ["isDraft"] = true,
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["message"]!["queueId"].Should().BeNull();
        var drafts = await SpecialAsync(user, SpecialUse.Drafts);
        ((string)body["message"]!["mailbox"]!).Should().Be(drafts.Id.ToString());
        var draftUid = (uint)(long)body["message"]!["id"]!;
        (await _api.Messages.GetMessageAsync(user.Id, drafts.Id, draftUid))!.Flags.Should().HaveFlag(MessageFlags.Draft);
        (await Queue.ListEntriesAsync(new OutboundListRequest { User = user.Id })).Should().BeEmpty();

        // Now send the stored draft: it is queued, lands in Sent Mail and leaves Drafts.
        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes/" + drafts.Id + "/messages/" + draftUid + "/submit", json: new JsonObject());
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        EntityId.TryParse((string?)body["message"]!["queueId"], out var queueId).Should().BeTrue();
        var entry = (await Queue.GetEntryAsync(queueId))!;
        entry.Entry.Recipients.Should().Equal("later@example.com");
        var sent = await SpecialAsync(user, SpecialUse.Sent);
        var copy = await _api.StoredBytesAsync(user, sent.Id, (uint)(long)body["message"]!["id"]!);
        copy.Should().Equal(entry.Content.ToArray(), "the draft has no Bcc, so the Sent copy is exactly what was queued");
        (await _api.Messages.GetMessageAsync(user.Id, drafts.Id, draftUid)).Should().BeNull();
    }

    [Fact]
    public async Task A_message_that_is_not_a_draft_cannot_be_submitted_as_one()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("not a draft"));
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages/" + stored.Uid + "/submit", json: new JsonObject());
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("MessageNotDraft");
    }

    [Theory]
    [InlineData("{\"text\":\"nobody\"}", "to")]
    [InlineData("{\"to\":[{\"address\":\"not an address\"}],\"text\":\"x\"}", "to[0].address")]
    [InlineData("{\"to\":[{\"address\":\"a@example.com\"}],\"sendTime\":\"tomorrow\"}", "sendTime")]
    [InlineData("{\"reference\":{\"mailbox\":\"nope\",\"id\":1,\"action\":\"reply\"}}", "reference.mailbox")]
    [InlineData("{\"reference\":{\"mailbox\":\"000000000000000000000001\",\"id\":1,\"action\":\"bounce\"}}", "reference.action")]
    [InlineData("{\"envelope\":{\"to\":[\"bad\"]},\"text\":\"x\"}", "envelope.to")]
    public async Task Bad_submissions_get_400_with_the_field(string json, string field)
    {
        var user = await _api.CreateUserAsync();
        using var response = await _api.SendAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", content: new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!.AsObject().Select(p => p.Key).Should().Contain(field);
        (await Queue.ListEntriesAsync(new OutboundListRequest { User = user.Id })).Should().BeEmpty();
    }

    [Fact]
    public async Task A_reference_to_a_missing_message_is_404()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["reference"] = new JsonObject { ["mailbox"] = inbox.Id.ToString(), ["id"] = 99, ["action"] = "reply" },
            ["text"] = "?",
        });
        status.Should().Be(HttpStatusCode.NotFound, body.ToJsonString());
    }
}

/// <summary>A host with small recipient limits.</summary>
public sealed class LimitedSubmitHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<ApiOptions>(o =>
        {
            o.MaxRecipientsPerMessage = 2;
            o.MaxRecipientsPerDay = 3;
        });
}

public sealed class SubmitLimitTests : IClassFixture<LimitedSubmitHost>
{
    private readonly LimitedSubmitHost _api;

    public SubmitLimitTests(LimitedSubmitHost api) => _api = api;

    private static JsonObject Message(params string[] to) => new()
    {
        ["to"] = new JsonArray(to.Select(a => (JsonNode)new JsonObject { ["address"] = a }).ToArray()),
        ["text"] = "hello",
    };

    [Fact]
    public async Task Too_many_recipients_per_message_is_400_and_the_daily_limit_is_403()
    {
        var user = await _api.CreateUserAsync();
        var path = "/users/" + user.Id + "/submit";
        var (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: Message("a@example.com", "b@example.com", "c@example.com"));
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["to"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: Message("a@example.com", "b@example.com"));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: Message("c@example.com", "d@example.com"));
        status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());
        ((string)body["code"]!).Should().Be("RateLimitedError");
        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: Message("c@example.com"));
        status.Should().Be(HttpStatusCode.OK, "the refused submission counted nothing: " + body.ToJsonString());

        var other = await _api.CreateUserAsync();
        (status, _) = await _api.CallAsync(HttpMethod.Post, "/users/" + other.Id + "/submit", json: Message("a@example.com"));
        status.Should().Be(HttpStatusCode.OK, "the limit is per user");
    }

    [Fact]
    public async Task A_users_own_recipient_limit_overrides_the_default_and_get_shows_it()
    {
        var name = _api.NewName("bulk");
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = name, ["password"] = ApiHost.Password, ["recipients"] = 5 });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var id = (string)body["id"]!;
        var path = "/users/" + id + "/submit";

        (await _api.CallAsync(HttpMethod.Post, path, json: Message("a@example.com", "b@example.com"))).Status.Should().Be(HttpStatusCode.OK);
        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: Message("c@example.com", "d@example.com"));
        status.Should().Be(HttpStatusCode.OK, "4 passes the default of 3 but not the user's 5: " + body.ToJsonString());
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        DailyLimitTests.ShouldBeLimit(body["limits"]?["recipients"], 5, 4);
        (status, body) = await _api.CallAsync(HttpMethod.Post, path, json: Message("e@example.com", "f@example.com"));
        status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());

        (status, _) = await _api.CallAsync(HttpMethod.Put, "/users/" + id, json: new JsonObject { ["recipients"] = 0 });
        status.Should().Be(HttpStatusCode.OK);
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        DailyLimitTests.ShouldBeLimit(body["limits"]?["recipients"], 3, 4);
    }

    [Fact]
    public async Task Only_root_sets_a_recipient_limit_and_it_is_never_negative()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, token, new JsonObject { ["recipients"] = 100000 });
        status.Should().Be(HttpStatusCode.Forbidden, body.ToJsonString());
        (await _api.Users.GetUserAsync(user.Id))!.Recipients.Should().Be(0);

        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["recipients"] = -1 });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["recipients"].Should().NotBeNull();
    }
}
