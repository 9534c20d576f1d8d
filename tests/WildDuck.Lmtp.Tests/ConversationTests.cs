// SPDX-License-Identifier: MIT
using System.Text;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Tests;

/// <summary>LMTP conversations over real sockets against the SQLite store.</summary>
public sealed class ConversationTests : IAsyncLifetime
{
    private LmtpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LmtpTestServer.StartAsync(o => o.MaxMessageSize = 64 * 1024);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Lhlo_lists_the_extensions_and_helo_ehlo_are_refused()
    {
        await using var client = await _server.ConnectAsync();
        (await client.CommandAsync("HELO mx")).Should().StartWith("500 5.5.1");
        (await client.CommandAsync("EHLO mx")).Should().StartWith("500 5.5.1");
        var lhlo = await client.CommandAsync("LHLO mx.example.org");
        lhlo.Split('\n').Should().Equal(
            "250-" + LmtpTestServer.Hostname,
            "250-PIPELINING",
            "250-ENHANCEDSTATUSCODES",
            "250-8BITMIME",
            "250-SMTPUTF8",
            "250-CHUNKING",
            "250-BINARYMIME",
            "250 SIZE 65536");
        (await client.CommandAsync("NOOP")).Should().Be("250 2.0.0 Ok");
        (await client.CommandAsync("HELP")).Should().StartWith("214 2.0.0");
        (await client.CommandAsync("VRFY alice@example.org")).Should().StartWith("252 2.5.2");
        (await client.CommandAsync("STARTTLS")).Should().StartWith("454 4.7.0");
        (await client.CommandAsync("QUIT")).Should().StartWith("221 2.0.0");
        (await client.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Pipelined_transaction_with_an_unknown_and_a_disabled_recipient_gets_one_reply_per_accepted_recipient()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync(
            "LHLO mx.example.org\r\n" +
            "MAIL FROM:<sender@remote.example> BODY=8BITMIME\r\n" +
            "RCPT TO:<alice@example.org>\r\n" +
            "RCPT TO:<nobody@example.org>\r\n" +
            "RCPT TO:<carol@example.org>\r\n" +
            "RCPT TO:<Bob+news@Example.org>\r\n" +
            "DATA\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("250-");
        var replies = await client.ReadRepliesAsync(6);
        replies[0].Should().StartWith("250 2.1.0");
        replies[1].Should().StartWith("250 2.1.5");
        replies[2].Should().StartWith("550 5.1.1");
        replies[3].Should().StartWith("550 5.2.1");
        replies[4].Should().StartWith("250 2.1.5");
        replies[5].Should().StartWith("354 ");
        await client.SendAsync("Subject: pipelined\r\n\r\nhello\r\n.\r\nNOOP\r\n");
        var final = await client.ReadRepliesAsync(3);
        final[0].Should().MatchRegex("^250 2\\.0\\.0 alice@example\\.org Ok: stored as \\S+$");
        final[1].Should().MatchRegex("^250 2\\.0\\.0 Bob\\+news@Example\\.org Ok: stored as \\S+$");
        final[2].Should().Be("250 2.0.0 Ok");
        (await _server.InboxAsync(_server.Alice)).Should().HaveCount(1);
        var bob = (await _server.InboxAsync(_server.Bob)).Single();
        Encoding.UTF8.GetString(bob).Should().Contain("Delivered-To: Bob+news@Example.org\r\n").And.EndWith("\r\n\r\nhello\r\n");
    }

    [Fact]
    public async Task Stored_message_is_trace_headers_then_the_unstuffed_bytes_exactly()
    {
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx.example.org");
        await client.CommandAsync("MAIL FROM:<sender@remote.example>");
        await client.CommandAsync("RCPT TO:<alice@example.org>");
        (await client.CommandAsync("DATA")).Should().StartWith("354");
        await client.SendAsync("From: a@b.c\r\nSubject: dots\r\n\r\n..one\r\n...\r\ntwo\r\n.\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0 alice@example.org Ok: stored as ");

        var stored = Encoding.UTF8.GetString((await _server.InboxAsync(_server.Alice)).Single());
        stored.Should().MatchRegex(
            "^Return-Path: <sender@remote\\.example>\r\n" +
            "Delivered-To: alice@example\\.org\r\n" +
            "Received: from mx\\.example\\.org \\(\\[127\\.0\\.0\\.1\\]\\)\r\n" +
            "\tby lmtp\\.test \\(WildDuck\\.Core\\) with LMTP id [A-Za-z0-9]+-1\r\n" +
            "\tfor <alice@example\\.org>;\r\n" +
            "\t(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\n" +
            "From: a@b\\.c\r\nSubject: dots\r\n\r\n\\.one\r\n\\.\\.\r\ntwo\r\n$");
    }

    [Fact]
    public async Task Bare_lf_is_content_not_a_terminator_and_the_store_normalises_it()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await client.ReadRepliesAsync(4);

        // "LF . LF" and "LF . CRLF" do not end the message (no SMTP smuggling); "CRLF . CRLF" does.
        await client.SendAsync("Subject: lf\r\n\r\none\ntwo\n.\nMAIL FROM:<x@y.z>\n.\r\nRCPT TO:<bob@example.org>\r\n.\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0 alice@example.org Ok");
        (await client.CommandAsync("NOOP")).Should().Be("250 2.0.0 Ok");
        var stored = Encoding.UTF8.GetString((await _server.InboxAsync(_server.Alice)).Single());
        stored.Should().EndWith("\r\nSubject: lf\r\n\r\none\r\ntwo\r\n.\r\nMAIL FROM:<x@y.z>\r\n.\r\nRCPT TO:<bob@example.org>\r\n");
        (await _server.InboxAsync(_server.Bob)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_long_pipelined_burst_is_answered_in_order()
    {
        await using var client = await _server.ConnectAsync();
        const int count = 20_000;
        var burst = new StringBuilder("LHLO mx\r\n");
        for (var i = 0; i < count; i++)
        {
            burst.Append(i % 2 == 0 ? "NOOP\r\n" : "RSET\r\n");
        }

        var send = client.SendAsync(burst.ToString());
        (await client.ReadReplyAsync()).Should().StartWith("250-");
        for (var i = 0; i < count; i++)
        {
            (await client.ReadReplyAsync()).Should().Be(i % 2 == 0 ? "250 2.0.0 Ok" : "250 2.0.0 Flushed");
        }

        await send;
    }

    [Fact]
    public async Task Received_names_no_recipient_when_there_are_several()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
        await client.ReadRepliesAsync(5);
        await client.SendAsync("Subject: two\r\n\r\nx\r\n.\r\n");
        (await client.ReadRepliesAsync(2)).Should().AllSatisfy(r => r.Should().StartWith("250 2.0.0"));
        var stored = Encoding.UTF8.GetString((await _server.InboxAsync(_server.Alice)).Single());
        stored.Should().StartWith("Return-Path: <>\r\n").And.NotContain("\tfor <");
    }

    [Fact]
    public async Task Bdat_chunks_including_bdat_0_last_are_joined_without_unstuffing()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example> BODY=BINARYMIME\r\nRCPT TO:<alice@example.org>\r\n");
        await client.ReadRepliesAsync(3);
        var part1 = "Subject: chunks\r\n\r\n.dot stays\r\n";
        var part2 = "binary \0 nul\r\n";
        await client.SendAsync("BDAT " + part1.Length + "\r\n" + part1 + "BDAT " + Encoding.UTF8.GetByteCount(part2) + "\r\n" + part2 + "BDAT 0 LAST\r\n");
        var replies = await client.ReadRepliesAsync(3);
        replies[0].Should().Be("250 2.0.0 " + part1.Length + " octets received");
        replies[1].Should().StartWith("250 2.0.0 ");
        replies[2].Should().StartWith("250 2.0.0 alice@example.org Ok: stored as ");
        var stored = Encoding.UTF8.GetString((await _server.InboxAsync(_server.Alice)).Single());
        stored.Should().EndWith("\r\nSubject: chunks\r\n\r\n.dot stays\r\nbinary \0 nul\r\n");
    }

    [Fact]
    public async Task Binarymime_refuses_data_and_bdat_refuses_mixing_with_data()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example> BODY=BINARYMIME\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        var replies = await client.ReadRepliesAsync(4);
        replies[3].Should().StartWith("503 5.5.1");
        await client.SendAsync("BDAT 5\r\nhelloDATA\r\nBDAT 3 LAST\r\nabc");
        replies = await client.ReadRepliesAsync(3);
        replies[0].Should().StartWith("250 2.0.0 5 octets");
        replies[1].Should().StartWith("503 5.5.1");
        replies[2].Should().StartWith("250 2.0.0 alice@example.org");
        Encoding.UTF8.GetString((await _server.InboxAsync(_server.Alice)).Single()).Should().EndWith("helloabc");

        // RFC 3030 §2: recipients come before the content.
        await client.SendAsync("MAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nBDAT 1\r\nxRCPT TO:<bob@example.org>\r\nBDAT 1 LAST\r\ny");
        replies = await client.ReadRepliesAsync(5);
        replies[3].Should().Be("503 5.5.1 RCPT not allowed after BDAT");
        replies[4].Should().StartWith("250 2.0.0 alice@example.org");
    }

