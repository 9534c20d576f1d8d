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

    [Fact]
    public async Task IdlePushesArriveThroughTheCompressedStream()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var a = await server.ConnectClientAsync();
        await a.CompressAsync();
        var inbox = a.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var count = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => count.TrySetResult(inbox.Count);
        using var done = new System.Threading.CancellationTokenSource();
        var idle = a.IdleAsync(done.Token);

        using var b = await server.ConnectClientAsync();
        await b.Inbox.AppendAsync(InteropHelpers.Message("pushed while compressed"));
        (await count.Within()).Should().Be(1);
        await done.CancelAsync();
        await idle.WaitAsync(InteropHelpers.Timeout);
        (await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Single().Envelope!.Subject.Should().Be("pushed while compressed");
    }

    [Fact]
    public async Task LargeMessageRoundTripsCompressed()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        await client.CompressAsync();
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var random = new System.Random(42);
        var data = new byte[3 * 1024 * 1024];
        random.NextBytes(data);
        var message = InteropHelpers.Message("big");
        var body = new MimeKit.Multipart("mixed")
        {
            new MimeKit.TextPart("plain") { Text = "see attachment" },
            new MimeKit.MimePart("application", "octet-stream")
            {
                Content = new MimeKit.MimeContent(new System.IO.MemoryStream(data)),
                ContentTransferEncoding = MimeKit.ContentEncoding.Base64,
                FileName = "random.bin",
            },
        };
        message.Body = body;
        var uid = (await inbox.AppendAsync(message))!.Value;
        var fetched = await inbox.GetMessageAsync(uid);
        var attachment = (MimeKit.MimePart)fetched.Attachments.Single();
        using var decoded = new System.IO.MemoryStream();
        await attachment.Content!.DecodeToAsync(decoded);
        decoded.ToArray().SequenceEqual(data).Should().BeTrue();
    }
}
