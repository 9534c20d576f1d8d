// SPDX-License-Identifier: MIT
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MimeKit;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class PartialFetchTests
{
    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task PartialBodySectionsAndHeaderFields()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        var inbox = client.Inbox;
        var message = InteropHelpers.Message("multipart");
        var multipart = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "First part text\r\n" },
            new TextPart("html") { Text = "<p>Second part</p>\r\n" },
        };
        message.Body = multipart;
        var uid = (await inbox.AppendAsync(message))!.Value;
        await inbox.OpenAsync(FolderAccess.ReadWrite);

        byte[] whole;
        using (var full = await inbox.GetStreamAsync(uid, string.Empty))
        {
            whole = await ReadAllAsync(full);
        }

        using (var partial = await inbox.GetStreamAsync(uid, 10, 25))
        {
            (await ReadAllAsync(partial)).Should().Equal(whole.Skip(10).Take(25));
        }

        using (var beyond = await inbox.GetStreamAsync(uid, whole.Length - 5, 100))
        {
            (await ReadAllAsync(beyond)).Should().Equal(whole.Skip(whole.Length - 5));
        }

        using (var part1 = await inbox.GetStreamAsync(uid, "1"))
        {
            Encoding.ASCII.GetString(await ReadAllAsync(part1)).Should().Be("First part text\r\n");
        }

        using (var part2Partial = await inbox.GetStreamAsync(uid, "2", 3, 6))
        {
            Encoding.ASCII.GetString(await ReadAllAsync(part2Partial)).Should().Be("Second");
        }

        var summaries = await inbox.FetchAsync(new[] { uid }, new FetchRequest(MessageSummaryItems.UniqueId) { Headers = new HeaderSet(new[] { HeaderId.Subject, HeaderId.To }) });
        var headers = summaries.Single().Headers!;
        headers[HeaderId.Subject].Should().Be("multipart");
        headers[HeaderId.To].Should().Be("alice@example.org");
        headers.Contains(HeaderId.From).Should().BeFalse();

        // .PEEK everywhere: \Seen not set.
        (await inbox.FetchAsync(new[] { uid }, MessageSummaryItems.Flags)).Single().Flags.Should().NotHaveFlag(MessageFlags.Seen);
    }

    [Fact]
    public async Task RawPartialFetchResponseNamesTheOrigin()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.SendAsync("a1 APPEND INBOX {21+}\r\nSubject: hi\r\n\r\nbody\r\n\r\n");
        await raw.ReadUntilTaggedAsync("a1");
        await raw.CommandAsync("a2", "SELECT INBOX");
        var lines = await raw.CommandAsync("a3", "FETCH 1 (BODY.PEEK[TEXT]<1.2> BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        lines.Should().Equal("* 1 FETCH (BODY[TEXT]<1> {2}", "od BODY[HEADER.FIELDS (SUBJECT)] {15}", "Subject: hi", "", ")", "a3 OK FETCH completed");
    }
}