    [Fact]
    public async Task Smtputf8_allows_8bit_addresses_and_marks_received()
    {
        await _server.Users.AddAddressAsync(_server.Alice.Id, "j\u00f6rg@example.org");
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx");
        (await client.CommandAsync("MAIL FROM:<s\u00e9nder@r.example>")).Should().StartWith("553 5.6.7");
        (await client.CommandAsync("MAIL FROM:<sender@r.example>")).Should().StartWith("250");
        (await client.CommandAsync("RCPT TO:<j\u00f6rg@example.org>")).Should().StartWith("553 5.6.7");
        (await client.CommandAsync("RSET")).Should().StartWith("250 2.0.0");
        (await client.CommandAsync("MAIL FROM:<s\u00e9nder@r.example> SMTPUTF8")).Should().StartWith("250 2.1.0");
        (await client.CommandAsync("RCPT TO:<j\u00f6rg@example.org>")).Should().StartWith("250 2.1.5");
        (await client.CommandAsync("DATA")).Should().StartWith("354");
        await client.SendAsync("Subject: caf\u00e9\r\n\r\nna\u00efve\r\n.\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0 j\u00f6rg@example.org Ok");
        var stored = Encoding.UTF8.GetString((await _server.InboxAsync(_server.Alice)).Single());
        stored.Should().StartWith("Return-Path: <s\u00e9nder@r.example>\r\nDelivered-To: j\u00f6rg@example.org\r\n").And.Contain(" with UTF8LMTP id ")
            .And.EndWith("\r\n\r\nna\u00efve\r\n", "multi-byte trace fields must not cut the end of the message");
    }

