// SPDX-License-Identifier: MIT
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace WildDuck.Imap.Tests;

/// <summary>What a MailKit client fetches to build a message list, and ESEARCH through MailKit.</summary>
public sealed class SummaryTests
{
    [Fact]
    public async Task MessageListSummariesParse()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        var inbox = client.Inbox;
        var plain = InteropHelpers.Message("plain one", "The quick brown fox jumps over the lazy dog.");
        plain.MessageId = "plain@example.org";
        var reply = InteropHelpers.Message("Re: plain one", "Indeed it does.");
        reply.InReplyTo = "plain@example.org";
        reply.References.Add("plain@example.org");
        var html = InteropHelpers.Message("html one");
        html.Body = new Multipart("alternative")
        {
            new TextPart("plain") { Text = "Plain alternative" },
            new TextPart("html") { Text = "<p>Html alternative</p>" },
        };
        await inbox.AppendAsync(plain, MessageFlags.Seen);
        await inbox.AppendAsync(reply);
        await inbox.AppendAsync(html, MessageFlags.Flagged);
        await inbox.OpenAsync(FolderAccess.ReadOnly);

        var items = MessageSummaryItems.All | MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure
            | MessageSummaryItems.References | MessageSummaryItems.PreviewText | MessageSummaryItems.ModSeq;
        var summaries = await inbox.FetchAsync(0, -1, items);
        summaries.Should().HaveCount(3);
        summaries[0].Envelope!.Subject.Should().Be("plain one");
        summaries[0].Envelope!.MessageId.Should().Be("plain@example.org");
        summaries[0].Flags.Should().HaveFlag(MessageFlags.Seen);
        summaries[0].PreviewText.Should().StartWith("The quick brown fox");
        summaries[1].References!.Select(r => r).Should().Equal("plain@example.org");
        summaries[1].Envelope!.InReplyTo.Should().Be("plain@example.org");
        summaries[2].Body.Should().BeOfType<BodyPartMultipart>().Which.ContentType.MediaSubtype.Should().BeEquivalentTo("alternative");
        summaries[2].TextBody!.ContentType.MimeType.Should().BeEquivalentTo("text/plain");
        summaries[2].HtmlBody!.ContentType.MimeType.Should().BeEquivalentTo("text/html");
        summaries[2].PreviewText.Should().Contain("Plain alternative");
        summaries.Select(s => s.ModSeq).Should().OnlyContain(m => m > 0);
        summaries.Select(s => s.Size).Should().OnlyContain(size => size > 0);

        var body = (TextPart)await inbox.GetBodyPartAsync(summaries[2].UniqueId, summaries[2].HtmlBody!);
        body.Text.Should().Contain("Html alternative");
    }

    [Fact]
    public async Task EsearchThroughMailKit()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(MailKit.Net.Imap.ImapCapabilities.ESearch);
        var inbox = client.Inbox;
        for (var i = 0; i < 5; i++)
        {
            await inbox.AppendAsync(InteropHelpers.Message("esearch " + i), i % 2 == 0 ? MessageFlags.Seen : MessageFlags.None);
        }

        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var result = await inbox.SearchAsync(SearchOptions.All | SearchOptions.Count | SearchOptions.Min | SearchOptions.Max, SearchQuery.Seen);
        result.Count.Should().Be(3);
        result.Min!.Value.Id.Should().Be(1u);
        result.Max!.Value.Id.Should().Be(5u);
        result.UniqueIds.Select(u => u.Id).Should().Equal(1u, 3u, 5u);

        var none = await inbox.SearchAsync(SearchOptions.Count | SearchOptions.Min, SearchQuery.SubjectContains("nothing like this"));
        none.Count.Should().Be(0);
        none.Min.Should().BeNull();
    }
}
