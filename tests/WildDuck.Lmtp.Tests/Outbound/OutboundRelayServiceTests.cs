// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Lmtp.Outbound;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Lmtp.Tests.Outbound;

public sealed class OutboundRelayServiceTests : IDisposable
{
    // Folded DKIM header, 8-bit body, lines starting with dots, header without a space after the
    // colon, trailing white space: everything a re-serialisation would be tempted to "fix".
    private static readonly byte[] Tricky = Encoding.UTF8.GetBytes(
        "Received: from a (b [192.0.2.1])\r\n\tby mx.example.test; Sat, 28 Nov 2026 10:00:00 +0000\r\n" +
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1;\r\n h=from:subject; bh=abc=;\r\n b=def\r\n  ghi=\r\n" +
        "From: \"Ä Sender\" <sender@example.org>\r\n" +
        "Subject:ünïcödé   with   spaces   \r\n" +
        "X-Empty:\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        "Héllo wörld\r\n" +
        ".a line with a leading dot\r\n" +
        "..two dots\r\n" +
        ".\r\n" +
        "\r\n" +
        "last line\r\n");

    private readonly RelayFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static OutboundMessage Message(byte[] content, string returnPath = "alice@example.test", string? route = null, params string[] recipients) => new()
    {
        ReturnPath = returnPath,
        Recipients = recipients.Length == 0 ? new[] { "bob@example.org" } : recipients,
        Content = content,
        Route = route,
        Reason = "forward",
    };

    private Task<IReadOnlyList<OutboundEntry>> AllAsync() => _fixture.Store.ListEntriesAsync(new OutboundListRequest());

    [Fact]
    public async Task RelaysTheStoredBytesUnchangedThroughTheSmarthost()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        await _fixture.Store.EnqueueAsync(Message(Tricky, recipients: new[] { "bob@example.org", "carol@example.net" }));

        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(1);