    [Fact]
    public async Task Size_over_the_limit_is_refused_at_mail()
    {
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx");
        (await client.CommandAsync("MAIL FROM:<s@r.example> SIZE=65537")).Should().StartWith("552 5.3.4");
        (await client.CommandAsync("MAIL FROM:<s@r.example> SIZE=65536")).Should().StartWith("250 2.1.0");
    }

    [Fact]
    public async Task Oversize_data_is_discarded_with_552_per_recipient_and_the_next_transaction_works()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
        await client.ReadRepliesAsync(5);
        var line = new string('x', 998) + "\r\n";
        var big = new StringBuilder("Subject: big\r\n\r\n");
        while (big.Length < 200 * 1024)
        {
            big.Append(line);
        }

        // One unterminated 100 KiB line too: it is bounded by the message limit, not buffered.
        big.Append(new string('y', 100 * 1024)).Append("\r\n.\r\n");
        await client.SendAsync(big.ToString());
        (await client.ReadRepliesAsync(2)).Should().AllSatisfy(r => r.Should().StartWith("552 5.3.4"));

        await client.SendAsync("MAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await client.ReadRepliesAsync(3);
        await client.SendAsync("Subject: small\r\n\r\nok\r\n.\r\n");
        (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0 alice@example.org Ok");
        (await _server.InboxAsync(_server.Alice)).Should().ContainSingle();
    }

    [Fact]
    public async Task Oversize_bdat_is_discarded_and_later_chunks_are_refused()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\n");
        await client.ReadRepliesAsync(3);
        var chunk = new string('z', 70 * 1024);
        await client.SendAsync("BDAT " + chunk.Length + "\r\n" + chunk + "BDAT 2 LAST\r\nzz");
        (await client.ReadReplyAsync()).Should().StartWith("552 5.3.4");
        (await client.ReadReplyAsync()).Should().StartWith("503 5.5.1");
        (await client.CommandAsync("NOOP")).Should().Be("250 2.0.0 Ok");
        await client.SendAsync("MAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nBDAT 4 LAST\r\nabcd");
        var replies = await client.ReadRepliesAsync(3);
        replies[2].Should().StartWith("250 2.0.0 alice@example.org Ok");
    }

