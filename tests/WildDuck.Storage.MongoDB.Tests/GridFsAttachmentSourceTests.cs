// SPDX-License-Identifier: MIT
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Reading prefetched attachments (no server: prefetched bodies never reach the database).</summary>
public sealed class GridFsAttachmentSourceTests
{
    private static GridFsAttachmentSource Source()
    {
        // The client connects lazily; nothing here sends a command.
        var client = new MongoClient("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100");
        return new GridFsAttachmentSource(new GridFsAttachments(client.GetDatabase("unused"), "attachments"));
    }

    [Fact]
    public async Task Prefetched_bodies_are_read_at_any_offset_in_pieces()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var hash = ContentHash.Compute(bytes);
        var source = Source();
        source.Add(hash, bytes);

        var buffer = new byte[300];
        (await source.ReadAsync(hash, 0, buffer, CancellationToken.None)).Should().Be(300);
        buffer.Should().Equal(bytes[..300]);
        (await source.ReadAsync(hash, 900, buffer)).Should().Be(100);
        buffer[..100].Should().Equal(bytes[900..]);
        (await source.ReadAsync(hash, 1000, buffer)).Should().Be(0);
        (await source.ReadAsync(hash, 5000, buffer)).Should().Be(0);
    }

    [Fact]
    public async Task A_whole_message_recomposes_from_prefetched_bodies()
    {
        var body = string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", 100));
        var raw = System.Text.Encoding.ASCII.GetBytes(
            "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "--b--\r\n");
        var indexed = new MessageIndexer(new MessageLimits()).Index(raw);
        indexed.ExternalBodies.Should().ContainSingle();
        var source = Source();
        source.Add(indexed.ExternalBodies[0].Hash, indexed.ExternalBodies[0].EncodedBytes.ToArray());
        var content = new MessageContent(indexed.Layout, indexed.InlineContent, source);

        using var stream = new System.IO.MemoryStream();
        await content.WriteToAsync(stream, 0, content.Size);

        stream.ToArray().Should().Equal(raw);
    }

    [Fact]
    public async Task A_negative_offset_is_refused()
    {
        var act = async () => await Source().ReadAsync(ContentHash.Compute(new byte[] { 1 }), -1, new byte[1]);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
