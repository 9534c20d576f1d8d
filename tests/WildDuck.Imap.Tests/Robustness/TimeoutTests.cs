// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using FluentAssertions;
using Xunit;

namespace WildDuck.Imap.Tests.Robustness;

/// <summary>Autologout (RFC 3501 §5.4) and the IDLE bound, with short real timeouts.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task UnauthenticatedConnectionIsClosedAfterThePreAuthTimeout()
    {
        await using var server = await ImapTestServer.StartAsync(o => o.PreAuthTimeout = TimeSpan.FromMilliseconds(300));
        await using var raw = await RawImapConnection.OpenAsync(server, login: false);
        (await raw.ReadLineAsync()).Should().StartWith("* BYE");
        (await raw.TryReadLineAsync()).Should().BeNull();
    }

    [Fact]
    public async Task InactiveSessionIsLoggedOutAndActivityKeepsItAlive()
    {
        await using var server = await ImapTestServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(600));
        await using var raw = await RawImapConnection.OpenAsync(server);
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(250);
            (await raw.CommandAsync("n" + i, "NOOP"))[^1].Should().StartWith("n" + i + " OK");
        }

        (await raw.ReadLineAsync()).Should().StartWith("* BYE");
        (await raw.TryReadLineAsync()).Should().BeNull();
    }

    [Fact]
    public async Task IdleLongerThanTheLimitEndsWithBye()
    {
        await using var server = await ImapTestServer.StartAsync(o => o.MaxIdleDuration = TimeSpan.FromMilliseconds(300));
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.SendAsync("i1 IDLE\r\n");
        (await raw.ReadLineAsync()).Should().Be("+ idling");
        (await raw.ReadLineAsync()).Should().StartWith("* BYE");
    }
}
