// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class CorpusRoundTripTests
{
    [Fact]
    public async Task EveryCorpusMessageComesBackByteIdentical()
    {
        var names = CorpusMessages.Names().ToList();
        names.Should().NotBeEmpty();
        await using var server = await ImapTestServer.StartAsync();
        var (stream, _) = server.Connect();
        await using var raw = new RawImapConnection(stream);
        await raw.ReadLineAsync();
        await raw.CommandAsync("L", $"LOGIN {ImapTestServer.User} {ImapTestServer.Password}");

        var expected = new Dictionary<uint, (string Name, byte[] Bytes)>();
        var i = 0;
        foreach (var name in names)
        {
            var bytes = CorpusMessages.Load(name);
            var tag = "A" + (i++).ToString(CultureInfo.InvariantCulture);
            await raw.SendAsync($"{tag} APPEND INBOX {{{bytes.Length}+}}\r\n");
            await raw.SendBytesAsync(bytes);
            await raw.SendAsync("\r\n");
            var response = (await raw.ReadUntilTaggedAsync(tag))[^1];
            response.Should().StartWith(tag + " OK [APPENDUID ", "message {0} must be accepted", name);
            var uid = uint.Parse(response.Split(' ')[4].TrimEnd(']'), CultureInfo.InvariantCulture);
            expected[uid] = (name, MessageNormalizer.Normalize(bytes, long.MaxValue).ToArray());
        }

        using var client = await server.ConnectClientAsync();
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        inbox.Count.Should().Be(names.Count);
        var sizes = (await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Size)).ToDictionary(s => s.UniqueId.Id, s => s.Size);
        foreach (var (uid, (name, normalized)) in expected)
        {
            using var content = await inbox.GetStreamAsync(new UniqueId(uid), string.Empty);
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy);
            copy.ToArray().SequenceEqual(normalized).Should().BeTrue("{0} must come back byte-identical", name);
            sizes[uid].Should().Be((uint)normalized.Length, "RFC822.SIZE of {0}", name);
        }
    }
}
