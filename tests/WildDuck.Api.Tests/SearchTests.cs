// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Http;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

public sealed class SearchTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public SearchTests(ApiHost api) => _api = api;

    private static string[] Subjects(JsonObject body) => body["results"]!.AsArray().Select(m => (string)m!["subject"]!).ToArray();

    [Fact]
    public async Task Flat_parameters_search_one_mailbox_or_all()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var inbox = await _api.InboxAsync(user);
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        await _api.DeliverAsync(user, TestMessages.Multipart("Quarterly numbers"));
        await _api.DeliverAsync(user, TestMessages.Simple("Lunch plans"), flags: MessageFlags.Seen | MessageFlags.Flagged);
        await _api.DeliverAsync(user, TestMessages.Simple("Old quarterly draft"), "Trash");

        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?query=quarterly", token);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        Subjects(body).Should().BeEquivalentTo(new[] { "Quarterly numbers", "Old quarterly draft" });

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?query=quarterly&searchable=true", token);
        Subjects(body).Should().Equal("Quarterly numbers");

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?mailbox=" + trash.Id + "&subject=draft", token);
        Subjects(body).Should().Equal("Old quarterly draft");
        ((string)body["results"]![0]!["mailbox"]!).Should().Be(trash.Id.ToString());

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?from=carol%40example.com", token);
        Subjects(body).Should().Equal("Quarterly numbers");
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?to=dave%40example.com", token);
        Subjects(body).Should().Equal(new[] { "Quarterly numbers" }, "to matches Cc too");
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?flagged=true", token);
        Subjects(body).Should().Equal("Lunch plans");
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?unseen=true&mailbox=" + inbox.Id, token);
        Subjects(body).Should().Equal("Quarterly numbers");
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?minSize=1000", token);
        Subjects(body).Should().Equal("Quarterly numbers");
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?datestart=2000-01-01&dateend=2000-01-02", token);
        Subjects(body).Should().BeEmpty();
    }

    [Fact]
    public async Task Or_conditions_and_a_uid_set_narrow_the_search()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var inbox = await _api.InboxAsync(user);
        var first = await _api.DeliverAsync(user, TestMessages.Simple("Budget review"));
        await _api.DeliverAsync(user, TestMessages.Simple("Team lunch"));
        var third = await _api.DeliverAsync(user, TestMessages.Simple("Offsite agenda"));

        // or[…] conditions are ORed with each other and ANDed with the rest (reference §8.5).
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?or%5Bsubject%5D=budget&or%5Bquery%5D=agenda", token);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        Subjects(body).Should().BeEquivalentTo(new[] { "Budget review", "Offsite agenda" });
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?or%5Bsubject%5D=budget&or%5Bquery%5D=agenda&subject=offsite", token);
        Subjects(body).Should().Equal("Offsite agenda");

        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?mailbox=" + inbox.Id + "&id=" + first.Uid + "," + third.Uid, token);
        Subjects(body).Should().BeEquivalentTo(new[] { "Budget review", "Offsite agenda" });
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?q=in%3AInbox%20agenda&id=" + first.Uid + ":*", token);
        Subjects(body).Should().Equal("Offsite agenda");

        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?id=1:5", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["id"].Should().NotBeNull("a UID set needs one mailbox");
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?mailbox=" + inbox.Id + "&id=x", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["id"].Should().NotBeNull();
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?or%5Bcc%5D=x", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["or[cc]"].Should().NotBeNull("unknown fields are refused");
    }

    [Fact]
    public async Task Thread_parameter_and_q_thread_find_the_messages_of_one_thread()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        await _api.DeliverAsync(user, Encoding.ASCII.GetBytes("From: a@example.com\r\nTo: b@example.test\r\nSubject: Plan\r\nMessage-ID: <plan-1@example.com>\r\n\r\nfirst\r\n"));
        await _api.DeliverAsync(user, Encoding.ASCII.GetBytes("From: c@example.com\r\nTo: b@example.test\r\nSubject: Re: Plan\r\nMessage-ID: <plan-2@example.com>\r\nIn-Reply-To: <plan-1@example.com>\r\nReferences: <plan-1@example.com>\r\n\r\nsecond\r\n"));
        await _api.DeliverAsync(user, TestMessages.Simple("Unrelated"));

        var (_, all) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?subject=Plan", token);
        var threads = all["results"]!.AsArray().Select(m => (string)m!["thread"]!).Distinct().ToList();
        threads.Should().ContainSingle("the reply joins the original's thread");
        var thread = threads[0];

        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?thread=" + thread, token);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        Subjects(body).Should().BeEquivalentTo(new[] { "Plan", "Re: Plan" });
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?q=" + Uri.EscapeDataString("thread:" + thread + " from:c@example.com"), token);
        Subjects(body).Should().Equal("Re: Plan");
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?q=" + Uri.EscapeDataString("-thread:" + thread), token);
        Subjects(body).Should().Equal("Unrelated");

        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?thread=nope", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["thread"].Should().NotBeNull();
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?q=thread:nope", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["details"]!["q"]!).Should().Contain("position 7");
    }

    [Fact]
    public async Task Results_page_with_cursors()
    {
        var user = await _api.CreateUserAsync();
        for (int i = 0; i < 5; i++)
        {
            await _api.DeliverAsync(user, TestMessages.Simple("paged " + i));
        }

        var seen = new List<string>();
        string? next = null;
        do
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/search?subject=paged&limit=2" + (next is null ? string.Empty : "&next=" + next));
            status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            ((long)body["total"]!).Should().Be(5);
            seen.AddRange(Subjects(body));
            next = body["nextCursor"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        while (next is not null);

        seen.Should().Equal("paged 4", "paged 3", "paged 2", "paged 1", "paged 0");
    }

    [Fact]
    public async Task Bad_search_parameters_are_validation_errors()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/search?datestart=yesterday");
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["datestart"].Should().NotBeNull();
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/search?mailbox=" + MailboxId.NewId());
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("NoSuchMailbox");
    }

    [Fact]
    public async Task The_q_language_runs_against_stored_messages()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        await _api.DeliverAsync(user, TestMessages.Multipart("Quarterly numbers"));
        await _api.DeliverAsync(user, TestMessages.Simple("Lunch plans"), flags: MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Answered);
        await _api.DeliverAsync(user, TestMessages.Simple("Old quarterly draft"), "Trash");
        await _api.DeliverAsync(user, TestMessages.Simple("Sent lunch recap"), "Sent Mail", MessageFlags.Seen);

        async Task<string[]> Q(string q)
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/search?q=" + Uri.EscapeDataString(q), token);
            status.Should().Be(HttpStatusCode.OK, q + ": " + body.ToJsonString());
            return Subjects(body).Order(StringComparer.Ordinal).ToArray();
        }

        (await Q("quarterly")).Should().Equal("Old quarterly draft", "Quarterly numbers");
        (await Q("quarterly -draft")).Should().Equal("Quarterly numbers");
        (await Q("from:carol@example.com")).Should().Equal("Quarterly numbers");
        (await Q("to:dave@example.com")).Should().Equal(new[] { "Quarterly numbers" }, "to: matches Cc too");
        (await Q("subject:\"lunch plans\"")).Should().Equal("Lunch plans");
        (await Q("\"numbers are in\"")).Should().Equal("Quarterly numbers");
        (await Q("has:attachment")).Should().Equal("Quarterly numbers");
        (await Q("-has:attachment is:unseen")).Should().Equal("Old quarterly draft");
        (await Q("is:flagged")).Should().Equal("Lunch plans");
        (await Q("is:answered OR has:attachment")).Should().Equal("Lunch plans", "Quarterly numbers");
        (await Q("(lunch OR quarterly) -is:seen")).Should().Equal("Old quarterly draft", "Quarterly numbers");
        (await Q("larger:1K")).Should().Equal("Quarterly numbers");
        (await Q("smaller:1K lunch")).Should().Equal("Lunch plans", "Sent lunch recap");
        (await Q("before:2000-01-01")).Should().BeEmpty();
        (await Q("after:2000/01/01 lunch")).Should().Equal("Lunch plans", "Sent lunch recap");
        (await Q("in:Trash")).Should().Equal("Old quarterly draft");
        (await Q("in:sent lunch")).Should().Equal("Sent lunch recap");
        (await Q("in:inbox lunch")).Should().Equal("Lunch plans");
        (await Q("in:\"Sent Mail\"")).Should().Equal("Sent lunch recap");
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        (await Q("in:" + trash.Id + " quarterly")).Should().Equal("Old quarterly draft");
    }

    [Theory]
    [InlineData("from:", "from: needs a value at position 5")]
    [InlineData("(a OR b", "'(' is not closed at position 0")]
    [InlineData("is:important", "at position 3")]
    [InlineData("in:Nowhere OR a", "in: cannot be part of OR at position 0")]
    public async Task A_malformed_q_is_400_with_the_position(string q, string message)
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/search?q=" + Uri.EscapeDataString(q));
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        ((string)body["code"]!).Should().Be("InputValidationError");
        ((string)body["details"]!["q"]!).Should().Contain(message);
    }

    [Fact]
    public async Task In_names_an_existing_mailbox_and_excludes_the_mailbox_parameter()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var (status, _) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/search?q=in:Nowhere");
        status.Should().Be(HttpStatusCode.NotFound);
        (status, var body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/search?q=in:Trash&mailbox=" + inbox.Id);
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["details"]!["q"]!).Should().Contain("mailbox");
    }
}
