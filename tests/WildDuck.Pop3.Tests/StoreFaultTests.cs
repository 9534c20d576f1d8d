// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using WildDuck.Testing;

namespace WildDuck.Pop3.Tests;

/// <summary>
/// A store that cannot serve (real SQLite faults) gets <c>-ERR [SYS/TEMP]</c> (RFC 3206), changes
/// nothing, and leaves the session usable where the protocol allows.
/// </summary>
public sealed class StoreFaultTests
{
    private const string Temporary = "-ERR [SYS/TEMP] Temporary storage problem, try again later";

    [Fact]
    public async Task QUIT_whose_update_cannot_commit_gets_SYS_TEMP_and_changes_nothing()
    {
        await using var server = await Pop3TestServer.StartAsync(sqlite: o => o.BusyTimeout = TimeSpan.FromMilliseconds(200));
        await server.AppendAsync("Subject: a\r\n\r\na\r\n");
        await server.AppendAsync("Subject: b\r\n\r\nb\r\n");
        await using (var pop = await RawPop3Connection.OpenAsync(server))
        {
            (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
            (await pop.MultiLineAsync("RETR 2")).Status.Should().StartWith("+OK");
            using (SqliteFaults.HoldWriteLock(server.DatabasePath))
            {
                // RFC 1939 §6: "-ERR some deleted messages not removed".
                (await pop.CommandAsync("QUIT")).Should().Be("-ERR [SYS/TEMP] Some messages were not updated, try again later");
            }
        }

        (await server.ListAsync(server.Inbox)).Should().HaveCount(2, "the UPDATE state changed nothing");
        await using (var pop = await RawPop3Connection.OpenAsync(server))
        {
            (await pop.CommandAsync("DELE 1")).Should().StartWith("+OK");
            (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
        }

        (await server.ListAsync(server.Inbox)).Should().ContainSingle();
    }

    [Fact]
    public async Task Reads_of_a_file_that_is_no_longer_a_database_get_SYS_TEMP_and_the_session_goes_on()
    {
        await using var server = await Pop3TestServer.StartAsync();
        await server.AppendAsync("Subject: a\r\n\r\na\r\n");
        await using (var pop = await RawPop3Connection.OpenAsync(server))
        {
            using (SqliteFaults.ReplaceWithGarbage(server.DatabasePath))
            {
                (await pop.CommandAsync("RETR 1")).Should().Be(Temporary);
            }

            (await pop.MultiLineAsync("RETR 1")).Lines.Should().Equal("Subject: a", string.Empty, "a");
            (await pop.CommandAsync("QUIT")).Should().StartWith("+OK");
        }

        await using (var pop = await RawPop3Connection.OpenAsync(server, login: false))
        {
            (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
            using (SqliteFaults.ReplaceWithGarbage(server.DatabasePath))
            {
                (await pop.CommandAsync("PASS " + Pop3TestServer.Password)).Should().StartWith("-ERR [SYS/TEMP] ");
            }
        }
    }
}
