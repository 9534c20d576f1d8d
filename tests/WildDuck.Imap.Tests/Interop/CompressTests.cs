// SPDX-License-Identifier: MIT
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class CompressTests
{
    [Fact]
    public async Task MailKitWorksAfterCompressDeflate()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.Compress);
        await client.CompressAsync();

        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var body = string.Concat(Enumerable.Repeat("compressible text ", 2000));
        var uid = await inbox.AppendAsync(InteropHelpers.Message("deflated", body));
        var message = await inbox.GetMessageAsync(uid!.Value);
        message.TextBody!.Trim().Should().Be(body.Trim());
        (await inbox.SearchAsync(SearchQuery.All)).Should().Equal(uid.Value);
        await client.NoOpAsync();
        await client.DisconnectAsync(true);
    }
}
