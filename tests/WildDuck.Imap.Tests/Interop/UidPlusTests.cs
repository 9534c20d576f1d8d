// SPDX-License-Identifier: MIT
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Search;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class UidPlusTests
{
    [Fact]
    public async Task AppendCopyAndUidExpunge()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var first = await inbox.AppendAsync(InteropHelpers.Message("one"));
        var second = await inbox.AppendAsync(InteropHelpers.Message("two"));
        var third = await inbox.AppendAsync(InteropHelpers.Message("three"));
        first.Should().NotBeNull();
        second!.Value.Id.Should().BeGreaterThan(first!.Value.Id);
        third!.Value.Id.Should().BeGreaterThan(second.Value.Id);
        first.Value.Validity.Should().Be(inbox.UidValidity);

        var trash = client.GetFolder(SpecialFolder.Trash)!;
        var map = await inbox.CopyToAsync(new[] { first.Value, third.Value }, trash);
        map.Source.Should().Equal(first.Value, third.Value);
        map.Destination.Should().HaveCount(2);
        map.Destination[0].Validity.Should().NotBe(0u);
        await trash.OpenAsync(FolderAccess.ReadOnly);
        var copied = await trash.SearchAsync(SearchQuery.All);
        copied.Select(u => u.Id).Should().Equal(map.Destination.Select(u => u.Id));
        (await trash.GetMessageAsync(map.Destination[1])).Subject.Should().Be("three");

        await inbox.OpenAsync(FolderAccess.ReadWrite);
        await inbox.AddFlagsAsync(new[] { first.Value, second.Value }, MessageFlags.Deleted, silent: true);
        client.Capabilities.Should().HaveFlag(MailKit.Net.Imap.ImapCapabilities.UidPlus);
        await inbox.ExpungeAsync(new[] { first.Value });
        inbox.Count.Should().Be(2);
        (await inbox.SearchAsync(SearchQuery.All)).Should().Equal(second.Value, third.Value);
    }
}
