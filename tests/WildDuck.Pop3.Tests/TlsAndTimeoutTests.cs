// SPDX-License-Identifier: MIT
using System.Threading.Tasks;

namespace WildDuck.Pop3.Tests;

/// <summary>STLS (RFC 2595), the insecure-auth policy and the inactivity timeout (RFC 1939 §3).</summary>
public sealed class TlsAndTimeoutTests
{
    [Fact]
    public async Task Without_insecure_auth_credentials_are_refused_until_STLS()
    {
        await using var server = await Pop3TestServer.StartAsync(allowInsecureAuth: false);
        await using var pop = await RawPop3Connection.OpenAsync(server, login: false);
        var (_, capabilities) = await pop.MultiLineAsync("CAPA");
        capabilities.Should().Contain("STLS").And.NotContain("USER").And.NotContain("SASL PLAIN");
        (await pop.CommandAsync("USER alice")).Should().StartWith("-ERR [AUTH]");
        (await pop.CommandAsync("AUTH PLAIN AGFsaWNlAGFsaWNlLXBhc3N3b3Jk")).Should().StartWith("-ERR [AUTH]");

        await pop.StartTlsAsync();
        (capabilities = (await pop.MultiLineAsync("CAPA")).Lines).Should().Contain("USER").And.Contain("SASL PLAIN").And.NotContain("STLS");
        (await pop.CommandAsync("STLS")).Should().Be("-ERR TLS is already active");
        (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS alice-password")).Should().StartWith("+OK");
    }

    [Fact]
    public async Task Plaintext_pipelined_after_STLS_is_refused_and_the_connection_closed()
    {
        await using var server = await Pop3TestServer.StartAsync();
        await using var pop = await RawPop3Connection.OpenAsync(server, login: false);
        await pop.SendAsync("STLS\r\nUSER alice\r\n");
        (await pop.ReadLineAsync()).Should().StartWith("-ERR");
        (await pop.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task An_idle_session_is_closed_with_ERR_and_changes_nothing()
    {
        await using var server = await Pop3TestServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromSeconds(2));
        await server.AppendAsync("Subject: a\r\n\r\na\r\n");
        await using var pop = await RawPop3Connection.OpenAsync(server);
        (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
        (await pop.ReadLineAsync()).Should().Be("-ERR Disconnected for inactivity");
        (await pop.IsClosedAsync()).Should().BeTrue();
        (await server.ListAsync(server.Inbox)).Should().HaveCount(1);
    }

    [Fact]
    public async Task A_connection_that_does_not_log_in_is_closed_after_the_pre_auth_timeout()
    {
        await using var server = await Pop3TestServer.StartAsync(o =>
        {
            o.PreAuthTimeout = TimeSpan.FromSeconds(1);
            o.IdleTimeout = TimeSpan.FromMinutes(10);
        });
        await using var pop = await RawPop3Connection.OpenAsync(server, login: false);
        (await pop.ReadLineAsync()).Should().Be("-ERR Disconnected for inactivity");
        (await pop.IsClosedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Server_shutdown_ends_a_session_with_SYS_TEMP_and_changes_nothing()
    {
        var server = await Pop3TestServer.StartAsync();
        await using (server)
        {
            await server.AppendAsync("Subject: a\r\n\r\na\r\n");
            await using var pop = await RawPop3Connection.OpenAsync(server);
            (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
            var stop = server.StopListenersAsync();
            (await pop.ReadLineAsync()).Should().Be("-ERR [SYS/TEMP] Server shutting down");
            await stop;
            (await server.ListAsync(server.Inbox)).Should().HaveCount(1);
        }
    }

    [Fact]
    public async Task A_client_that_stops_reading_a_large_RETR_is_dropped_after_the_idle_timeout()
    {
        await using var server = await Pop3TestServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromSeconds(2));
        var line = new string('x', 78) + "\r\n";
        var big = new System.Text.StringBuilder("Subject: big\r\n\r\n");
        for (var i = 0; i < 300_000; i++)
        {
            big.Append(line);
        }

        await server.AppendAsync(big.ToString());
        await server.AppendAsync("Subject: small\r\n\r\nsmall\r\n");
        await using var stalled = await RawPop3Connection.OpenAsync(server);
        (await stalled.CommandAsync("DELE 2")).Should().StartWith("+OK");
        await stalled.SendAsync("RETR 1\r\n");

        // The stalled session never reads; its lock goes once the server gives up on it.
        var started = DateTime.UtcNow;
        var loggedIn = false;
        while (!loggedIn && DateTime.UtcNow - started < TimeSpan.FromSeconds(30))
        {
            await using var next = await RawPop3Connection.OpenAsync(server, login: false);
            await next.CommandAsync("USER alice");
            loggedIn = (await next.CommandAsync("PASS alice-password")).StartsWith("+OK", StringComparison.Ordinal);
            if (!loggedIn)
            {
                await Task.Delay(200);
            }
        }

        loggedIn.Should().BeTrue("a session whose client stopped reading ends after IdleTimeout");
        (await server.ListAsync(server.Inbox)).Should().HaveCount(2, "the stalled session's DELE was never applied");
    }
}
