// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.Tests;

/// <summary>Index → serialise layout → deserialise → open, as a backend would.</summary>
internal static class MimeTestHelper
{
    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    public static (IndexedMessage Indexed, MessageContent Content) IndexAndOpen(byte[] raw, MessageLimits? limits = null)
    {
        var indexer = new MessageIndexer(limits ?? new MessageLimits());
        IndexedMessage indexed = indexer.Index(raw);
        var source = new InMemoryAttachmentSource { MaxRead = 4093 };
        source.Add(indexed.ExternalBodies);
        MessageLayout stored = MessageLayoutSerializer.Deserialize(MessageLayoutSerializer.Serialize(indexed.Layout));
        AssertSameTree(stored.Root, indexed.Layout.Root);
        return (indexed, new MessageContent(stored, indexed.InlineContent.ToArray(), source));
    }

    public static async Task<byte[]> ReadRangeAsync(MessageContent content, long offset, long length)
    {
        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, offset, length);
        return stream.ToArray();
    }

    public static async Task<string> SectionAsync(MessageContent content, SectionSpec spec)
    {
        SectionContent section = await content.ResolveSectionAsync(spec);
        using var stream = new MemoryStream();
        await section.WriteToAsync(stream);
        stream.Length.Should().Be(section.Length);
        return Text(stream.ToArray());
    }

    public static SectionSpec Spec(string part, SectionKind kind = SectionKind.Full, params string[] fields)
    {
        int[] path = part.Length == 0 ? Array.Empty<int>() : Array.ConvertAll(part.Split('.'), int.Parse);
        return new SectionSpec { Part = path, Kind = kind, FieldNames = fields };
    }

    /// <summary>Asserts the segment invariant independently of the production check.</summary>
    public static void AssertSegmentsReproduce(IndexedMessage indexed, ReadOnlySpan<byte> normalized)
    {
        indexed.Size.Should().Be(normalized.Length);
        long position = 0;
        long inlinePosition = 0;
        foreach (MessageSegment segment in indexed.Layout.Segments)
        {
            segment.Length.Should().BePositive();
            ReadOnlySpan<byte> expected = normalized.Slice((int)position, (int)segment.Length);
            if (segment.IsExternal)
            {
                ExternalBody? body = null;
                foreach (ExternalBody candidate in indexed.ExternalBodies)
                {
                    if (candidate.Hash == segment.Hash)
                    {
                        body = candidate;
                    }
                }

                body.Should().NotBeNull();
                body!.EncodedBytes.Span.SequenceEqual(expected).Should().BeTrue();
                ContentHash.Compute(expected).Should().Be(segment.Hash);
            }
            else
            {
                segment.InlineOffset.Should().Be(inlinePosition);
                indexed.InlineContent.Span.Slice((int)inlinePosition, (int)segment.Length).SequenceEqual(expected).Should().BeTrue();
                inlinePosition += segment.Length;
            }

            position += segment.Length;
        }

        position.Should().Be(normalized.Length);
        inlinePosition.Should().Be(indexed.InlineContent.Length);
    }

    public static void AssertSameTree(MimePartNode actual, MimePartNode expected)
    {
        actual.HeaderOffset.Should().Be(expected.HeaderOffset);
        actual.HeaderLength.Should().Be(expected.HeaderLength);
        actual.BodyOffset.Should().Be(expected.BodyOffset);
        actual.BodyLength.Should().Be(expected.BodyLength);
        actual.BodyLines.Should().Be(expected.BodyLines);
        actual.MediaType.Should().Be(expected.MediaType);
        actual.MediaSubtype.Should().Be(expected.MediaSubtype);
        actual.TransferEncoding.Should().Be(expected.TransferEncoding);
        actual.Charset.Should().Be(expected.Charset);
        actual.Disposition.Should().Be(expected.Disposition);
        actual.FileName.Should().Be(expected.FileName);
        actual.ContentId.Should().Be(expected.ContentId);
        actual.IsOpaque.Should().Be(expected.IsOpaque);
        actual.Children.Count.Should().Be(expected.Children.Count);
        for (int i = 0; i < expected.Children.Count; i++)
        {
            AssertSameTree(actual.Children[i], expected.Children[i]);
        }

        (actual.Message is null).Should().Be(expected.Message is null);
        if (expected.Message is not null)
        {
            AssertSameTree(actual.Message!, expected.Message);
        }
    }

    public static int Depth(MimePartNode node)
    {
        int deepest = 0;
        foreach (MimePartNode child in node.Children)
        {
            deepest = Math.Max(deepest, Depth(child));
        }

        if (node.Message is not null)
        {
            deepest = Math.Max(deepest, Depth(node.Message));
        }

        return deepest + 1;
    }

    public static int Count(MimePartNode node)
    {
        int count = 1;
        foreach (MimePartNode child in node.Children)
        {
            count += Count(child);
        }

        return node.Message is null ? count : count + Count(node.Message);
    }
}
