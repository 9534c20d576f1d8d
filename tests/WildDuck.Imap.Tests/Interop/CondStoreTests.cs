// SPDX-License-Identifier: MIT
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class CondStoreTests
{
    [Fact]
    public async Task ChangedSinceAndUnchangedSince()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        var inbox = client.Inbox;
        for (var i = 0; i < 3; i++)
        {
            await inbox.AppendAsync(InteropHelpers.Message("condstore " + i));
        }

        await inbox.OpenAsync(FolderAccess.ReadWrite);
        inbox.Supports(FolderFeature.ModSequences).Should().BeTrue();
        inbox.HighestModSeq.Should().BeGreaterThan(0);
        var uids = await inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        uids.Should().HaveCount(3);
        var before = inbox.HighestModSeq;

        await inbox.AddFlagsAsync(uids[1], MessageFlags.Flagged, silent: true);
        var changed = await inbox.FetchAsync(0, -1, before, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq);
        changed.Select(s => s.UniqueId).Should().Equal(uids[1]);
        changed[0].ModSeq.Should().BeGreaterThan(before);
        changed[0].Flags.Should().HaveFlag(MessageFlags.Flagged);

        // UNCHANGEDSINCE: the message modified after "before" is reported, the others are stored.
        var modified = await inbox.StoreAsync(uids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { UnchangedSince = before, Silent = true });
        modified.Should().Equal(uids[1]);
        var summaries = await inbox.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
        summaries.Single(s => s.UniqueId == uids[0]).Flags.Should().HaveFlag(MessageFlags.Seen);
        summaries.Single(s => s.UniqueId == uids[1]).Flags.Should().NotHaveFlag(MessageFlags.Seen);
        summaries.Single(s => s.UniqueId == uids[2]).Flags.Should().HaveFlag(MessageFlags.Seen);
        inbox.HighestModSeq.Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task EnableCondStoreOverRaw()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server);
        (await raw.CommandAsync("e1", "ENABLE CONDSTORE")).Should().Equal("* ENABLED CONDSTORE", "e1 OK ENABLE completed");
        var select = await raw.CommandAsync("e2", "SELECT INBOX");
        select.Should().Contain(l => l.StartsWith("* OK [HIGHESTMODSEQ ", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchModSeqReportsHighestAmongReturnedMessagesOnly()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var writer = await server.ConnectClientAsync();
        await writer.Inbox.AppendAsync(InteropHelpers.Message("known"));
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.CommandAsync("s1", "SELECT INBOX (CONDSTORE)");

        // Another session appends while this one is idle: the new message matches the search but
        // the client has not been told of it yet, so it must not lift the reported MODSEQ.
        await writer.Inbox.AppendAsync(InteropHelpers.Message("unannounced"));
        var search = await raw.CommandAsync("s2", "SEARCH MODSEQ 1");
        var line = search.Single(l => l.StartsWith("* SEARCH", System.StringComparison.Ordinal));
        var open = line.IndexOf("(MODSEQ ", System.StringComparison.Ordinal);
        open.Should().BeGreaterThan(0, line);
        var reported = ulong.Parse(line[(open + 8)..^1], System.Globalization.CultureInfo.InvariantCulture);
        var numbers = line[..open]["* SEARCH".Length..].Split(' ', System.StringSplitOptions.RemoveEmptyEntries);

        var fetch = await raw.CommandAsync("s3", "FETCH " + string.Join(',', numbers) + " (MODSEQ)");
        var highest = fetch.Where(l => l.Contains("MODSEQ (", System.StringComparison.Ordinal))
            .Select(l => ulong.Parse(l[(l.IndexOf("MODSEQ (", System.StringComparison.Ordinal) + 8)..l.IndexOf(')', l.IndexOf("MODSEQ (", System.StringComparison.Ordinal))], System.Globalization.CultureInfo.InvariantCulture))
            .Max();
        reported.Should().Be(highest, "RFC 7162 §3.1.5: the highest mod-sequence of the messages returned");
    }
}
