// SPDX-License-Identifier: MIT
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class MailKitBasicTests
{
    [Fact]
    public async Task MailKitLogsInListsFoldersAndAppendsAndFetchesAMessage()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.Idle).And.HaveFlag(ImapCapabilities.UidPlus).And.HaveFlag(ImapCapabilities.CondStore);

        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        folders.Select(f => f.FullName).Should().Contain(new[] { "INBOX", "Drafts", "Sent Mail", "Junk", "Trash" });

        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        inbox.Count.Should().Be(0);

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.To.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.Subject = "Hello over IMAP";
        message.Body = new TextPart("plain") { Text = "Hi Alice!" };
        var uid = await inbox.AppendAsync(message, MessageFlags.Seen);
        uid.Should().NotBeNull();

        var fetched = await inbox.GetMessageAsync(uid!.Value);
        fetched.Subject.Should().Be("Hello over IMAP");
        fetched.TextBody!.Trim().Should().Be("Hi Alice!");

        var found = await inbox.SearchAsync(SearchQuery.SubjectContains("over imap"));
        found.Should().Equal(uid.Value);
        await client.DisconnectAsync(true);
    }
}
