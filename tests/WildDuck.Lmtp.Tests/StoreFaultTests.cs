// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Testing;

namespace WildDuck.Lmtp.Tests;

/// <summary>
/// A store that cannot serve (real SQLite faults: another connection holding the write lock past
/// the busy timeout, the file replaced by one that is not a database) gets <c>451 4.3.0</c> per
/// recipient; nothing is acknowledged that was not committed, and the session goes on.
/// </summary>
public sealed class StoreFaultTests
{
    private const string Message = "From: sender@remote.example\r\nSubject: fault\r\n\r\nHello.\r\n.\r\n";

    [Fact]
    public async Task A_store_that_cannot_commit_gets_451_per_recipient_and_stores_nothing()
    {
        await using var server = await LmtpTestServer.StartAsync(sqlite: o => o.BusyTimeout = TimeSpan.FromMilliseconds(200));
        await using var client = await server.ConnectAsync();
        await client.CommandAsync("LHLO mx.example.org");
        await client.CommandAsync("MAIL FROM:<sender@remote.example>");
        (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("250");
        (await client.CommandAsync("RCPT TO:<bob@example.org>")).Should().StartWith("250");
        (await client.CommandAsync("DATA")).Should().StartWith("354");
        using (SqliteFaults.HoldWriteLock(server.DatabasePath))
        {
            await client.SendAsync(Message);
            var replies = await client.ReadRepliesAsync(2);
            replies[0].Should().StartWith("451 4.3.0 alice@example.org ");
            replies[1].Should().StartWith("451 4.3.0 bob@example.org ");
        }

        (await server.InboxAsync(server.Alice)).Should().BeEmpty();
        (await server.InboxAsync(server.Bob)).Should().BeEmpty();

        // The MTA retries; the session is still usable.
        await client.CommandAsync("MAIL FROM:<sender@remote.example>");
        await client.CommandAsync("RCPT TO:<alice@example.org>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");
        await client.SendAsync(Message);
        (await client.ReadRepliesAsync(2)).Should().AllSatisfy(r => r.Should().StartWith("250 2.0.0 "));
        (await server.InboxAsync(server.Alice)).Should().ContainSingle();
        (await server.InboxAsync(server.Bob)).Should().ContainSingle();
        (await server.Services.GetRequiredService<IStoreMaintenance>().CheckAsync()).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_gets_451_at_RCPT()
    {
        await using var server = await LmtpTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.CommandAsync("LHLO mx.example.org");
        await client.CommandAsync("MAIL FROM:<sender@remote.example>");
        using (SqliteFaults.ReplaceWithGarbage(server.DatabasePath))
        {
            (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("451 4.3.0 ");
        }

        (await client.CommandAsync("RCPT TO:<alice@example.org>")).Should().StartWith("250 ");
        (await client.CommandAsync("DATA")).Should().StartWith("354");
        await client.SendAsync(Message);
        (await client.ReadReplyAsync()).Should().StartWith("250 2.0.0 alice@example.org Ok: stored as ");
    }
}
