// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Xunit;

namespace WildDuck.Imap.Tests.Robustness;

/// <summary>Graceful shutdown: every session says BYE (RFC 3501 §7.1.5), idling or not.</summary>
public sealed class ShutdownTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ShutdownSaysBye(bool idling)
    {
        await using var server = await ImapTestServer.StartAsync();
        using var stopping = new CancellationTokenSource();
        var (stream, session) = server.Connect(stopping.Token);
        await using var raw = new RawImapConnection(stream);
        await raw.ReadLineAsync();
        await raw.CommandAsync("a1", "LOGIN alice alice-password");
        await raw.CommandAsync("a2", "SELECT INBOX");
        if (idling)
        {
            await raw.SendAsync("a3 IDLE\r\n");
            (await raw.ReadLineAsync()).Should().Be("+ idling");
        }

        await stopping.CancelAsync();
        (await raw.ReadLineAsync()).Should().StartWith("* BYE");
        (await raw.TryReadLineAsync()).Should().BeNull();
        await session.WaitAsync(InteropHelpers.Timeout);
    }
}
