// SPDX-License-Identifier: MIT
using System.Text;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The aggregations and layout rule of the message-side consistency check.</summary>
public sealed class MessageCheckTests
{
    [Fact]
    public void Attachment_references_are_counted_with_their_magic_sums()
    {
        MongoMailStore.AttachmentReferencesPipeline().Render().Select(d => d.Canonical()).Should().Equal(
            Rendering.Json("{ $unwind: '$attachmentIds' }").Canonical(),
            Rendering.Json("{ $group: { _id: '$attachmentIds', c: { $sum: 1 }, m: { $sum: '$magic' } } }").Canonical());
        MongoMailStore.AttachmentCountersProjection.Render().ShouldRenderAs("{ 'metadata.c': 1, 'metadata.m': 1 }");
    }

    [Fact]
    public void Layouts_are_read_without_their_inline_bytes()
    {
        MongoMailStore.LayoutPipeline().Render().Should().ContainSingle().Which.ShouldRenderAs(
            "{ $project: { layout: 1, size: 1, attachmentIds: 1, inlineSize: { $binarySize: '$inline' } } }");
    }

    [Fact]
    public void A_layout_must_add_up_and_reference_its_attachments()
    {
        var raw = Encoding.ASCII.GetBytes(
            "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", 100)) + "--b--\r\n");
        var indexed = new MessageIndexer(new MessageLimits()).Index(raw);
        var layout = MessageLayoutSerializer.Serialize(indexed.Layout);
        var referenced = new HashSet<ContentHash> { indexed.ExternalBodies[0].Hash };

        MongoMailStore.CheckLayout(layout, indexed.Size, indexed.InlineContent.Length, referenced).Should().BeNull();
        MongoMailStore.CheckLayout(layout, indexed.Size + 1, indexed.InlineContent.Length, referenced)!.Value.Kind.Should().Be("layout");
        MongoMailStore.CheckLayout(layout, indexed.Size, indexed.InlineContent.Length - 1, referenced)!.Value.Kind.Should().Be("layout");
        MongoMailStore.CheckLayout(layout, indexed.Size, indexed.InlineContent.Length, new HashSet<ContentHash>())!.Value.Kind.Should().Be("refcount");
        MongoMailStore.CheckLayout(new byte[] { 1, 2, 3 }, indexed.Size, indexed.InlineContent.Length, referenced)!.Value.Kind.Should().Be("layout");
    }
}
