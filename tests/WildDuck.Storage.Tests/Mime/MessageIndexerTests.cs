// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class MessageIndexerTests
{
    private static string Base64Block(int bytes, byte fill) =>
        Convert.ToBase64String(Enumerable.Repeat(fill, bytes).ToArray(), Base64FormattingOptions.InsertLineBreaks);

    [Fact]
    public void Indexes_structure_offsets_and_metadata_of_parts()
    {
        (IndexedMessage indexed, _) = MimeTestHelper.IndexAndOpen(MimeTestHelper.Bytes(SectionTests.Message));
        MimePartNode root = indexed.Layout.Root;
        root.MediaType.Should().Be("multipart");
        root.MediaSubtype.Should().Be("mixed");
        root.HeaderOffset.Should().Be(0);
        root.HeaderLength.Should().Be(SectionTests.TopHeader.Length);
        root.EndOffset.Should().Be(SectionTests.Message.Length);
        root.Children.Should().HaveCount(4);

        MimePartNode text = root.Children[0];
        (text.MediaType, text.MediaSubtype, text.Charset, text.TransferEncoding).Should().Be(("text", "plain", "utf-8", "quoted-printable"));
        text.BodyLines.Should().Be(2);

        MimePartNode file = root.Children[1];
        (file.MediaType, file.MediaSubtype, file.Disposition, file.FileName, file.TransferEncoding)
            .Should().Be(("application", "octet-stream", "attachment", "a.bin", "base64"));

        MimePartNode rfc822 = root.Children[2];
        rfc822.MediaType.Should().Be("message");
        rfc822.Message.Should().NotBeNull();
        rfc822.Message!.MediaSubtype.Should().Be("alternative");
        rfc822.Message.HeaderOffset.Should().Be(rfc822.BodyOffset);
        rfc822.Message.EndOffset.Should().Be(rfc822.EndOffset);
        rfc822.Message.Children.Select(c => c.MediaType + "/" + c.MediaSubtype).Should().Equal("text/plain", "text/html");

        indexed.Metadata.Attachments.Select(a => (a.Id, a.PartNumber, a.ContentType)).Should().Equal(
            ("ATT00001", "2", "application/octet-stream"),
            ("ATT00002", "3", "message/rfc822"));
        indexed.Metadata.Attachments[0].DecodedSize.Should().Be(6);
        indexed.Metadata.Attachments[0].EncodedSize.Should().Be(8);
        indexed.Metadata.Attachments[0].Hash.Should().BeNull("small leaves stay inline");
        indexed.Metadata.HasAttachments.Should().BeTrue();
    }

    [Fact]
    public void Content_id_disposition_and_related_flags()
    {
        string message =
            "Content-Type: multipart/related; boundary=R\r\n\r\n" +
            "--R\r\nContent-Type: text/html\r\n\r\n<img src=cid:img1>\r\n" +
            "--R\r\nContent-Type: image/png; name=\"=?utf-8?q?p=C3=A9.png?=\"\r\nContent-ID: <img1@x>\r\nContent-Disposition: INLINE\r\nContent-Transfer-Encoding: BASE64\r\n\r\n" +
            Base64Block(2000, 7) + "\r\n--R--\r\n";
        (IndexedMessage indexed, _) = MimeTestHelper.IndexAndOpen(MimeTestHelper.Bytes(message));
        AttachmentDescriptor image = indexed.Metadata.Attachments.Should().ContainSingle().Subject;
        image.ContentId.Should().Be("img1@x");
        image.Disposition.Should().Be("inline");
        image.TransferEncoding.Should().Be("base64");
        image.FileName.Should().Be("pé.png");
        image.Related.Should().BeTrue();
        image.Hash.Should().NotBeNull();
        image.DecodedSize.Should().BeInRange(1998, 2002);
        indexed.Metadata.HasAttachments.Should().BeFalse("a related inline image is not an attachment");
    }

    [Fact]
    public async Task Identical_attachments_are_stored_once()
    {
        string attachment = Base64Block(5000, 42);
        string part = "--B\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + attachment + "\r\n";
        string message = "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nhi\r\n" + part + part + "--B--\r\n";
        byte[] raw = MimeTestHelper.Bytes(message);
        (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(raw);

        indexed.ExternalBodies.Should().ContainSingle();
        indexed.ExternalBodies[0].ContentType.Should().Be("application/pdf");
        indexed.Layout.Segments.Count(s => s.IsExternal).Should().Be(2);
        indexed.Metadata.Attachments.Select(a => a.Hash).Distinct().Should().ContainSingle().Which.Should().Be(indexed.ExternalBodies[0].Hash);
        indexed.InlineContent.Length.Should().Be(raw.Length - 2 * attachment.Length);
        (await MimeTestHelper.ReadRangeAsync(content, 0, raw.Length)).Should().Equal(raw);
        MimeTestHelper.AssertSegmentsReproduce(indexed, raw);
    }

    [Theory]
    [InlineData("text/plain", 1000, false)]
    [InlineData("text/plain", 400 * 1024, true)]
    [InlineData("application/octet-stream", 1023, false)]
    [InlineData("application/octet-stream", 1024, true)]
    [InlineData("image/gif", 5000, true)]
    public void Externalisation_thresholds(string contentType, int bodyLength, bool external)
    {
        string message = "Content-Type: " + contentType + "\r\n\r\n" + new string('a', bodyLength);
        IndexedMessage indexed = new MessageIndexer(new MessageLimits()).Index(MimeTestHelper.Bytes(message));
        indexed.Layout.Segments.Any(s => s.IsExternal).Should().Be(external);
        MimeTestHelper.AssertSegmentsReproduce(indexed, MimeTestHelper.Bytes(message));
    }

    public static IEnumerable<object[]> Malformed()
    {
        yield return Row("empty", string.Empty);
        yield return Row("missing end boundary", "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\n\r\nx\r\n");
        yield return Row("unterminated boundary line", "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\n\r\nx\r\n--A");
        yield return Row("boundary never appears", "Content-Type: multipart/mixed; boundary=A\r\n\r\njust text\r\n");
        yield return Row("multipart without boundary", "Content-Type: multipart/mixed\r\n\r\n--A\r\n\r\nx\r\n--A--\r\n");
        yield return Row("garbage headers", "garbage line\r\n\r\nbody\r\n");
        yield return Row("binary garbage", "\u0001\u0002\u00ff\u0000\r\n:\r\n \r\n\r\n\u00fe");
        yield return Row("8-bit headers", "Subject: caf\u00c3\u00a9 \u00ff\r\nFrom: \u00e4 <a@b>\r\n\r\nbody");
        yield return Row("NUL bytes", "Subject: a\0b\r\n\r\nbo\0dy\0");
        yield return Row("1 MiB header line", "X-Long: " + new string('a', 1024 * 1024) + "\r\nSubject: x\r\n\r\nbody");
        yield return Row("headers with no body", "Subject: x\r\nFrom: y");
        yield return Row("headers and blank line only", "Subject: x\r\n\r\n");
        yield return Row("body only", "\r\nbody");
        yield return Row("lone CR", "Subject: x\r\rmore\r\n\r\nbo\rdy");
        yield return Row("base64 message/rfc822", "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQpoaQ==\r\n--A--\r\n");
        yield return Row("nested boundary reuse", "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\nContent-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\n\r\nx\r\n--A--\r\n--A--\r\n");
        yield return Row("empty multipart", "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A--\r\n");
        yield return Row("message/rfc822 with empty body", "Content-Type: message/rfc822\r\n\r\n");
        yield return Row("nesting 5000 deep", Nested(5000));
        yield return Row("bad content-type", "Content-Type: ;;;===\r\nContent-Disposition: ;filename*=bogus''%%\r\n\r\nx");
    }

    private static object[] Row(string name, string message) => new object[] { name, message };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_input_indexes_and_recomposes_byte_exact(string name, string message)
    {
        byte[] raw = MimeTestHelper.Bytes(message);
        (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(raw);
        MimeTestHelper.AssertSegmentsReproduce(indexed, raw);
        (await MimeTestHelper.ReadRangeAsync(content, 0, long.MaxValue)).Should().Equal(raw, name);
        MimePartNode root = indexed.Layout.Root;
        (root.HeaderOffset, root.BodyOffset + root.BodyLength).Should().Be((0L, (long)raw.Length));
        (await content.ResolveSectionAsync(MimeTestHelper.Spec(string.Empty, SectionKind.Header))).Length.Should().Be(root.HeaderLength);
        (await content.ResolveSectionAsync(MimeTestHelper.Spec("1"))).Status.Should().NotBe(SectionStatus.UnknownTransferEncoding);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Randomly_damaged_messages_recompose_byte_exact(int seed)
    {
        var random = new Random(seed);
        byte[] raw = MimeTestHelper.Bytes(SectionTests.Message.Replace(SectionTests.Part2Body, Base64Block(3000, 9), StringComparison.Ordinal));
        for (int round = 0; round < 40; round++)
        {
            byte[] damaged = (byte[])raw.Clone();
            for (int i = 0; i < 1 + random.Next(8); i++)
            {
                const string alphabet = "-\r\n:;=\"\0\u00ff Ax";
                damaged[random.Next(damaged.Length)] = (byte)alphabet[random.Next(alphabet.Length)];
            }

            damaged = damaged.AsSpan(0, random.Next(damaged.Length / 2, damaged.Length + 1)).ToArray();
            byte[] normalized = MessageNormalizer.Normalize(damaged, long.MaxValue).ToArray();
            (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(damaged);
            MimeTestHelper.AssertSegmentsReproduce(indexed, normalized);
            (await MimeTestHelper.ReadRangeAsync(content, 0, long.MaxValue)).Should().Equal(normalized);
            foreach (string part in new[] { "1", "2", "3", "3.1", "3.2", "4" })
            {
                SectionContent section = await content.ResolveSectionAsync(MimeTestHelper.Spec(part) with { Binary = true });
                (await section.ToArrayAsync()).Should().HaveCount((int)section.Length);
            }
        }
    }

    [Fact]
    public void Garbage_falls_back_to_one_text_entity()
    {
        IndexedMessage indexed = new MessageIndexer(new MessageLimits()).Index(MimeTestHelper.Bytes("garbage line\r\n\r\nbody\r\n"));
        indexed.Layout.Root.Children.Should().BeEmpty();
        indexed.Layout.Root.HeaderLength.Should().Be("garbage line\r\n\r\n".Length);
        indexed.Layout.Segments.Should().ContainSingle();
    }

    [Fact]
    public void Encoded_message_rfc822_is_an_opaque_leaf()
    {
        string message = (string)Malformed().Single(r => (string)r[0] == "base64 message/rfc822")[1];
        IndexedMessage indexed = new MessageIndexer(new MessageLimits()).Index(MimeTestHelper.Bytes(message));
        MimePartNode part = indexed.Layout.Root.Children.Should().ContainSingle().Subject;
        part.IsOpaque.Should().BeTrue();
        part.Message.Should().BeNull();
    }

    private static string Nested(int depth)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < depth; i++)
        {
            builder.Append("Content-Type: multipart/mixed; boundary=b").Append(i).Append("\r\n\r\n--b").Append(i).Append("\r\n");
        }

        builder.Append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for (int i = depth - 1; i >= 0; i--)
        {
            builder.Append("--b").Append(i).Append("--\r\n");
        }

        return builder.ToString();
    }

    [Fact]
    public async Task Deep_nesting_is_truncated_at_the_depth_limit()
    {
        byte[] raw = MimeTestHelper.Bytes(Nested(100));
        (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(raw, new MessageLimits { MaxMimeDepth = 32 });
        MimeTestHelper.Depth(indexed.Layout.Root).Should().Be(32);
        MimePartNode deepest = indexed.Layout.Root;
        while (deepest.Children.Count > 0)
        {
            deepest = deepest.Children[0];
        }

        deepest.IsOpaque.Should().BeTrue();
        deepest.MediaType.Should().Be("application");
        (await MimeTestHelper.ReadRangeAsync(content, 0, long.MaxValue)).Should().Equal(raw);
        MimeTestHelper.AssertSegmentsReproduce(indexed, raw);
    }

    [Fact]
    public void Deep_nesting_is_rejected_when_configured()
    {
        var indexer = new MessageIndexer(new MessageLimits { MaxMimeDepth = 32, StructureLimitBehavior = MimeLimitBehavior.Reject });
        Action act = () => indexer.Index(MimeTestHelper.Bytes(Nested(100)));
        act.Should().Throw<MessageLimitExceededException>().Which.Limit.Should().Be(MessageLimit.Depth);
        indexer.Index(MimeTestHelper.Bytes(Nested(31))).Layout.Root.Should().NotBeNull("32 levels are within the limit");
    }

    private static string ManyParts(int parts)
    {
        var builder = new StringBuilder("Content-Type: multipart/mixed; boundary=P\r\n\r\n");
        for (int i = 0; i < parts; i++)
        {
            builder.Append("--P\r\n\r\npart ").Append(i).Append("\r\n");
        }

        return builder.Append("--P--\r\n").ToString();
    }

    [Fact]
    public async Task Too_many_parts_are_truncated()
    {
        byte[] raw = MimeTestHelper.Bytes(ManyParts(50));
        (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(raw, new MessageLimits { MaxMimeParts = 10 });
        MimeTestHelper.Count(indexed.Layout.Root).Should().BeLessThanOrEqualTo(10);
        indexed.Layout.Root.IsOpaque.Should().BeTrue();
        (await MimeTestHelper.ReadRangeAsync(content, 0, long.MaxValue)).Should().Equal(raw);
        new MessageIndexer(new MessageLimits { MaxMimeParts = 51 }).Index(raw).Layout.Root.Children.Should().HaveCount(50);
    }

    [Fact]
    public void Too_many_parts_are_rejected_when_configured()
    {
        var indexer = new MessageIndexer(new MessageLimits { MaxMimeParts = 10, StructureLimitBehavior = MimeLimitBehavior.Reject });
        Action act = () => indexer.Index(MimeTestHelper.Bytes(ManyParts(50)));
        act.Should().Throw<MessageLimitExceededException>().Which.Limit.Should().Be(MessageLimit.Parts);
    }

    [Theory]
    [InlineData("message/rfc822")]
    [InlineData("message/global")]
    [InlineData("MESSAGE/RFC822")]
    public async Task Encapsulated_messages_are_parsed(string contentType)
    {
        string message = "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\nContent-Type: " + contentType
            + "\r\n\r\nSubject: inner\r\nContent-Type: text/plain\r\n\r\nhello\r\n--A--\r\n";
        (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(MimeTestHelper.Bytes(message));
        MimePartNode part = indexed.Layout.Root.Children.Should().ContainSingle().Subject;
        part.Message.Should().NotBeNull();
        part.BodyLines.Should().Be(4);
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec("1.1"))).Should().Be("hello");
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec("1", SectionKind.HeaderFields, "subject"))).Should().Be("Subject: inner\r\n\r\n");
    }

    [Fact]
    public void Digest_parts_default_to_message_rfc822()
    {
        string message = "Content-Type: multipart/digest; boundary=D\r\n\r\n--D\r\n\r\nSubject: one\r\n\r\nbody one\r\n--D--\r\n";
        IndexedMessage indexed = new MessageIndexer(new MessageLimits()).Index(MimeTestHelper.Bytes(message));
        MimePartNode part = indexed.Layout.Root.Children.Should().ContainSingle().Subject;
        (part.MediaType, part.MediaSubtype).Should().Be(("message", "rfc822"));
        part.Message.Should().NotBeNull();
    }

    [Fact]
    public async Task Whole_message_copy_allocates_almost_nothing()
    {
        string message = "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nhi\r\n--B\r\nContent-Type: image/png\r\n\r\n"
            + Base64Block(200_000, 1) + "\r\n--B--\r\n";
        // The harness source serves 4 KiB per read: dozens of reads and writes per copy.
        (_, MessageContent content) = MimeTestHelper.IndexAndOpen(MimeTestHelper.Bytes(message));
        await content.WriteToAsync(Stream.Null, 0, long.MaxValue);

        const int iterations = 50;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            await content.WriteToAsync(Stream.Null, 0, long.MaxValue);
        }

        long perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
        perMessage.Should().BeLessThan(1024);
    }
}
