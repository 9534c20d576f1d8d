// SPDX-License-Identifier: MIT
using System.Text;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Pop3.Tests;

/// <summary>POP3 conversations over real sockets against the real listener and SQLite store.</summary>
public sealed class ConversationTests : IAsyncLifetime
{
    private Pop3TestServer _server = null!;

    public async Task InitializeAsync() => _server = await Pop3TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Commands_split_across_reads_and_a_long_pipelined_burst_are_parsed_exactly()
    {
        for (var i = 0; i < 3; i++)
        {
            await _server.AppendAsync("Subject: m" + i + "\r\n\r\nbody " + i + "\r\n");
        }

        await using var pop = await RawPop3Connection.OpenAsync(_server);

        // A command in pieces: each piece is its own read on the server.
        await pop.SendAsync("DE");
        await Task.Delay(50);
        await pop.SendAsync("LE 3");
        await Task.Delay(50);
        await pop.SendAsync("\r\n");
        (await pop.ReadLineAsync()).Should().StartWith("+OK");

        // Thousands of commands sent before any reply is read span many pipe segments.
        const int burst = 3000;
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < burst; i++)
        {
            text.Append(i % 2 == 0 ? "NOOP\r\n" : "LIST 2\r\n");
        }

        await pop.SendAsync(text.ToString());
        for (var i = 0; i < burst; i++)
        {
            (await pop.ReadLineAsync()).Should().StartWith(i % 2 == 0 ? "+OK" : "+OK 2 ", "reply " + i);
        }

        (await pop.CommandAsync("LIST 3")).Should().StartWith("-ERR", "message 3 was deleted, not another one");
        (await pop.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
    }

    [Fact]
    public async Task Greeting_and_CAPA_list_the_extensions_for_the_state()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        pop.Greeting.Should().StartWith("+OK pop3.test WildDuck.Core POP3 ready");
        var (status, capabilities) = await pop.MultiLineAsync("CAPA");
        status.Should().StartWith("+OK");
        capabilities.Should().Contain(new[] { "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "USER", "SASL PLAIN", "STLS", "IMPLEMENTATION WildDuck.Core" });

        (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS alice-password")).Should().Be("+OK 0 messages (0 octets)");
        (status, capabilities) = await pop.MultiLineAsync("capa");
        status.Should().StartWith("+OK");
        capabilities.Should().Contain("UIDL").And.NotContain("USER").And.NotContain("STLS").And.NotContain("SASL PLAIN");
    }

    [Fact]
    public async Task STAT_LIST_UIDL_describe_the_maildrop_and_QUIT_says_goodbye()
    {
        var first = await _server.AppendAsync("Subject: one\r\n\r\nfirst\r\n");
        var second = await _server.AppendAsync("Subject: two\r\n\r\nsecond message\r\n");
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("STAT")).Should().Be($"+OK 2 {first.Size + second.Size}");
        (await pop.CommandAsync("LIST 2")).Should().Be($"+OK 2 {second.Size}");
        var (status, lines) = await pop.MultiLineAsync("LIST");
        status.Should().Be($"+OK 2 messages ({first.Size + second.Size} octets)");
        lines.Should().Equal($"1 {first.Size}", $"2 {second.Size}");
        (status, lines) = await pop.MultiLineAsync("UIDL");
        status.Should().StartWith("+OK");
        lines.Should().Equal("1 " + first.Id, "2 " + second.Id);
        (await pop.CommandAsync("UIDL 1")).Should().Be("+OK 1 " + first.Id);
        (await pop.CommandAsync("NOOP")).Should().Be("+OK");
        (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
        (await pop.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Multi_line_LIST_and_UIDL_keep_message_numbers_and_skip_deleted_messages()
    {
        var ids = new List<AppendResult>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _server.AppendAsync($"Subject: {i}\r\n\r\nbody {i}\r\n"));
        }

        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("DELE 2")).Should().StartWith("+OK");
        (await pop.MultiLineAsync("LIST")).Lines.Should().Equal($"1 {ids[0].Size}", $"3 {ids[2].Size}");
        (await pop.MultiLineAsync("UIDL")).Lines.Should().Equal("1 " + ids[0].Id, "3 " + ids[2].Id);
        (await pop.CommandAsync("STAT")).Should().Be($"+OK 2 {ids[0].Size + ids[2].Size}");
        (await pop.CommandAsync("LIST 2")).Should().StartWith("-ERR");
        (await pop.CommandAsync("RETR 2")).Should().StartWith("-ERR");
        (await pop.CommandAsync("DELE 2")).Should().StartWith("-ERR");
        (await pop.CommandAsync("RSET")).Should().Be($"+OK 3 messages ({ids.Sum(r => r.Size)} octets)");
        (await pop.MultiLineAsync("LIST")).Lines.Should().HaveCount(3);
    }

    [Fact]
    public async Task RETR_streams_the_stored_bytes_dot_stuffed()
    {
        var content = "Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\nmiddle . dot\r\n.\r\nend\r\n";
        await _server.AppendAsync(content);
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("RETR 1")).Should().Be($"+OK {content.Length} octets");
        var raw = await pop.ReadMultiLineBytesAsync();
        Encoding.ASCII.GetString(raw).Should().Be("Subject: dots\r\n\r\n..leading dot\r\n...two dots\r\nmiddle . dot\r\n..\r\nend\r\n.\r\n");
        RawPop3Connection.Unstuff(raw).Should().Equal(Encoding.ASCII.GetBytes(content));
    }

