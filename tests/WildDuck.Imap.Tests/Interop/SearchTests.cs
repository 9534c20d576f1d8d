// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Search;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class SearchTests
{
    private static async Task<(ImapTestServer Server, MailKit.Net.Imap.ImapClient Client, UniqueId[] Uids)> SetUpAsync()
    {
        var server = await ImapTestServer.StartAsync();
        var client = await server.ConnectClientAsync();
        var inbox = client.Inbox;
        var m1 = InteropHelpers.Message("Quarterly report", "The numbers look GOOD this quarter");
        m1.Headers.Add("X-Project", "Apollo");
        var m2 = InteropHelpers.Message("Lunch", "Shall we have Käse und Grüße?", from: "carol@example.net");
        var m3 = InteropHelpers.Message("Grüße aus München", "plain ascii body", from: "dave@example.com");
        var u1 = await inbox.AppendAsync(m1, MessageFlags.Seen, new DateTimeOffset(2020, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var u2 = await inbox.AppendAsync(m2, MessageFlags.None, new DateTimeOffset(2022, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var u3 = await inbox.AppendAsync(m3, MessageFlags.Flagged, new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        return (server, client, new[] { u1!.Value, u2!.Value, u3!.Value });
    }

    [Fact]
    public async Task SearchKeys()
    {
        var (server, client, u) = await SetUpAsync();
        await using var _ = server;
        using var __ = client;
        var inbox = client.Inbox;

        (await inbox.SearchAsync(SearchQuery.BodyContains("numbers look good"))).Should().Equal(u[0]);
        (await inbox.SearchAsync(SearchQuery.MessageContains("apollo"))).Should().Equal(u[0]); // TEXT includes headers
        (await inbox.SearchAsync(SearchQuery.HeaderContains("X-Project", "pol"))).Should().Equal(u[0]);
        (await inbox.SearchAsync(SearchQuery.FromContains("CAROL"))).Should().Equal(u[1]);
        (await inbox.SearchAsync(SearchQuery.DeliveredAfter(new DateTime(2021, 1, 1)))).Should().Equal(u[1], u[2]);
        (await inbox.SearchAsync(SearchQuery.DeliveredBefore(new DateTime(2021, 1, 1)))).Should().Equal(u[0]);
        (await inbox.SearchAsync(SearchQuery.Not(SearchQuery.Seen))).Should().Equal(u[1], u[2]);
        (await inbox.SearchAsync(SearchQuery.Or(SearchQuery.Flagged, SearchQuery.Seen))).Should().Equal(u[0], u[2]);
        (await inbox.SearchAsync(SearchQuery.SubjectContains("lunch").And(SearchQuery.NotSeen))).Should().Equal(u[1]);
        (await inbox.SearchAsync(SearchQuery.Uids(new[] { u[2] }))).Should().Equal(u[2]);
    }

    [Fact]
    public async Task Utf8StringsMatchDecodedHeadersAndBodies()
    {
        var (server, client, u) = await SetUpAsync();
        await using var _ = server;
        using var __ = client;
        var inbox = client.Inbox;
        (await inbox.SearchAsync(SearchQuery.SubjectContains("grüße"))).Should().Equal(u[2]);
        (await inbox.SearchAsync(SearchQuery.BodyContains("Käse"))).Should().Equal(u[1]);
        (await inbox.SearchAsync(SearchQuery.MessageContains("München"))).Should().Equal(u[2]);
    }

    [Fact]
    public async Task RawSearchBySequenceAndBadCharset()
    {
        var (server, client, _) = await SetUpAsync();
        await using var _s = server;
        using var _c = client;
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.CommandAsync("s0", "SELECT INBOX");
        (await raw.CommandAsync("s1", "SEARCH FLAGGED"))[0].Should().Be("* SEARCH 3");
        (await raw.CommandAsync("s2", "UID SEARCH 2:3 UNSEEN"))[0].Should().Be("* SEARCH 2 3");
        (await raw.CommandAsync("s3", "SEARCH CHARSET US-ASCII SUBJECT report"))[0].Should().Be("* SEARCH 1");
        var bad = await raw.CommandAsync("s4", "SEARCH CHARSET KOI8-R TEXT foo");
        bad[^1].Should().StartWith("s4 NO [BADCHARSET");
        (await raw.CommandAsync("s5", "SEARCH CHARSET UTF-8 TEXT {7+}\r\nGrüße")).Should().Equal("* SEARCH 2 3", "s5 OK SEARCH completed");
    }
}
