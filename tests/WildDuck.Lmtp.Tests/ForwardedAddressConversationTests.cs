// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Tests;

/// <summary>
/// Forwarded addresses over real LMTP sockets (reference §6.2, §6.7): accepted at RCPT, forwarded
/// through the outbound queue to every target kind, never stored, answered with their own
/// autoreply; disabled, looping and over-limit mail gets its codes.
/// </summary>
public sealed class ForwardedAddressConversationTests : IAsyncLifetime
{
    private LmtpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LmtpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IOutboundQueue Queue => _server.Services.GetRequiredService<IOutboundQueue>();

    private Task<ForwardedAddressRecord> CreateAsync(string address, int forwards = 0, AutoreplySettings? autoreply = null, bool disabled = false, params string[] targets) =>
        _server.Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest
        {
            Address = address,
            AllowWildcard = address.Contains('*'),
            Targets = targets,
            Forwards = forwards,
            Autoreply = autoreply,
            ForwardedDisabled = disabled,
        });

    private async Task<List<OutboundQueueItem>> QueuedAsync()
    {
        var items = new List<OutboundQueueItem>();
        foreach (var entry in await Queue.ListEntriesAsync(new OutboundListRequest()))
        {
            items.Add((await Queue.GetEntryAsync(entry.Id))!);
        }

        return items;
    }

    /// <summary>One transaction: the RCPT replies, then (when any was accepted) the DATA replies.</summary>
    private async Task<(string[] Rcpt, string[] Data)> SendAsync(string from, string message, params string[] recipients)
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx.example\r\nMAIL FROM:<" + from + ">\r\n" + string.Concat(recipients.Select(r => "RCPT TO:<" + r + ">\r\n")));
        await client.ReadRepliesAsync(2);
        var rcpt = await client.ReadRepliesAsync(recipients.Length);
        var accepted = rcpt.Count(r => r.StartsWith("250", StringComparison.Ordinal));
        if (accepted == 0)
        {
            return (rcpt, Array.Empty<string>());
        }

        await client.SendAsync("DATA\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("354 ");
        await client.SendAsync(message + ".\r\n");
        return (rcpt, await client.ReadRepliesAsync(accepted));
    }

    private static string Message(string subject = "Hello", string extraHeaders = "") =>
        "From: Bob <bob@remote.example>\r\nTo: sales@example.org\r\nMessage-ID: <m1@remote.example>\r\n" + extraHeaders + "Subject: " + subject + "\r\n\r\nHi.\r\n";

    [Fact]
    public async Task Mail_to_a_forwarded_address_is_queued_once_per_target_route_and_not_stored()
    {
        await CreateAsync("sales@example.org", targets: new[] { "one@elsewhere.example", "mail:two@elsewhere.example", "smtp://relay.example:2525", "https://hooks.example/in" });

        var (rcpt, data) = await SendAsync("bob@remote.example", Message(), "S.ales+promo@example.org", "alice@example.org");
        rcpt.Should().AllSatisfy(r => r.Should().StartWith("250 2.1.5"));
        data[0].Should().Be("250 2.0.0 S.ales+promo@example.org Ok: forwarded");
        data[1].Should().StartWith("250 2.0.0 alice@example.org Ok: stored as ");

        var queued = await QueuedAsync();
        queued.Should().HaveCount(3);
        queued.Should().OnlyContain(q => q.Entry.Reason == "forward" && q.Entry.ReturnPath == "bob@remote.example" && q.Entry.User == null);
        queued.Single(q => q.Entry.Route is null).Entry.Recipients.Should().Equal("one@elsewhere.example", "two@elsewhere.example");
        queued.Single(q => q.Entry.Route == "smtp://relay.example:2525").Entry.Recipients.Should().Equal("S.ales+promo@example.org");
        queued.Single(q => q.Entry.Route == "https://hooks.example/in").Entry.Recipients.Should().Equal("S.ales+promo@example.org");
        var forwarded = Encoding.UTF8.GetString(queued[0].Content.ToArray());
        forwarded.Should().StartWith("Delivered-To: S.ales+promo@example.org\r\nReceived: ", "Return-Path is added at final delivery only (RFC 5321 §4.4)").And.EndWith("Subject: Hello\r\n\r\nHi.\r\n");
        forwarded.Should().NotContain("Return-Path:");

        (await _server.InboxAsync(_server.Alice)).Should().ContainSingle("only the user's copy is stored");
        (await _server.InboxAsync(_server.Bob)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_relay_target_of_a_catch_all_gets_every_recipient_the_address_collected()
    {
        await CreateAsync("*@catch.example", targets: new[] { "smtp://relay.example:2525", "copy@elsewhere.example" });

        var (rcpt, data) = await SendAsync("bob@remote.example", Message(), "a@catch.example", "b@catch.example", "A@catch.example");
        rcpt.Should().AllSatisfy(r => r.Should().StartWith("250 2.1.5"));
        data.Should().AllSatisfy(r => r.Should().StartWith("250 2.0.0"));

        // One copy per owner, but the relay must still be told about every original recipient,
        // or the mail for b@ would be acknowledged and never reach it.
        var queued = await QueuedAsync();
        queued.Single(q => q.Entry.Route == "smtp://relay.example:2525").Entry.Recipients.Should().Equal("a@catch.example", "b@catch.example");
        queued.Single(q => q.Entry.Route is null).Entry.Recipients.Should().Equal("copy@elsewhere.example");
    }

    [Fact]
    public async Task Wildcard_and_domain_alias_resolution_reach_forwarded_addresses_and_unknowns_stay_unknown()
    {
        await CreateAsync("*@catch.example", targets: new[] { "all@elsewhere.example" });
        await CreateAsync("info@example.org", targets: new[] { "info@elsewhere.example" });
        await _server.Users.AddDomainAliasAsync(new DomainAlias("alias.example", "example.org"));

        var (rcpt, data) = await SendAsync("bob@remote.example", Message(), "anyone@catch.example", "info@alias.example", "nobody@example.org");
        rcpt[0].Should().StartWith("250 2.1.5");
        rcpt[1].Should().StartWith("250 2.1.5");
        rcpt[2].Should().StartWith("550 5.1.1");
        data.Should().AllSatisfy(r => r.Should().StartWith("250 2.0.0"));
        (await QueuedAsync()).SelectMany(q => q.Entry.Recipients).Should().BeEquivalentTo("all@elsewhere.example", "info@elsewhere.example");
    }

    [Fact]
    public async Task A_disabled_forwarded_address_is_refused_at_rcpt_and_after_data()
    {
        var sales = await CreateAsync("sales@example.org", disabled: true, targets: new[] { "one@elsewhere.example" });
        var (rcpt, data) = await SendAsync("bob@remote.example", Message(), "sales@example.org");
        rcpt.Single().Should().Be("550 5.2.1 Forwarding disabled for this address");
        data.Should().BeEmpty();

        // Enabled at RCPT, disabled before DATA ends: the DATA reply refuses it too.
        await _server.Users.UpdateForwardedAddressAsync(sales.Id, new ForwardedAddressUpdate { ForwardedDisabled = false });
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<bob@remote.example>\r\nRCPT TO:<sales@example.org>\r\nDATA\r\n");
        (await client.ReadRepliesAsync(4))[2].Should().StartWith("250 2.1.5");
        await _server.Users.UpdateForwardedAddressAsync(sales.Id, new ForwardedAddressUpdate { ForwardedDisabled = true });
        await client.SendAsync(Message() + ".\r\n");
        (await client.ReadReplyAsync()).Should().Be("550 5.2.1 sales@example.org Forwarding disabled for this address");
        (await QueuedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Looping_mail_is_refused_and_the_daily_limit_defers()
    {
        await CreateAsync("sales@example.org", forwards: 3, targets: new[] { "one@elsewhere.example", "smtp://relay.example" });

        // 29 Received fields plus the session's own reach the limit of 30 (reference §6.7).
        var loop = string.Concat(Enumerable.Repeat("Received: from hop by hop; Sun, 29 Nov 2026 03:00:00 +0000\r\n", 29));
        (await SendAsync("bob@remote.example", Message("Loop", loop), "sales@example.org")).Data.Single().Should().Be("554 5.4.6 sales@example.org Routing loop detected: too many Received headers");
        (await QueuedAsync()).Should().BeEmpty();

        // Two copies per message against a limit of three a day: the first fits, the second does not.
        (await SendAsync("bob@remote.example", Message("One"), "sales@example.org")).Data.Single().Should().StartWith("250 2.0.0");
        (await SendAsync("bob@remote.example", Message("Two"), "sales@example.org")).Data.Single().Should().Be("450 4.7.1 sales@example.org Daily forwarding limit reached for this address, try again later");
        (await QueuedAsync()).Should().HaveCount(2);
    }

    [Fact]
    public async Task Spam_to_a_forwarded_address_is_refused_and_not_forwarded()
    {
        await CreateAsync("sales@example.org", targets: new[] { "one@elsewhere.example" });
        (await SendAsync("bob@remote.example", Message("Win", "X-Spam-Status: Yes\r\n"), "sales@example.org")).Data.Single().Should().Be("550 5.7.1 sales@example.org Message refused as spam");
        (await QueuedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_forwarded_address_sends_its_own_autoreply_once_per_sender_and_never_to_lists_or_null_senders()
    {
        await CreateAsync(
            "sales@example.org",
            autoreply: new AutoreplySettings { Enabled = true, Name = "Sales Team", Subject = "Thanks", Text = "We will answer soon." },
            targets: new[] { "one@elsewhere.example" });

        (await SendAsync("bob@remote.example", Message(), "sales@example.org")).Data.Single().Should().StartWith("250 2.0.0");
        (await SendAsync("bob@remote.example", Message("Again"), "sales@example.org")).Data.Single().Should().StartWith("250 2.0.0");
        (await SendAsync(string.Empty, Message("Bounce"), "sales@example.org")).Data.Single().Should().StartWith("250 2.0.0");
        (await SendAsync("list@remote.example", Message("News", "List-Unsubscribe: <mailto:u@remote.example>\r\n"), "sales@example.org")).Data.Single().Should().StartWith("250 2.0.0");
        (await SendAsync("auto@remote.example", Message("Auto", "Auto-Submitted: auto-generated\r\n"), "sales@example.org")).Data.Single().Should().StartWith("250 2.0.0");

        var queued = await QueuedAsync();
        queued.Count(q => q.Entry.Reason == "forward").Should().Be(5, "every message is forwarded");
        var reply = queued.Where(q => q.Entry.Reason == "autoreply").Should().ContainSingle("one per sender, none to null senders, lists or automatic mail").Subject;
        reply.Entry.ReturnPath.Should().BeEmpty();
        reply.Entry.Recipients.Should().Equal("bob@remote.example");
        reply.Entry.User.Should().BeNull();
        var text = Encoding.UTF8.GetString(reply.Content.ToArray());
        text.Should().Contain("From: Sales Team <sales@example.org>").And.Contain("Subject: Auto: Thanks").And.Contain("Auto-Submitted: auto-replied").And.Contain("We will answer soon.");
    }
}
