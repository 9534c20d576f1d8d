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
        // Three NOOPs a second apart outlast one 3 s timeout only if each resets it; the margin
        // (2 s per round trip) keeps a loaded CI machine from timing out between them.
        await using var server = await ImapTestServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromSeconds(3));
        await using var raw = await RawImapConnection.OpenAsync(server);
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(1000);
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

    [Theory]
    [InlineData("a1 LOGIN {5}", false)]
    [InlineData("a1 AUTHENTICATE PLAIN", false)]
    [InlineData("a1 APPEND INBOX {50}", true)]
    [InlineData("a1 SEARCH TEXT {5}", true)]
    public async Task AClientStallingAfterAContinuationIsStillTimedOut(string command, bool login)
    {
        // Otherwise announcing a literal (or starting SASL) and sending nothing holds the
        // connection open for ever, before authentication too. (1.5 s: the LOGIN before the
        // stall hashes a password, which on a loaded CI machine can outlast a shorter timeout.)
        await using var server = await ImapTestServer.StartAsync(o =>
        {
            o.PreAuthTimeout = TimeSpan.FromMilliseconds(1500);
            o.IdleTimeout = TimeSpan.FromMilliseconds(1500);
        });
        await using var raw = await RawImapConnection.OpenAsync(server, login);
        if (command.Contains("SEARCH", StringComparison.Ordinal))
        {
            await raw.CommandAsync("s0", "SELECT INBOX");
        }

        await raw.SendAsync(command + "\r\n");
        (await raw.ReadLineAsync()).Should().StartWith("+");
        string? line;
        do
        {
            line = await raw.TryReadLineAsync();
        }
        while (line is not null && line.StartsWith("* BYE", StringComparison.Ordinal) is false);
        await raw.Session.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("a1 NOO", false)]
    [InlineData("a1 LOGIN {5+}\r\nal", false)]
    [InlineData("a1 SEARCH TEXT {100+}\r\nabc", true)]
    [InlineData("a1 APPEND INBOX {100+}\r\nSubject: x", true)]
    [InlineData("a1 APPEND Nowhere {100+}\r\nSubject: x", true)]
    [InlineData("a1 APPEND INBOX {999999999+}\r\nSubject: x", true)]
    public async Task AClientStallingMidCommandIsStillTimedOut(string partial, bool login)
    {
        // 1.5 s, not less: the LOGIN before the stall must fit inside the pre-auth timeout.
        await using var server = await ImapTestServer.StartAsync(o =>
        {
            o.PreAuthTimeout = TimeSpan.FromMilliseconds(1500);
            o.IdleTimeout = TimeSpan.FromMilliseconds(1500);
        });
        await using var raw = await RawImapConnection.OpenAsync(server, login);
        await raw.CommandAsync("s0", "NOOP");
        if (login)
        {
            await raw.CommandAsync("s1", "SELECT INBOX");
        }

        await raw.SendAsync(partial);
        var line = await raw.ReadLineAsync();
        if (line.StartsWith("a1 ", StringComparison.Ordinal))
        {
            // Refused at once (a literal over the limit); its bytes are still being skipped.
            line = await raw.ReadLineAsync();
        }

        line.Should().StartWith("* BYE");
        await raw.Session.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
