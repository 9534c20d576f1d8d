// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Lmtp.Tests.Delivery;

/// <summary>The delivery agent over the real SQLite store: resolution, trace headers, filters, junk, quota, forwards, autoreply.</summary>
public sealed class DeliveryAgentTests : IAsyncLifetime
{
    private static readonly byte[] Received = Encoding.ASCII.GetBytes("Received: from mx.example (127.0.0.1) by lmtp.test with LMTP id T1; Sun, 29 Nov 2026 04:00:00 +0000\r\n");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-delivery-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 4, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;
    private MailDeliveryAgent _agent = null!;
    private UserRecord _alice = null!;

    private IUserStore Users => _services.GetRequiredService<IUserStore>();

    private IMailboxStore Mailboxes => _services.GetRequiredService<IMailboxStore>();

    private IMessageStore Messages => _services.GetRequiredService<IMessageStore>();

    public Task InitializeAsync() => StartAsync(_ => { });

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAsync(Action<DeliveryOptions> configure, int? maxForwardsPerDay = null)
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Directory.CreateDirectory(_directory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddWildDuck(o =>
            {
                o.Hostname = "lmtp.test";
                o.Users.MaxForwardsPerDay = maxForwardsPerDay ?? o.Users.MaxForwardsPerDay;
            })
            .UseSqliteStorage(o =>
            {
                o.Path = Path.Combine(_directory, "wildduck.db");
                o.Durability = SqliteDurability.Normal;
            });
        services.Configure(configure);
        _services = services.BuildServiceProvider();
        _agent = ActivatorUtilities.CreateInstance<MailDeliveryAgent>(_services);
        _alice = await Users.FindUserAsync("alice") ?? await Users.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "alice-password", Address = "alice@example.org", Name = "Alice Example" });
    }

    private static byte[] Message(string subject = "Hello", string from = "bob@example.net", string extraHeaders = "", string body = "Hi Alice.\r\n") =>
        Encoding.UTF8.GetBytes($"From: Bob <{from}>\r\nTo: alice@example.org\r\nSubject: {subject}\r\nMessage-ID: <m1@example.net>\r\nDate: Sun, 29 Nov 2026 03:59:00 +0000\r\n{extraHeaders}\r\n{body}");

    private async Task<IReadOnlyList<SmtpReply>> DeliverAsync(byte[] message, string returnPath = "bob@example.net", params string[] recipients)
    {
        var accepted = new List<AcceptedRecipient>();
        foreach (var r in recipients.Length == 0 ? new[] { "alice@example.org" } : recipients)
        {
            var verdict = await _agent.CheckRecipientAsync(r, 0, CancellationToken.None);
            verdict.Reply.IsPositive.Should().BeTrue(verdict.Reply.Text);
            accepted.Add(verdict.Recipient!);
        }

        return await _agent.DeliverAsync(new DeliveryRequest { ReturnPath = returnPath, Recipients = accepted, Message = message, ReceivedHeader = Received }, CancellationToken.None);
    }

    private async Task<IReadOnlyList<(uint Uid, MessageFlags Flags, byte[] Content)>> MailboxContentAsync(string path)
    {
        var mailbox = (await Mailboxes.FindMailboxAsync(_alice.Id, path))!;
        var result = new List<(uint, MessageFlags, byte[])>();
        await foreach (var record in Messages.ListMessagesAsync(_alice.Id, mailbox.Id, UidSet.All))
        {
            var content = (await Messages.OpenContentAsync(_alice.Id, mailbox.Id, record.Uid))!;
            result.Add((record.Uid, record.Flags, await ReadAllAsync(content)));
        }

        return result;
    }

    private static async Task<byte[]> ReadAllAsync(WildDuck.Storage.Mime.MessageContent content)
    {
        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, 0, content.Size, CancellationToken.None);
        return stream.ToArray();
    }

    [Theory]
    [InlineData("alice@example.org")]
    [InlineData("ALICE@Example.ORG")]
    [InlineData("a.l.i.c.e@example.org")]
    [InlineData("alice+news@example.org")]
    public async Task Address_forms_of_a_user_are_accepted(string address)
    {
        var verdict = await _agent.CheckRecipientAsync(address, 0, CancellationToken.None);
        verdict.Reply.Should().Be(new SmtpReply(250, "2.1.5", "Recipient ok"));
        verdict.Recipient!.User.Should().Be(_alice.Id);
        verdict.Recipient.Label.Should().Be(address.Contains('+') ? "news" : null);
    }

    [Fact]
    public async Task Idn_domains_match_in_unicode_and_punycode_and_unicode_local_parts_work()
    {
        await Users.AddAddressAsync(_alice.Id, "jürgen@münchen.example");
        (await _agent.CheckRecipientAsync("jürgen@münchen.example", 0, default)).Recipient!.User.Should().Be(_alice.Id);
        (await _agent.CheckRecipientAsync("jürgen@xn--mnchen-3ya.example", 0, default)).Recipient!.User.Should().Be(_alice.Id);
        (await _agent.CheckRecipientAsync("JÜRGEN@MÜNCHEN.EXAMPLE", 0, default)).Recipient!.User.Should().Be(_alice.Id);
    }

    [Fact]
    public async Task Aliases_domain_aliases_and_catch_all_addresses_resolve()
    {
        await Users.AddAddressAsync(_alice.Id, "postmaster@example.org");
        await Users.AddDomainAliasAsync(new DomainAlias("example.com", "example.org"));
        await Users.AddAddressAsync(_alice.Id, "*@catch.example");
        (await _agent.CheckRecipientAsync("postmaster@example.org", 0, default)).Recipient!.User.Should().Be(_alice.Id);
        (await _agent.CheckRecipientAsync("alice@example.com", 0, default)).Recipient!.User.Should().Be(_alice.Id);
        (await _agent.CheckRecipientAsync("whoever@catch.example", 0, default)).Recipient!.User.Should().Be(_alice.Id);

        await StartAsync(o => o.AllowWildcardRecipients = false);
        (await _agent.CheckRecipientAsync("whoever@catch.example", 0, default)).Reply.Code.Should().Be(550);
    }

    [Fact]
    public async Task A_bare_postmaster_is_the_postmaster_of_this_host()
    {
        (await _agent.CheckRecipientAsync("Postmaster", 0, default)).Reply.Code.Should().Be(550, "no one holds postmaster@lmtp.test yet");
        await Users.AddAddressAsync(_alice.Id, "postmaster@lmtp.test");
        (await _agent.CheckRecipientAsync("Postmaster", 0, default)).Recipient!.User.Should().Be(_alice.Id);
    }

    [Fact]
    public async Task Unknown_disabled_and_over_quota_recipients_get_their_codes()
    {
        (await _agent.CheckRecipientAsync("nobody@example.org", 0, default)).Reply.Should().Be(new SmtpReply(550, "5.1.1", "Unknown recipient"));
        (await _agent.CheckRecipientAsync("not an address", 0, default)).Reply.Code.Should().Be(501);

        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { Quota = 1000 });
        (await _agent.CheckRecipientAsync("alice@example.org", 2000, default)).Reply.Should().Be(new SmtpReply(452, "4.2.2", "Mailbox full, try again later"));
        (await _agent.CheckRecipientAsync("alice@example.org", 500, default)).Reply.Code.Should().Be(250);
        await StartAsync(o => o.OverQuotaIsPermanent = true);
        (await _agent.CheckRecipientAsync("alice@example.org", 2000, default)).Reply.Should().Be(new SmtpReply(552, "5.2.2", "Mailbox full"));

        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { Disabled = true });
        (await _agent.CheckRecipientAsync("alice@example.org", 0, default)).Reply.Should().Be(new SmtpReply(550, "5.2.1", "Mailbox disabled"));
    }

    [Fact]
    public async Task The_stored_message_is_the_trace_headers_followed_by_the_received_bytes()
    {
        var message = Message();
        var replies = await DeliverAsync(message, "bob@example.net", "Alice+Lists@Example.org");
        replies.Should().ContainSingle().Which.Code.Should().Be(250);
        var stored = (await MailboxContentAsync("INBOX")).Should().ContainSingle().Subject;
        var expected = Encoding.ASCII.GetBytes("Return-Path: <bob@example.net>\r\nDelivered-To: Alice+Lists@Example.org\r\n").Concat(Received).Concat(message).ToArray();
        stored.Content.Should().Equal(expected);
        replies[0].Text.Should().StartWith("Alice+Lists@Example.org Ok: stored as ");
    }

    [Fact]
    public async Task Recipients_of_one_user_share_one_copy_and_one_reply()
    {
        await Users.AddAddressAsync(_alice.Id, "postmaster@example.org");
        var replies = await DeliverAsync(Message(), "bob@example.net", "alice@example.org", "postmaster@example.org", "alice+x@example.org");
        replies.Should().HaveCount(3).And.OnlyContain(r => r.Code == 250 && r.Text.Contains(" Ok: stored as ", StringComparison.Ordinal));
        replies.Select(r => r.Text.Split(' ')[^1]).Distinct().Should().ContainSingle("one stored copy");
        replies.Select(r => r.Text.Split(' ')[0]).Should().Equal("alice@example.org", "postmaster@example.org", "alice+x@example.org");
        (await MailboxContentAsync("INBOX")).Should().ContainSingle();
    }

    [Fact]
    public async Task A_filter_moves_and_flags_and_a_delete_filter_drops()
    {
        var work = await Mailboxes.CreateMailboxAsync(_alice.Id, "Work");
        await _services.GetRequiredService<IFilterStore>().SaveFilterAsync(new FilterDefinition
        {
            Id = EntityId.NewId(),
            User = _alice.Id,
            Query = new FilterQuery { Subject = "report" },
            Action = new FilterAction { Mailbox = work.Id, Seen = true, Flag = true },
        });
        await _services.GetRequiredService<IFilterStore>().SaveFilterAsync(new FilterDefinition
        {
            Id = EntityId.NewId(),
            User = _alice.Id,
            Query = new FilterQuery { From = "spammer@" },
            Action = new FilterAction { Delete = true },
        });

        (await DeliverAsync(Message("Weekly Report"))).Single().Code.Should().Be(250);
        (await MailboxContentAsync("Work")).Should().ContainSingle().Which.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);

        var dropped = (await DeliverAsync(Message("Buy", from: "spammer@example.net"), "spammer@example.net")).Single();
        dropped.Should().Be(new SmtpReply(250, "2.0.0", "alice@example.org Message dropped by policy"));
        (await MailboxContentAsync("INBOX")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_trusted_spam_header_sends_mail_to_junk_unless_the_spam_level_is_100()
    {
        (await DeliverAsync(Message("Win", extraHeaders: "X-Spam-Status: Yes, score=12.0\r\n"))).Single().Code.Should().Be(250);
        (await MailboxContentAsync("Junk")).Should().ContainSingle();

        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { SpamLevel = 100 });
        (await DeliverAsync(Message("Win again", extraHeaders: "X-Spam-Status: Yes, score=12.0\r\n"))).Single().Code.Should().Be(250);
        (await MailboxContentAsync("INBOX")).Should().ContainSingle();
    }

    [Fact]
    public async Task Over_quota_at_delivery_gets_452_and_stores_nothing()
    {
        var accepted = (await _agent.CheckRecipientAsync("alice@example.org", 0, default)).Recipient!;
        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { Quota = 100 });
        var replies = await _agent.DeliverAsync(new DeliveryRequest { ReturnPath = "bob@example.net", Recipients = new[] { accepted }, Message = Message(), ReceivedHeader = Received }, default);
        replies.Single().Should().Be(new SmtpReply(452, "4.2.2", "alice@example.org Mailbox full, try again later"));
        (await MailboxContentAsync("INBOX")).Should().BeEmpty();
    }

    private async Task<IReadOnlyList<OutboundQueueItem>> QueuedAsync()
    {
        var queue = _services.GetRequiredService<IOutboundQueue>();
        var items = new List<OutboundQueueItem>();
        foreach (var entry in await queue.ListEntriesAsync(new OutboundListRequest()))
        {
            items.Add((await queue.GetEntryAsync(entry.Id))!);
        }

        return items;
    }

    [Fact]
    public async Task Forwards_go_to_the_queue_per_route_with_the_stored_bytes_and_the_original_sender()
    {
        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { ForwardTargets = new[] { "copy@example.net", "mail:other@example.net", "smtp://relay.example:2525", "https://hooks.example/in", "not a target" } });
        (await DeliverAsync(Message())).Single().Code.Should().Be(250);
        var stored = (await MailboxContentAsync("INBOX")).Single().Content;

        var queued = await QueuedAsync();
        queued.Should().HaveCount(3);
        queued.Should().OnlyContain(q => q.Entry.Reason == "forward" && q.Entry.ReturnPath == "bob@example.net" && q.Entry.User == _alice.Id);
        // The stored bytes minus the Return-Path line, which belongs to final delivery only (RFC 5321 §4.4).
        var returnPath = Encoding.ASCII.GetBytes("Return-Path: <bob@example.net>\r\n");
        stored.AsSpan().StartsWith(returnPath).Should().BeTrue();
        queued.Should().OnlyContain(q => q.Content.ToArray().SequenceEqual(stored.Skip(returnPath.Length)));
        queued.Single(q => q.Entry.Route is null).Entry.Recipients.Should().Equal("copy@example.net", "other@example.net");
        queued.Single(q => q.Entry.Route == "smtp://relay.example:2525").Entry.Recipients.Should().Equal("alice@example.org");
        queued.Single(q => q.Entry.Route == "https://hooks.example/in").Entry.Recipients.Should().Equal("alice@example.org");
    }

    [Fact]
    public async Task Spam_looping_and_over_limit_mail_is_not_forwarded_but_still_stored()
    {
        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { ForwardTargets = new[] { "copy@example.net" } });
        (await DeliverAsync(Message("Win", extraHeaders: "X-Spam-Status: Yes\r\n"))).Single().Code.Should().Be(250);
        var loop = string.Concat(Enumerable.Repeat("Received: from hop by hop; Sun, 29 Nov 2026 03:00:00 +0000\r\n", 29));
        (await DeliverAsync(Message("Looping", extraHeaders: loop))).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().BeEmpty("spam is never forwarded and 29 + 1 Received fields reach the loop limit");

        await StartAsync(static _ => { }, maxForwardsPerDay: 1);
        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { ForwardTargets = new[] { "copy@example.net", "second@example.net" } });
        (await DeliverAsync(Message("Two targets"))).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().BeEmpty("two copies exceed a limit of one");
        (await MailboxContentAsync("INBOX")).Should().HaveCount(2);
        (await MailboxContentAsync("Junk")).Should().ContainSingle();
    }

    [Fact]
    public async Task A_forwarded_address_without_its_own_limit_uses_the_option_and_shares_one_delivery_between_its_recipients()
    {
        await StartAsync(static _ => { }, maxForwardsPerDay: 2);
        await Users.CreateForwardedAddressAsync(new CreateForwardedAddressRequest { Address = "team@example.org", Targets = new[] { "copy@example.net" } });

        var replies = await DeliverAsync(Message("One"), "bob@example.net", "team@example.org", "t.eam+x@example.org", "alice@example.org");
        replies[0].Should().Be(new SmtpReply(250, "2.0.0", "team@example.org Ok: forwarded"));
        replies[1].Should().Be(new SmtpReply(250, "2.0.0", "t.eam+x@example.org Ok: forwarded"));
        replies[2].Code.Should().Be(250);
        (await QueuedAsync()).Should().ContainSingle("both recipients resolve to one forwarded address: one delivery, one copy");

        (await DeliverAsync(Message("Two"), "bob@example.net", "team@example.org")).Single().Code.Should().Be(250);
        (await DeliverAsync(Message("Three"), "bob@example.net", "team@example.org")).Single().Code.Should().Be(450, "Users:MaxForwardsPerDay (2) applies when the address sets no limit");
        (await QueuedAsync()).Should().HaveCount(2);
        (await MailboxContentAsync("INBOX")).Should().ContainSingle("only alice's copy is stored");

        _time.Advance(TimeSpan.FromDays(1));
        (await DeliverAsync(Message("Four"), "bob@example.net", "team@example.org")).Single().Code.Should().Be(250, "a new day's window starts");
    }

    [Fact]
    public async Task The_daily_forward_limit_is_counted_by_the_registered_counter_shared_by_every_agent_and_ends_after_a_day()
    {
        await StartAsync(static _ => { }, maxForwardsPerDay: 2);
        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { ForwardTargets = new[] { "copy@example.net" } });
        (await DeliverAsync(Message("One"))).Single().Code.Should().Be(250);

        // A second agent over the same registered IForwardCounter stands for a second instance
        // sharing the counter (UseRedis registers one that lives in Redis).
        _agent = ActivatorUtilities.CreateInstance<MailDeliveryAgent>(_services);
        (await DeliverAsync(Message("Two"))).Single().Code.Should().Be(250);
        (await DeliverAsync(Message("Three"))).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().HaveCount(2, "the first agent's forward counts for the second");
        (await MailboxContentAsync("INBOX")).Should().HaveCount(3, "over the limit the message is still stored");

        _time.Advance(TimeSpan.FromDays(1));
        (await DeliverAsync(Message("Four"))).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().HaveCount(3, "a new day's window starts");
    }

    [Fact]
    public async Task A_dropping_filter_still_forwards_its_own_targets_but_not_the_users()
    {
        await Users.UpdateUserAsync(_alice.Id, new UserUpdate { ForwardTargets = new[] { "user-level@example.net" } });
        await _services.GetRequiredService<IFilterStore>().SaveFilterAsync(new FilterDefinition
        {
            Id = EntityId.NewId(),
            User = _alice.Id,
            Query = new FilterQuery { Subject = "invoice" },
            Action = new FilterAction { Delete = true, Targets = new[] { "mail:accounting@example.net" } },
        });
        (await DeliverAsync(Message("Invoice 42"))).Single().Text.Should().Be("alice@example.org Message dropped by policy");
        (await QueuedAsync()).Should().ContainSingle().Which.Entry.Recipients.Should().Equal("accounting@example.net");
        (await MailboxContentAsync("INBOX")).Should().BeEmpty();
    }

    [Fact]
    public async Task An_autoreply_goes_once_per_sender_per_interval_from_the_recipient_with_rfc3834_headers()
    {
        await _services.GetRequiredService<IAutoreplyStore>().SetAutoreplyAsync(_alice.Id, new AutoreplySettings
        {
            Enabled = true,
            Subject = "Away",
            Text = "Back on Monday.",
            Start = _time.GetUtcNow().AddDays(-1),
            End = _time.GetUtcNow().AddDays(1),
        });

        (await DeliverAsync(Message("Question"))).Single().Code.Should().Be(250);
        var reply = (await QueuedAsync()).Should().ContainSingle().Subject;
        reply.Entry.Reason.Should().Be("autoreply");
        reply.Entry.ReturnPath.Should().BeEmpty("RFC 3834 §3.3: the null sender");
        reply.Entry.Recipients.Should().Equal("bob@example.net");
        var parsed = MimeKit.MimeMessage.Load(new MemoryStream(reply.Content.ToArray()));
        parsed.Headers["Auto-Submitted"].Should().Be("auto-replied");
        parsed.Subject.Should().Be("Auto: Away");
        parsed.InReplyTo.Should().Be("m1@example.net");
        parsed.From.Mailboxes.Single().Address.Should().Be("alice@example.org");
        parsed.From.Mailboxes.Single().Name.Should().Be("Alice Example");
        parsed.Headers["X-WD-Autoreply-For"].Should().NotBeNullOrEmpty();
        parsed.TextBody.Should().Contain("Back on Monday.");
        Encoding.ASCII.GetString(reply.Content.Span).Should().Contain("\r\n").And.NotContain("\n\n");

        (await DeliverAsync(Message("Again"))).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().HaveCount(1, "one reply per sender per interval");
        _time.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        (await DeliverAsync(Message("Later"))).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().HaveCount(2);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("bob@example.net", "List-Id: <list.example.net>\r\n")]
    [InlineData("bob@example.net", "Auto-Submitted: auto-generated\r\n")]
    [InlineData("bob@example.net", "Precedence: bulk\r\n")]
    [InlineData("mailer-daemon@example.net", "")]
    [InlineData("bob@example.net", "X-Spam-Status: Yes\r\n")]
    public async Task No_autoreply_to_null_senders_lists_bulk_automatic_daemons_or_spam(string returnPath, string headers)
    {
        await _services.GetRequiredService<IAutoreplyStore>().SetAutoreplyAsync(_alice.Id, new AutoreplySettings { Enabled = true, Text = "away" });
        (await DeliverAsync(Message("Hi", extraHeaders: headers), returnPath)).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task No_autoreply_outside_the_window_or_when_disabled()
    {
        var autoreplies = _services.GetRequiredService<IAutoreplyStore>();
        await autoreplies.SetAutoreplyAsync(_alice.Id, new AutoreplySettings { Enabled = true, Text = "away", Start = _time.GetUtcNow().AddHours(1) });
        (await DeliverAsync(Message())).Single().Code.Should().Be(250);
        await autoreplies.SetAutoreplyAsync(_alice.Id, new AutoreplySettings { Enabled = true, Text = "away", End = _time.GetUtcNow().AddHours(-1) });
        (await DeliverAsync(Message())).Single().Code.Should().Be(250);
        await autoreplies.SetAutoreplyAsync(_alice.Id, new AutoreplySettings { Enabled = false, Text = "away" });
        (await DeliverAsync(Message())).Single().Code.Should().Be(250);
        (await QueuedAsync()).Should().BeEmpty();
    }
}
