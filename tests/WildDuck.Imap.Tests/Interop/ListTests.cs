// SPDX-License-Identifier: MIT
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class ListTests
{
    [Fact]
    public async Task SpecialUseFoldersAreKnown()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.SpecialUse);
        client.GetFolder(SpecialFolder.Sent)!.FullName.Should().Be("Sent Mail");
        client.GetFolder(SpecialFolder.Trash)!.FullName.Should().Be("Trash");
        client.GetFolder(SpecialFolder.Drafts)!.FullName.Should().Be("Drafts");
        client.GetFolder(SpecialFolder.Junk)!.FullName.Should().Be("Junk");
    }

    [Fact]
    public async Task ListStatusFillsCounts()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.ListStatus);
        var drafts = client.GetFolder(SpecialFolder.Drafts)!;
        drafts.Should().NotBeNull();
        await drafts.AppendAsync(InteropHelpers.Message("draft"), MessageFlags.Draft);

        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.Count | StatusItems.Unread | StatusItems.UidNext, false);
        var listed = folders.Single(f => f.FullName == "Drafts");
        listed.Count.Should().Be(1);
        listed.Unread.Should().Be(1);
        listed.UidNext!.Value.Id.Should().Be(2u);
        folders.Single(f => f.FullName == "INBOX").Count.Should().Be(0);
    }

    [Fact]
    public async Task CreateRenameSubscribeDelete()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var projects = (await root.CreateAsync("Projects", true))!;
        var alpha = (await projects.CreateAsync("Alpha", true))!;
        await alpha.AppendAsync(InteropHelpers.Message("in alpha"));
        await alpha.SubscribeAsync();

        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, true);
        subscribed.Select(f => f.FullName).Should().Contain("Projects/Alpha");

        // WildDuck deviation we do not copy: RENAME moves the children (RFC 3501 §6.3.5).
        await projects.RenameAsync(root, "Work");
        using var fresh = await server.ConnectClientAsync();
        var names = (await fresh.GetFoldersAsync(fresh.PersonalNamespaces[0], StatusItems.None, false)).Select(f => f.FullName).ToList();
        names.Should().Contain(new[] { "Work", "Work/Alpha" }).And.NotContain(new[] { "Projects", "Projects/Alpha" });
        var moved = await fresh.GetFolderAsync("Work/Alpha");
        await moved.OpenAsync(FolderAccess.ReadOnly);
        moved.Count.Should().Be(1);
        await moved.CloseAsync();

        await moved.UnsubscribeAsync();
        (await fresh.GetFoldersAsync(fresh.PersonalNamespaces[0], StatusItems.None, true)).Select(f => f.FullName).Should().NotContain("Work/Alpha");

        await moved.DeleteAsync();
        var work = await fresh.GetFolderAsync("Work");
        await work.DeleteAsync();
        (await fresh.GetFoldersAsync(fresh.PersonalNamespaces[0], StatusItems.None, false)).Select(f => f.FullName).Should().NotContain(new[] { "Work", "Work/Alpha" });
    }
}