    [Fact]
    public async Task Oversize_bdat_last_gets_552_per_recipient()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\n");
        await client.ReadRepliesAsync(4);
        var chunk = new string('z', 70 * 1024);
        await client.SendAsync("BDAT " + chunk.Length + " LAST\r\n" + chunk);
        (await client.ReadRepliesAsync(2)).Should().AllSatisfy(r => r.Should().StartWith("552 5.3.4"));
        (await client.CommandAsync("NOOP")).Should().Be("250 2.0.0 Ok");
    }

    [Fact]
    public async Task Recipients_past_the_limit_get_452_and_the_accepted_ones_are_delivered()
    {
        await using var limited = await LmtpTestServer.StartAsync(o => o.MaxRecipients = 100);
        await using var client = await limited.ConnectAsync();
        var burst = new StringBuilder("LHLO mx\r\nMAIL FROM:<s@r.example>\r\n");
        for (var i = 0; i < 101; i++)
        {
            burst.Append("RCPT TO:<alice@example.org>\r\n");
        }

        await client.SendAsync(burst.Append("DATA\r\n").ToString());
        var replies = await client.ReadRepliesAsync(104);
        replies.Skip(2).Take(100).Should().AllSatisfy(r => r.Should().StartWith("250 2.1.5"));
        replies[102].Should().StartWith("452 4.5.3");
        replies[103].Should().StartWith("354");
        await client.SendAsync("Subject: many\r\n\r\nx\r\n.\r\n");
        (await client.ReadRepliesAsync(100)).Should().AllSatisfy(r => r.Should().StartWith("250 2.0.0 alice@example.org Ok"));
        (await limited.InboxAsync(limited.Alice)).Should().ContainSingle("recipients of one user share one copy (reference §6.1)");
    }

    [Fact]
    public async Task A_recipient_over_quota_gets_452_while_the_others_are_stored()
    {
        await _server.Users.UpdateUserAsync(_server.Bob.Id, new WildDuck.Storage.UserUpdate { Quota = 10 });
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<bob@example.org>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        await client.ReadRepliesAsync(5);
        await client.SendAsync("Subject: quota\r\n\r\nmore than ten bytes\r\n.\r\n");
        var replies = await client.ReadRepliesAsync(2);
        replies[0].Should().StartWith("452 4.2.2 bob@example.org");
        replies[1].Should().StartWith("250 2.0.0 alice@example.org Ok");
    }

    [Fact]
    public async Task Rset_clears_the_transaction()
    {
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx");
        await client.CommandAsync("MAIL FROM:<s@r.example>");
        await client.CommandAsync("RCPT TO:<alice@example.org>");
        (await client.CommandAsync("RSET")).Should().Be("250 2.0.0 Flushed");
        (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("503 5.5.1");
        (await client.CommandAsync("DATA")).Should().StartWith("503 5.5.1");
        (await client.CommandAsync("MAIL FROM:<s@r.example>")).Should().StartWith("250 2.1.0");
    }

    [Fact]
    public async Task Data_without_accepted_recipients_fails_and_the_session_goes_on()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\nRSET\r\n");
        var replies = await client.ReadRepliesAsync(5);
        replies[2].Should().StartWith("550 5.1.1");
        replies[3].Should().StartWith("503 5.5.1");
        replies[4].Should().StartWith("250");
    }

    [Theory]
    [InlineData("MAIL FROM:<s@r.example>", "503 5.5.1")]
    [InlineData("RCPT TO:<alice@example.org>", "503 5.5.1")]
    [InlineData("DATA", "503 5.5.1")]
    [InlineData("LHLO", "501 5.5.2")]
    [InlineData("XYZZY", "500 5.5.1")]
    public async Task Commands_out_of_sequence_or_malformed_before_lhlo(string command, string reply)
    {
        await using var client = await _server.ConnectAsync();
        (await client.CommandAsync(command)).Should().StartWith(reply);
        (await client.CommandAsync("LHLO mx")).Should().StartWith("250-");
    }

    [Theory]
    [InlineData("MAIL FROM:<s@r.example", "501 5.1.7")]
    [InlineData("MAIL FROM:s@r.example", "501 5.1.7")]
    [InlineData("MAIL TO:<s@r.example>", "501 5.5.2")]
    [InlineData("MAIL FROM:<s@r.example> FOO=BAR", "555 5.5.4")]
    [InlineData("MAIL FROM:<s@r.example> SIZE=big", "501 5.5.4")]
    [InlineData("RCPT TO:<alice@example.org>", "503 5.5.1")]
    [InlineData("DATA x", "501 5.5.4")]
    [InlineData("BDAT x", "501 5.5.2")]
    [InlineData("MAIL FROM:<\"a\\\rX-Injected: yes\"@r.example>", "501 5.1.7")]
    [InlineData("MAIL FROM:<a(b@r.example>", "501 5.1.7")]
    [InlineData("MAIL FROM:<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@r.example>", "501 5.1.7")]
    public async Task Bad_input_gets_its_reply_and_keeps_the_session_usable(string command, string reply)
    {
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx");
        (await client.CommandAsync(command)).Should().StartWith(reply);
        (await client.CommandAsync("MAIL FROM:<s@r.example>")).Should().StartWith("250 2.1.0");
        (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("250 2.1.5");
        (await client.CommandAsync("RCPT TO:<alice@example.org")).Should().StartWith("501 5.1.3");
        (await client.CommandAsync("RCPT TO:<bob@example.org> NOTIFY=NEVER")).Should().StartWith("555 5.5.4");
        (await client.CommandAsync("MAIL FROM:<s@r.example>")).Should().StartWith("503 5.5.1");
        (await client.CommandAsync("NOOP")).Should().Be("250 2.0.0 Ok");
    }

    [Fact]
    public async Task Over_long_lines_get_500_5_5_6_and_the_session_goes_on()
    {
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx");
        (await client.CommandAsync("NOOP " + new string('x', 600))).Should().StartWith("500 5.5.6");
        (await client.CommandAsync("NOOP " + new string('x', 5000))).Should().StartWith("500 5.5.6");

        // MAIL may run past 512 octets with parameters, up to the configured bound (512 + 512).
        (await client.CommandAsync("MAIL FROM:<s@r.example>" + new string(' ', 600) + "BODY=8BITMIME")).Should().StartWith("250 2.1.0");
        (await client.CommandAsync("RCPT TO:<alice@example.org>" + new string(' ', 1100))).Should().StartWith("500 5.5.6");
        (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("250 2.1.5");
    }

    [Fact]
    public async Task Too_many_errors_close_the_connection()
    {
        await using var client = await _server.ConnectAsync();
        var sb = new StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            sb.Append("BOGUS\r\n");
        }

        await client.SendAsync(sb.ToString());
        var replies = await client.ReadRepliesAsync(21);
        replies[19].Should().StartWith("500 5.5.1");
        replies[20].Should().StartWith("421 4.7.0");
        (await client.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Lhlo_again_resets_the_transaction()
    {
        await using var client = await _server.ConnectAsync();
        await client.CommandAsync("LHLO mx");
        await client.CommandAsync("MAIL FROM:<s@r.example>");
        await client.CommandAsync("LHLO mx2");
        (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("503 5.5.1");
    }

    [Fact]
    public async Task Vrfy_modes()
    {
        await using var verify = await LmtpTestServer.StartAsync(o => o.Vrfy = LmtpVrfyMode.Verify);
        await using (var client = await verify.ConnectAsync())
        {
            (await client.CommandAsync("VRFY <alice@example.org>")).Should().StartWith("250 2.1.5");
            (await client.CommandAsync("VRFY nobody@example.org")).Should().StartWith("550 5.1.1");
            (await client.CommandAsync("VRFY")).Should().StartWith("501 5.5.2");
        }

        await using var disabled = await LmtpTestServer.StartAsync(o => o.Vrfy = LmtpVrfyMode.Disabled);
        await using (var client = await disabled.ConnectAsync())
        {
            (await client.CommandAsync("VRFY alice@example.org")).Should().StartWith("502 5.5.1");
        }
    }

    [Fact]
    public async Task A_client_that_pipelines_without_reading_replies_is_dropped_after_the_inactivity_timeout()
    {
        await using var quick = await LmtpTestServer.StartAsync(o => o.InactivityTimeout = TimeSpan.FromSeconds(1));
        await using var client = await quick.ConnectAsync();
        await client.CommandAsync("LHLO mx");

        // ~28 MB of replies the client never reads (more than socket buffers hold): the server's
        // sends block, then time out.
        var burst = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("NOOP\r\n", 2_000_000)));
        var send = client.SendAsync(burst);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (quick.ActiveConnections > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        quick.ActiveConnections.Should().Be(0, "a session blocked on sending replies is ended by the inactivity timeout");
        await send.ContinueWith(static _ => { });
    }

    [Fact]
    public async Task Inactivity_timeout_says_421_and_closes()
    {
        await using var quick = await LmtpTestServer.StartAsync(o => o.InactivityTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await quick.ConnectAsync();
        (await client.ReadReplyAsync()).Should().StartWith("421 4.4.2");
        (await client.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Client_closing_mid_data_delivers_nothing()
    {
        await using (var client = await _server.ConnectAsync())
        {
            await client.SendAsync("LHLO mx\r\nMAIL FROM:<s@r.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
            await client.ReadRepliesAsync(4);
            await client.SendAsync("Subject: cut\r\n\r\npartial");
        }

        await using var next = await _server.ConnectAsync();
        (await next.CommandAsync("NOOP")).Should().StartWith("250");
        (await _server.InboxAsync(_server.Alice)).Should().BeEmpty();
    }
}
