// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class MoveTests
{
    [Fact]
    public async Task MoveToReturnsUidMapAndSourceShrinks()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.Move);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var a = (await inbox.AppendAsync(InteropHelpers.Message("stay")))!.Value;
        var b = (await inbox.AppendAsync(InteropHelpers.Message("go 1")))!.Value;
        var c = (await inbox.AppendAsync(InteropHelpers.Message("go 2")))!.Value;
        inbox.Count.Should().Be(3);

        var archive = client.GetFolder(SpecialFolder.Junk)!;
        var map = await inbox.MoveToAsync(new[] { b, c }, archive);
        map.Source.Should().Equal(b, c);
        map.Destination.Should().HaveCount(2);
        inbox.Count.Should().Be(1);
        (await inbox.SearchAsync(SearchQuery.All)).Should().Equal(a);

        await archive.StatusAsync(StatusItems.Count);
        archive.Count.Should().Be(2);
        await archive.OpenAsync(FolderAccess.ReadOnly);
        (await archive.GetMessageAsync(map.Destination[0])).Subject.Should().Be("go 1");
    }

    [Fact]
    public async Task MoveToMissingMailboxIsTryCreate()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.SendAsync("a1 APPEND INBOX {21+}\r\nSubject: hi\r\n\r\nbody\r\n\r\n");
        await raw.ReadUntilTaggedAsync("a1");
        await raw.CommandAsync("a2", "SELECT INBOX");
        (await raw.CommandAsync("a3", "MOVE 1 Nowhere"))[^1].Should().StartWith("a3 NO [TRYCREATE]");
        (await raw.CommandAsync("a4", "FETCH 1 UID"))[0].Should().Be("* 1 FETCH (UID 1)");
    }
}
