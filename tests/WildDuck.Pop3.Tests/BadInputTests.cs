// SPDX-License-Identifier: MIT
using System.Text;
using System.Threading.Tasks;

namespace WildDuck.Pop3.Tests;

/// <summary>Bad input gets a clear -ERR and the session stays usable; nothing stored is lost.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private Pop3TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await Pop3TestServer.StartAsync();
        await _server.AppendAsync("Subject: one\r\n\r\none\r\n");
        await _server.AppendAsync("Subject: two\r\n\r\ntwo\r\n");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("BOGUS")]
    [InlineData("APOP alice 0123456789abcdef0123456789abcdef")]
    [InlineData("RETRX 1")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u00e9t\u00e9")]
    public async Task An_unknown_command_gets_ERR_and_the_session_continues(string command)
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync(command)).Should().StartWith("-ERR");
        (await pop.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
    }

    [Fact]
    public async Task An_over_long_line_gets_ERR_and_the_session_continues()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("NOOP " + new string('x', 300))).Should().Be("-ERR Line too long");
        (await pop.CommandAsync("RETR " + new string('1', 100_000))).Should().Be("-ERR Line too long");
        (await pop.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
    }

    [Fact]
    public async Task A_line_at_the_limit_is_accepted_and_one_octet_more_is_not()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server);

        // 255 octets with CRLF (RFC 2449 §4).
        (await pop.CommandAsync("NOOP " + new string('x', 255 - 2 - 5))).Should().Be("+OK");
        (await pop.CommandAsync("NOOP " + new string('x', 255 - 2 - 4))).Should().Be("-ERR Line too long");
    }

    [Theory]
    [InlineData("STAT")]
    [InlineData("LIST")]
    [InlineData("UIDL")]
    [InlineData("RETR 1")]
    [InlineData("TOP 1 0")]
    [InlineData("DELE 1")]
    [InlineData("RSET")]
    [InlineData("NOOP")]
    [InlineData("PASS secret")]
    public async Task Transaction_commands_before_login_are_refused(string command)
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync(command)).Should().StartWith("-ERR");
        (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS alice-password")).Should().StartWith("+OK");
    }

    [Theory]
    [InlineData("USER alice")]
    [InlineData("PASS alice-password")]
    [InlineData("AUTH PLAIN AGFsaWNlAGFsaWNlLXBhc3N3b3Jk")]
    [InlineData("STLS")]
    public async Task Authorization_commands_after_login_are_refused(string command)
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync(command)).Should().StartWith("-ERR");
        (await pop.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
    }

    [Theory]
    [InlineData("RETR 0", "-ERR No such message")]
    [InlineData("RETR 3", "-ERR No such message")]
    [InlineData("RETR 4294967297", "-ERR Invalid message number")]
    [InlineData("RETR -1", "-ERR Invalid message number")]
    [InlineData("RETR +1", "-ERR Invalid message number")]
    [InlineData("RETR abc", "-ERR Invalid message number")]
    [InlineData("RETR", "-ERR Invalid message number")]
    [InlineData("DELE 1x", "-ERR Invalid message number")]
    [InlineData("LIST 9", "-ERR No such message")]
    [InlineData("UIDL 0", "-ERR No such message")]
    [InlineData("TOP 1", "-ERR Invalid number of lines")]
    [InlineData("TOP 1 -1", "-ERR Invalid number of lines")]
    [InlineData("TOP x 1", "-ERR Invalid message number")]
    public async Task Bad_message_numbers_get_ERR(string command, string expected)
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync(command)).Should().Be(expected);
        (await pop.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
    }

    [Fact]
    public async Task Deleting_twice_is_refused()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server);
        (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
        (await pop.CommandAsync("DELE 1")).Should().Be("-ERR Message already deleted");
    }

    [Theory]
    [InlineData("AUTH PLAIN !!!notbase64")]
    [InlineData("AUTH PLAIN =")]
    [InlineData("AUTH PLAIN YWxpY2U=")]
    [InlineData("AUTH PLAIN AAAA")]
    public async Task AUTH_PLAIN_with_a_bad_response_gets_ERR_and_the_session_continues(string command)
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync(command)).Should().StartWith("-ERR");
        (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS alice-password")).Should().StartWith("+OK");
    }

    [Fact]
    public async Task AUTH_PLAIN_continuation_can_be_cancelled_or_be_bad_base64()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync("AUTH PLAIN")).Should().Be("+ ");
        (await pop.CommandAsync("*")).Should().Be("-ERR Authentication cancelled");
        (await pop.CommandAsync("AUTH PLAIN")).Should().Be("+ ");
        (await pop.CommandAsync("%%%")).Should().StartWith("-ERR");
        (await pop.CommandAsync("AUTH PLAIN")).Should().Be("+ ");
        (await pop.CommandAsync(new string('A', 2000))).Should().Be("-ERR SASL response too long");
        (await pop.CommandAsync("AUTH CRAM-MD5")).Should().Be("-ERR Unsupported SASL mechanism");
        (await pop.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0alice-password")))).Should().StartWith("+OK");
    }

    [Fact]
    public async Task Wrong_credentials_get_ERR_AUTH()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS wrong")).Should().Be("-ERR [AUTH] Invalid credentials");
        (await pop.CommandAsync("PASS alice-password")).Should().Be("-ERR Send USER first");
        (await pop.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bob\0alice\0alice-password")))).Should().Be("-ERR [AUTH] Authorization identity not permitted");
        (await pop.CommandAsync("USER nobody")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS alice-password")).Should().Be("-ERR [AUTH] Invalid credentials");
    }

    [Fact]
    public async Task A_password_may_contain_spaces()
    {
        await _server.Users.CreateUserAsync(new WildDuck.Storage.CreateUserRequest { Username = "carol", Password = "with some spaces", Address = "carol@example.org" });
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync("USER carol")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS with some spaces")).Should().StartWith("+OK");
    }

    [Fact]
    public async Task Bare_line_feeds_and_lower_case_commands_are_accepted()
    {
        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        await pop.SendAsync("user alice\npass alice-password\nstat\n");
        (await pop.ReadLineAsync()).Should().StartWith("+OK");
        (await pop.ReadLineAsync()).Should().StartWith("+OK 2 messages");
        (await pop.ReadLineAsync()).Should().StartWith("+OK 2 ");
    }

    [Fact]
    public async Task Nothing_is_lost_after_a_storm_of_bad_input()
    {
        await using (var pop = await RawPop3Connection.OpenAsync(_server))
        {
            var random = new Random(1939);
            for (var i = 0; i < 50; i++)
            {
                var junk = new byte[random.Next(1, 400)];
                random.NextBytes(junk);
                for (var j = 0; j < junk.Length; j++)
                {
                    if (junk[j] == (byte)'\n')
                    {
                        junk[j] = (byte)'x';
                    }
                }

                await pop.SendBytesAsync(junk.Concat("\r\n"u8.ToArray()).ToArray());
                (await pop.ReadLineAsync()).Should().StartWith("-ERR");
            }

            (await pop.CommandAsync("STAT")).Should().StartWith("+OK 2 ");
            (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
        }

        (await _server.ListAsync(_server.Inbox)).Should().HaveCount(2);
    }
}