        var received = sink.Received.Should().ContainSingle().Subject;
        received.Data.Should().Equal(Tricky);
        received.MailFrom.Should().Be("alice@example.test");
        received.Recipients.Should().Equal("bob@example.org", "carol@example.net");
        received.Helo.Should().Be("mx.example.test");
        (await AllAsync()).Should().BeEmpty("a delivered entry leaves the queue");
    }

    [Fact]
    public async Task RelaysEveryCorpusMessageByteForByte()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var sent = new List<byte[]>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "corpus", "mimekit", "messages")).Order(StringComparer.Ordinal))
        {
            var content = Crlf(File.ReadAllBytes(file));
            if (content.AsSpan().StartsWith("From "u8) || content.AsSpan().StartsWith("\uFEFF"u8) || content.AsSpan().IndexOf("\r\n\r\n"u8) < 0)
            {
                // Not messages as ingest stores them: mbox separators, a byte-order mark (MimeKit
                // cannot parse the header block; see the test below), header-only fragments.
                continue;
            }

            sent.Add(content);
            await _fixture.Store.EnqueueAsync(Message(content));
        }

        while (await relay.RunOnceAsync(CancellationToken.None) > 0)
        {
        }

        sent.Should().HaveCountGreaterThan(20);
        var received = sink.Received.Select(r => Convert.ToBase64String(r.Data)).ToHashSet(StringComparer.Ordinal);
        var missing = sent.Where(s => !received.Contains(Convert.ToBase64String(s))).Select(s => Encoding.UTF8.GetString(s, 0, Math.Min(60, s.Length))).ToList();
        missing.Should().BeEmpty("every message arrives unchanged");
        (await AllAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task BccIsKeptAndAnUnparsableHeaderBlockFailsTheEntry()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var withBcc = Encoding.ASCII.GetBytes("From: a@example.org\r\nBcc: hidden@example.org\r\nSubject: x\r\n\r\nbody\r\n");
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.ASCII.GetBytes("From: a@example.org\r\n\r\nbody\r\n")).ToArray();
        await _fixture.Store.EnqueueAsync(Message(withBcc));
        var bom = await _fixture.Store.EnqueueAsync(Message(withBom));

        await relay.RunOnceAsync(CancellationToken.None);

        sink.Received.Should().ContainSingle().Which.Data.Should().Equal(withBcc, "the bytes are not touched, Bcc included");
        var failed = (await _fixture.Store.GetEntryAsync(bom))!.Entry;
        failed.State.Should().Be(OutboundState.Failed);
        failed.LastError.Should().Contain("cannot be parsed");
    }

    [Fact]
    public async Task TheNullSenderGoesOutAsAnEmptyReversePath()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        await _fixture.Store.EnqueueAsync(Message(Tricky, returnPath: string.Empty) with { Reason = "autoreply" });

        await relay.RunOnceAsync(CancellationToken.None);

        sink.Received.Should().ContainSingle().Which.MailFrom.Should().BeEmpty();
    }

    [Fact]
    public async Task ATemporaryFailureDefersWithExponentialBackoffUntilDelivered()
    {
        await using var sink = new SmtpSink { DataReply = "451 4.3.0 try again later" };
        var relay = _fixture.Relay(o =>
        {
            RelayFixture.Smarthost(sink)(o);
            o.BackoffBase = TimeSpan.FromMinutes(5);
            o.BackoffCap = TimeSpan.FromMinutes(15);
        });
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));
        var start = _fixture.Time.GetUtcNow();

        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Deferred);
        entry.Attempts.Should().Be(1);
        entry.NextAttempt.Should().Be(start.AddMinutes(5));
        entry.LastError.Should().Contain("451").And.Contain("try again later");
        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(0, "it is not due before its next attempt");

        _fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await relay.RunOnceAsync(CancellationToken.None);
        entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.Attempts.Should().Be(2);
        entry.NextAttempt.Should().Be(start.AddMinutes(5 + 10), "the delay doubles");

        _fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await relay.RunOnceAsync(CancellationToken.None);
        (await _fixture.Store.GetEntryAsync(id))!.Entry.NextAttempt.Should().Be(start.AddMinutes(15 + 15), "the delay is capped");

        sink.DataReply = "250 2.0.0 accepted";
        _fixture.Time.Advance(TimeSpan.FromMinutes(15));
        await relay.RunOnceAsync(CancellationToken.None);
        (await _fixture.Store.GetEntryAsync(id)).Should().BeNull();
        sink.Received.Should().ContainSingle().Which.Data.Should().Equal(Tricky);
    }

    [Fact]
    public async Task APermanentFailureMarksTheEntryFailedAndKeepsIt()
    {
        await using var sink = new SmtpSink { RecipientReply = static _ => "550 5.1.1 no such user" };
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));

        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Failed);
        entry.Attempts.Should().Be(1);
        entry.LastError.Should().Contain("550").And.Contain("no such user");
        sink.Received.Should().BeEmpty();
        _fixture.Time.Advance(TimeSpan.FromDays(1));
        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(0, "failed entries are not retried");
    }

    [Fact]
    public async Task AFivexxReplyToDataFailsTheEntry()
    {
        await using var sink = new SmtpSink { DataReply = "554 5.7.1 rejected as spam" };
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));

        await relay.RunOnceAsync(CancellationToken.None);

        (await _fixture.Store.GetEntryAsync(id))!.Entry.State.Should().Be(OutboundState.Failed);
    }

    [Fact]
    public async Task RecipientsRefusedTemporarilyGetTheirOwnEntryWhileTheOthersAreDelivered()
    {
        await using var sink = new SmtpSink
        {
            RecipientReply = static to => to switch
            {
                "later@example.org" => "450 4.2.1 mailbox busy",
                "gone@example.org" => "550 5.1.1 gone",
                _ => "250 2.1.5 OK",
            },
        };
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky, recipients: new[] { "ok@example.org", "later@example.org", "gone@example.org" }));

        await relay.RunOnceAsync(CancellationToken.None);

        sink.Received.Should().ContainSingle().Which.Recipients.Should().Equal("ok@example.org");
        (await _fixture.Store.GetEntryAsync(id)).Should().BeNull();
        var retry = (await AllAsync()).Should().ContainSingle().Subject;
        retry.Recipients.Should().Equal("later@example.org");
        retry.State.Should().Be(OutboundState.Deferred, "it was tried once");
        retry.Attempts.Should().Be(1);
        retry.NextAttempt.Should().BeAfter(_fixture.Time.GetUtcNow(), "a greylisting host is not asked again at the next poll");
        (await _fixture.Store.GetEntryAsync(retry.Id))!.Content.ToArray().Should().Equal(Tricky);
    }

    [Fact]
    public async Task AnUnreachableServerDefersTheEntry()
    {
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var relay = _fixture.Relay(o =>
        {
            o.Smarthost.Host = "127.0.0.1";
            o.Smarthost.Port = closedPort;
            o.Smarthost.Tls = OutboundTlsMode.None;
        });
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));

        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Deferred);
        entry.NextAttempt.Should().Be(_fixture.Time.GetUtcNow() + new OutboundRelayOptions().BackoffBase);
        entry.LastError.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task ATemporaryFailurePastTheMaximumAgeFailsTheEntry()
    {
        await using var sink = new SmtpSink { MailReply = "421 4.3.2 shutting down" };
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));
        _fixture.Time.Advance(TimeSpan.FromDays(5));

        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Failed);
        entry.LastError.Should().StartWith("gave up after 1 attempts").And.Contain("421");
    }

    [Fact]
    public async Task MaxAttemptsFailsTheEntryOnTheLastAllowedAttempt()
    {
        await using var sink = new SmtpSink { DataReply = "452 4.3.1 insufficient storage" };
        var relay = _fixture.Relay(o =>
        {
            RelayFixture.Smarthost(sink)(o);
            o.MaxAttempts = 2;
        });
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));

        await relay.RunOnceAsync(CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromHours(1));
        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Failed);
        entry.Attempts.Should().Be(2);
    }

    [Fact]
    public async Task WithoutASmarthostUnroutedMailStaysQueuedAndRoutedMailIsSent()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(static _ => { });
        var waiting = await _fixture.Store.EnqueueAsync(Message(Tricky));
        var routed = await _fixture.Store.EnqueueAsync(Message(Tricky, route: "smtp://127.0.0.1:" + sink.Port, recipients: new[] { "relay@example.org" }));

        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(1);

        sink.Received.Should().ContainSingle().Which.Recipients.Should().Equal("relay@example.org");
        (await _fixture.Store.GetEntryAsync(routed)).Should().BeNull();
        var entry = (await _fixture.Store.GetEntryAsync(waiting))!.Entry;
        entry.State.Should().Be(OutboundState.Queued);
        entry.Attempts.Should().Be(0);
        entry.LeasedUntil.Should().BeNull();
    }

    [Fact]
    public async Task AnSmtpRouteNeverSendsItsCredentialsWithoutTls()
    {
        // The sink offers no STARTTLS (as if a man in the middle stripped it): a user's relay
        // credentials must not go out in plain text.
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(static _ => { });
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky, route: $"smtp://relay%40user:p%3Ass@127.0.0.1:{sink.Port}"));

        await relay.RunOnceAsync(CancellationToken.None);

        sink.Authenticated.Should().BeNull();
        sink.Received.Should().BeEmpty();
        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Failed);
        entry.LastError.Should().Contain("without TLS").And.NotContain("p:ss").And.NotContain("p%3Ass");
    }

    [Fact]
    public async Task TheSmarthostCredentialsAreUsed()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(o =>
        {
            RelayFixture.Smarthost(sink)(o);
            o.Smarthost.Username = "wildduck";
            o.Smarthost.Password = "secret";
        });
        await _fixture.Store.EnqueueAsync(Message(Tricky));

        await relay.RunOnceAsync(CancellationToken.None);

        sink.Authenticated.Should().Be("wildduck:secret");
        sink.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task AnEntryLeasedByACrashedSenderIsSentOnlyAfterItsLeaseEnds()
    {
        await using var sink = new SmtpSink();
        var relay = _fixture.Relay(RelayFixture.Smarthost(sink));
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky));
        var crashed = (await _fixture.OpenStore().ClaimDueAsync(new OutboundClaimRequest { LeaseTime = TimeSpan.FromMinutes(15) })).Single();

        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(0, "another sender holds the lease");
        _fixture.Time.Advance(TimeSpan.FromMinutes(15));
        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(1);

        sink.Received.Should().ContainSingle();
        (await _fixture.Store.GetEntryAsync(id)).Should().BeNull();
        (await _fixture.Store.MarkDeferredAsync(id, crashed.Token, _fixture.Time.GetUtcNow(), "late")).Should().BeFalse("the old lease is void");
    }

    [Fact]
    public async Task AnUnsupportedRouteFailsTheEntry()
    {
        var relay = _fixture.Relay(static _ => { });
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky, route: "ftp://example.org/"));

        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Failed);
        entry.LastError.Should().Contain("unsupported route");
    }

    [Fact]
    public async Task TwoRelaysSharingOneStoreFileSendEveryEntryExactlyOnce()
    {
        await using var sink = new SmtpSink();
        var first = _fixture.Relay(o => { RelayFixture.Smarthost(sink)(o); o.BatchSize = 3; o.Concurrency = 2; });
        var second = _fixture.Relay(o => { RelayFixture.Smarthost(sink)(o); o.BatchSize = 3; o.Concurrency = 2; }, _fixture.OpenStore());
        for (var i = 0; i < 12; i++)
        {
            await _fixture.Store.EnqueueAsync(Message(Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nbody {i}\r\n")));
        }

        async Task DrainAsync(OutboundRelayService relay)
        {
            while (await relay.RunOnceAsync(CancellationToken.None) > 0)
            {
            }
        }

        await Task.WhenAll(Task.Run(() => DrainAsync(first)), Task.Run(() => DrainAsync(second)));

        sink.Received.Select(r => Encoding.ASCII.GetString(r.Data)).Should().HaveCount(12).And.OnlyHaveUniqueItems();
        (await AllAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task AnHttpRoutePostsTheRawMessage()
    {
        await using var http = new HttpSink();
        var relay = _fixture.Relay(static _ => { });
        await _fixture.Store.EnqueueAsync(Message(Tricky, route: $"http://127.0.0.1:{http.Port}/hooks/mail", recipients: new[] { "a@example.org", "b@example.org" }));

        (await relay.RunOnceAsync(CancellationToken.None)).Should().Be(1);

        var request = http.Received.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/hooks/mail");
        request.Body.Should().Equal(Tricky);
        request.Headers["Content-Type"].Should().ContainSingle().Which.Should().Be("message/rfc822");
        request.Headers["X-Envelope-From"].Should().Equal("<alice@example.test>");
        request.Headers["X-Envelope-To"].Should().Equal("<a@example.org>, <b@example.org>");
        (await AllAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task AnHttpRouteWithUserInfoAuthenticatesWithBasic()
    {
        await using var http = new HttpSink();
        var relay = _fixture.Relay(static _ => { });
        await _fixture.Store.EnqueueAsync(Message(Tricky, route: $"http://hook:s%3Acret@127.0.0.1:{http.Port}/in"));

        await relay.RunOnceAsync(CancellationToken.None);

        var request = http.Received.Should().ContainSingle().Subject;
        request.Headers["Authorization"].Should().Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hook:s:cret")));
    }

    [Theory]
    [InlineData("503 Service Unavailable", OutboundState.Deferred)]
    [InlineData("429 Too Many Requests", OutboundState.Deferred)]
    [InlineData("404 Not Found", OutboundState.Failed)]
    [InlineData("302 Found", OutboundState.Failed)]
    [InlineData("307 Temporary Redirect", OutboundState.Failed)]
    public async Task AnHttpErrorDefersOrFails(string status, OutboundState expected)
    {
        await using var http = new HttpSink { Status = status };
        var relay = _fixture.Relay(static _ => { });
        var id = await _fixture.Store.EnqueueAsync(Message(Tricky, route: $"http://127.0.0.1:{http.Port}/"));

        await relay.RunOnceAsync(CancellationToken.None);

        var entry = (await _fixture.Store.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(expected);
        entry.LastError.Should().Contain(status[..3]);
    }

    [Fact]
    public async Task A_wakeup_sends_newly_queued_mail_before_the_next_poll()
    {
        await using var sink = new SmtpSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck(o => o.Hostname = "mx.example.test")
            .UseSqliteStorage(o => o.Path = Path.Combine(_fixture.Directory, "wakeup.db"))
            .AddOutboundRelay(o =>
            {
                RelayFixture.Smarthost(sink)(o);
                o.PollInterval = TimeSpan.FromMinutes(10);
            });
        await using var provider = services.BuildServiceProvider();
        var relay = provider.GetServices<IHostedService>().OfType<OutboundRelayService>().Single();
        var queue = provider.GetRequiredService<IOutboundQueue>();
        await queue.EnqueueAsync(Message(Tricky));
        await relay.StartAsync(CancellationToken.None);
        try
        {
            // The first pass sends the first entry; the relay then sleeps for the 10-minute poll.
            (await sink.NextMessage.Task.WaitAsync(TimeSpan.FromSeconds(30))).Data.Should().Equal(Tricky);
            sink.NextMessage = new TaskCompletionSource<SinkTransaction>(TaskCreationOptions.RunContinuationsAsynchronously);
            var second = Encoding.ASCII.GetBytes("Subject: second\r\n\r\nwoken\r\n");
            await queue.EnqueueAsync(Message(second));
            provider.GetRequiredService<OutboundWakeup>().Notify();
            (await sink.NextMessage.Task.WaitAsync(TimeSpan.FromSeconds(30))).Data.Should().Equal(second);
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheHostedServiceSendsWhatIsEnqueuedThroughDependencyInjection()
    {
        await using var sink = new SmtpSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck(o => o.Hostname = "mx.example.test")
            .UseSqliteStorage(o => o.Path = Path.Combine(_fixture.Directory, "hosted.db"))
            .AddOutboundRelay(o =>
            {
                RelayFixture.Smarthost(sink)(o);
                o.PollInterval = TimeSpan.FromMilliseconds(50);
            });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        hosted.Should().Contain(h => h is OutboundRelayService);
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            await provider.GetRequiredService<IOutboundQueue>().EnqueueAsync(Message(Tricky));
            var received = await sink.NextMessage.Task.WaitAsync(TimeSpan.FromSeconds(30));
            received.Data.Should().Equal(Tricky);
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public void InvalidOptionsAreRejectedAtStart()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck().UseSqliteStorage(o => o.Path = Path.Combine(_fixture.Directory, "invalid.db"))
            .AddOutboundRelay(o => o.LeaseTime = TimeSpan.FromSeconds(1));
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutboundRelayOptions>>().Value;

        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*LeaseTime*");
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 60)]
    [InlineData(50, 60)]
    public void BackoffDoublesFromTheBaseUpToTheCap(int attempts, int minutes) =>
        OutboundRelayService.Backoff(attempts, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)).Should().Be(TimeSpan.FromMinutes(minutes));

    [Fact]
    public void RouteUrlsCarryPortTlsAndCredentials()
    {
        OutboundRoute.TryParse("smtps://user%40x:p%3Ass@relay.example.org", out var smtps).Should().BeTrue();
        smtps!.Port.Should().Be(465);
        smtps.Tls.Should().Be(OutboundTlsMode.Implicit);
        smtps.Username.Should().Be("user@x");
        smtps.Password.Should().Be("p:ss");
        smtps.Display.Should().NotContain("p:ss");

        OutboundRoute.TryParse("smtp://relay.example.org:2525", out var smtp).Should().BeTrue();
        smtp!.Port.Should().Be(2525);
        smtp.Username.Should().BeNull();
        OutboundRoute.TryParse("smtp://relay.example.org", out var plain).Should().BeTrue();
        plain!.Port.Should().Be(25);

        OutboundRoute.TryParse("https://hook:secret@hooks.example.org/in?x=1", out var https).Should().BeTrue();
        https!.IsHttp.Should().BeTrue();
        https.Display.Should().Be("https://hooks.example.org/in", "logs and errors never carry credentials");
        OutboundRoute.TryParse("mail:someone@example.org", out _).Should().BeFalse();
    }

    private static byte[] Crlf(byte[] text)
    {
        using var output = new MemoryStream(text.Length + 64);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n' && (i == 0 || text[i - 1] != (byte)'\r'))
            {
                output.WriteByte((byte)'\r');
            }

            output.WriteByte(text[i]);
        }

        if (output.Length < 2 || !output.ToArray().AsSpan().EndsWith("\r\n"u8))
        {
            output.Write("\r\n"u8);
        }

        return output.ToArray();
    }
}