    [Fact]
    public async Task A_message_without_a_final_line_ending_gets_one_before_the_terminator()
    {
        await _server.AppendAsync("Subject: no end\r\n\r\nno newline");
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("RETR 1")).Should().StartWith("+OK");
        Encoding.ASCII.GetString(await pop.ReadMultiLineBytesAsync()).Should().Be("Subject: no end\r\n\r\nno newline\r\n.\r\n");
    }

    [Theory]
    [InlineData(0, "Subject: top\r\nFrom: a@b\r\n\r\n")]
    [InlineData(1, "Subject: top\r\nFrom: a@b\r\n\r\nline 1\r\n")]
    [InlineData(2, "Subject: top\r\nFrom: a@b\r\n\r\nline 1\r\n..line 2\r\n")]
    [InlineData(10, "Subject: top\r\nFrom: a@b\r\n\r\nline 1\r\n..line 2\r\nline 3\r\n")]
    public async Task TOP_sends_the_header_and_the_first_lines_of_the_body(int lines, string expected)
    {
        await _server.AppendAsync("Subject: top\r\nFrom: a@b\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n");
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync($"TOP 1 {lines}")).Should().StartWith("+OK");
        Encoding.ASCII.GetString(await pop.ReadMultiLineBytesAsync()).Should().Be(expected + ".\r\n");
    }

    [Fact]
    public async Task QUIT_marks_retrieved_messages_seen_and_moves_deleted_ones_to_Trash_seen()
    {
        var kept = await _server.AppendAsync("Subject: kept\r\n\r\nkept\r\n");
        var read = await _server.AppendAsync("Subject: read\r\n\r\nread\r\n");
        var deleted = await _server.AppendAsync("Subject: deleted\r\n\r\ndeleted\r\n");
        await using (var pop = await RawPop3Connection.OpenAsync(_server))
        {
            (await pop.MultiLineAsync("RETR 2")).Status.Should().StartWith("+OK");
            (await pop.MultiLineAsync("TOP 1 0")).Status.Should().StartWith("+OK");
            (await pop.CommandAsync("DELE 3")).Should().StartWith("+OK");
            (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
            (await pop.IsClosedAsync()).Should().BeTrue();
        }

        var inbox = await _server.ListAsync(_server.Inbox);
        inbox.Select(m => m.Id).Should().Equal(kept.Id, read.Id);
        inbox.Single(m => m.Id == kept.Id).Flags.Should().NotHaveFlag(MessageFlags.Seen, "TOP does not count as retrieval");
        inbox.Single(m => m.Id == read.Id).Flags.Should().HaveFlag(MessageFlags.Seen);
        var trash = await _server.ListAsync(await _server.TrashAsync());
        trash.Should().ContainSingle().Which.Id.Should().Be(deleted.Id, "moves keep the message id");
        trash[0].Flags.Should().HaveFlag(MessageFlags.Seen);
    }

    [Fact]
    public async Task A_dropped_connection_changes_nothing_and_releases_the_lock()
    {
        var first = await _server.AppendAsync("Subject: a\r\n\r\na\r\n");
        await _server.AppendAsync("Subject: b\r\n\r\nb\r\n");
        var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.MultiLineAsync("RETR 1")).Status.Should().StartWith("+OK");
        (await pop.CommandAsync("DELE 2")).Should().StartWith("+OK");
        pop.Abort();
        await pop.DisposeAsync();

        // The lock goes when the server notices the drop; then a new session sees everything unchanged.
        RawPop3Connection? next = null;
        for (var attempt = 0; attempt < 100 && next is null; attempt++)
        {
            var candidate = await RawPop3Connection.OpenAsync(_server, login: false);
            await candidate.CommandAsync("USER alice");
            if ((await candidate.CommandAsync("PASS alice-password")).StartsWith("+OK", StringComparison.Ordinal))
            {
                next = candidate;
            }
            else
            {
                await candidate.DisposeAsync();
                await Task.Delay(50);
            }
        }

        next.Should().NotBeNull("the lock of a dropped session is released");
        await using (next!)
        {
            (await next!.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
        }

        var inbox = await _server.ListAsync(_server.Inbox);
        inbox.Should().HaveCount(2);
        inbox.Single(m => m.Id == first.Id).Flags.Should().NotHaveFlag(MessageFlags.Seen);
        (await _server.ListAsync(await _server.TrashAsync())).Should().BeEmpty();
    }

    [Fact]
    public async Task A_second_session_of_the_same_user_gets_IN_USE()
    {
        await using var first = await RawPop3Connection.OpenAsync(_server);
        await using var second = await RawPop3Connection.OpenAsync(_server, login: false);
        await second.CommandAsync("USER alice");
        (await second.CommandAsync("PASS alice-password")).Should().StartWith("-ERR [IN-USE]");
        (await second.CommandAsync("CAPA")).Should().StartWith("+OK", "the refused session stays usable");
        (await first.CommandAsync("QUIT")).Should().StartWith("+OK");
        (await first.IsClosedAsync()).Should().BeTrue();
        await second.ReadLinesUntilDotAsync();
        await second.CommandAsync("USER alice");
        (await second.CommandAsync("PASS alice-password")).Should().StartWith("+OK", "QUIT released the lock");
    }

    [Fact]
    public async Task UIDL_values_are_stable_across_sessions()
    {
        for (var i = 0; i < 3; i++)
        {
            await _server.AppendAsync($"Subject: {i}\r\n\r\n{i}\r\n");
        }

        List<string> first;
        await using (var pop = await RawPop3Connection.OpenAsync(_server))
        {
            first = (await pop.MultiLineAsync("UIDL")).Lines;
            (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
            (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
            (await pop.IsClosedAsync()).Should().BeTrue();
        }

        await _server.AppendAsync("Subject: new\r\n\r\nnew\r\n");
        await using (var pop = await RawPop3Connection.OpenAsync(_server))
        {
            var second = (await pop.MultiLineAsync("UIDL")).Lines.Select(l => l.Split(' ')[1]).ToList();
            second.Should().HaveCount(3);
            second.Take(2).Should().Equal(first.Skip(1).Select(l => l.Split(' ')[1]));
        }
    }

    [Fact]
    public async Task The_maildrop_is_the_newest_MaxMessages_of_INBOX_oldest_first()
    {
        await using var server = await Pop3TestServer.StartAsync(o => o.MaxMessages = 3);
        var ids = new List<AppendResult>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await server.AppendAsync($"Subject: {i}\r\n\r\n{i}\r\n"));
        }

        await using var pop = await RawPop3Connection.OpenAsync(server);
        (await pop.MultiLineAsync("UIDL")).Lines.Should().Equal("1 " + ids[2].Id, "2 " + ids[3].Id, "3 " + ids[4].Id);
    }

    [Fact]
    public async Task DeleteBehavior_Expunge_removes_deleted_messages()
    {
        await using var server = await Pop3TestServer.StartAsync(o => o.DeleteBehavior = Pop3DeleteBehavior.Expunge);
        await server.AppendAsync("Subject: x\r\n\r\nx\r\n");
        var kept = await server.AppendAsync("Subject: y\r\n\r\ny\r\n");
        await using (var pop = await RawPop3Connection.OpenAsync(server))
        {
            (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
            (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
            (await pop.IsClosedAsync()).Should().BeTrue();
        }

        (await server.ListAsync(server.Inbox)).Should().ContainSingle().Which.Id.Should().Be(kept.Id);
        (await server.ListAsync(await server.TrashAsync())).Should().BeEmpty();
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        var message = await _server.AppendAsync("Subject: p\r\n\r\npipelined\r\n");
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        await pop.SendAsync("USER alice\r\nPASS alice-password\r\nSTAT\r\nUIDL 1\r\nBOGUS\r\nNOOP\r\nQUIT\r\n");
        (await pop.ReadLineAsync()).Should().StartWith("+OK");
        (await pop.ReadLineAsync()).Should().StartWith("+OK 1 messages");
        (await pop.ReadLineAsync()).Should().Be($"+OK 1 {message.Size}");
        (await pop.ReadLineAsync()).Should().Be("+OK 1 " + message.Id);
        (await pop.ReadLineAsync()).Should().StartWith("-ERR");
        (await pop.ReadLineAsync()).Should().Be("+OK");
        (await pop.ReadLineAsync()).Should().StartWith("+OK");
        (await pop.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task AUTH_PLAIN_with_an_initial_response_logs_in()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        var response = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alice-password"));
        (await pop.CommandAsync("AUTH PLAIN " + response)).Should().StartWith("+OK 0 messages");
    }

    [Fact]
    public async Task AUTH_PLAIN_without_an_initial_response_sends_an_empty_challenge()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync("AUTH PLAIN")).Should().Be("+ ");
        (await pop.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice\0alice\0alice-password")))).Should().StartWith("+OK");
    }

    [Fact]
    public async Task Bare_AUTH_lists_the_mechanisms()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        var (status, lines) = await pop.MultiLineAsync("AUTH");
        status.Should().StartWith("+OK");
        lines.Should().Equal("PLAIN");
    }


    [Fact]
    public async Task RETR_in_any_order_across_read_ahead_batches_returns_each_message()
    {
        var bodies = new List<string>();
        for (var i = 0; i < 140; i++)
        {
            bodies.Add($"Subject: m{i}\r\n\r\n" + new string((char)('a' + (i % 26)), 10 + i) + "\r\n");
            await _server.AppendAsync(bodies[^1]);
        }

        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("DELE 3")).Should().StartWith("+OK");
        var order = Enumerable.Range(1, 140).Where(n => n != 3).Concat(new[] { 70, 1, 140, 2 });
        foreach (var number in order)
        {
            (await pop.CommandAsync($"RETR {number}")).Should().StartWith("+OK");
            Encoding.ASCII.GetString(RawPop3Connection.Unstuff(await pop.ReadMultiLineBytesAsync())).Should().Be(bodies[number - 1]);
        }
    }

    [Fact]
    public async Task A_message_expunged_by_another_client_is_reported_and_the_rest_still_retrieved()
    {
        await _server.AppendAsync("Subject: a\r\n\r\na\r\n");
        var gone = await _server.AppendAsync("Subject: b\r\n\r\nb\r\n");
        await _server.AppendAsync("Subject: c\r\n\r\nc\r\n");
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        await _server.Messages.DeleteMessagesAsync(_server.Alice.Id, _server.Inbox, UidSet.FromUids(new[] { gone.Uid }));
        (await pop.CommandAsync("RETR 2")).Should().Be("-ERR Message no longer exists");
        (await pop.MultiLineAsync("RETR 3")).Lines.Should().Equal("Subject: c", string.Empty, "c");
        (await pop.MultiLineAsync("RETR 1")).Lines.Should().Equal("Subject: a", string.Empty, "a");
        (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
    }

    [Fact]
    public async Task A_storage_fault_in_the_middle_of_RETR_drops_the_connection_and_changes_nothing()
    {
        var attachment = new byte[300_000];
        new Random(1939).NextBytes(attachment);
        var base64 = Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks);
        await _server.AppendAsync("Subject: attached\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64 + "\r\n--b--\r\n");
        await _server.AppendAsync("Subject: other\r\n\r\nother\r\n");

        // Damage the stored attachment: the layout promises more bytes than the store has.
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _server.DatabasePath))
        {
            await db.OpenAsync();
            using var update = db.CreateCommand();
            update.CommandText = "UPDATE attachments SET data = substr(data, 1, 100)";
            (await update.ExecuteNonQueryAsync()).Should().BeGreaterThan(0, "the attachment is stored externally");
        }

        await using (var pop = await RawPop3Connection.OpenAsync(_server))
        {
            (await pop.CommandAsync("DELE 2")).Should().StartWith("+OK");
            await pop.SendAsync("RETR 1\r\n");
            var act = async () =>
            {
                (await pop.ReadLineAsync()).Should().StartWith("+OK");
                await pop.ReadMultiLineBytesAsync();
            };

            // Reset or closed: the half-sent response is cut off, never terminated.
            await act.Should().ThrowAsync<System.IO.IOException>();
        }

        (await _server.ListAsync(_server.Inbox)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Responses_are_sent_when_the_client_half_closes_after_its_commands()
    {
        await _server.AppendAsync("Subject: a\r\n\r\na\r\n");
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        await pop.SendAsync("USER alice\r\nPASS alice-password\r\nSTAT\r\n");
        pop.ShutdownSend();
        (await pop.ReadLineAsync()).Should().StartWith("+OK");
        (await pop.ReadLineAsync()).Should().StartWith("+OK 1 messages");
        (await pop.ReadLineAsync()).Should().StartWith("+OK 1 ");
        (await pop.IsClosedAsync()).Should().BeTrue();
    }
}
