// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

/// <summary>
/// A layout read lazily (<see cref="MessageLayoutSerializer.DeserializeLazy"/>: MIME tree kept
/// encoded until a section needs it) resolves every section exactly as the eagerly read layout.
/// </summary>
public sealed class LazyLayoutTests
{
    private static readonly SectionKind[] Kinds =
        [SectionKind.Full, SectionKind.Header, SectionKind.Text, SectionKind.Mime, SectionKind.HeaderFields, SectionKind.HeaderFieldsNot];

    public static IEnumerable<object[]> Messages() => CorpusMessages.Names().Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Every_section_of_the_lazy_layout_equals_the_eager_result(string name)
    {
        IndexedMessage indexed = new MessageIndexer(new MessageLimits()).Index(CorpusMessages.Load(name));
        byte[] blob = MessageLayoutSerializer.Serialize(indexed.Layout);
        MessageLayout eager = MessageLayoutSerializer.Deserialize(blob);
        var attachments = new InMemoryAttachmentSource(indexed.ExternalBodies);
        var eagerContent = new MessageContent(eager, indexed.InlineContent, attachments);

        // The message's own sections never decode the tree.
        MessageLayout lazy = MessageLayoutSerializer.DeserializeLazy(blob);
        var lazyContent = new MessageContent(lazy, indexed.InlineContent, attachments);
        foreach (SectionSpec spec in SpecsFor([]))
        {
            await AssertSameAsync(lazyContent, eagerContent, spec);
        }

        lazy.IsTreeDecoded.Should().BeFalse("sections of the message itself need only its top-level offsets");

        // And those top-level sections are the root entity's ranges (RFC 3501 §6.4.5), as the tree walk gives.
        MimePartNode root = eager.Root;
        (await SectionBytesAsync(lazyContent, new SectionSpec())).Should().Equal(await MimeTestHelper.ReadRangeAsync(eagerContent, root.HeaderOffset, root.EndOffset - root.HeaderOffset));
        (await SectionBytesAsync(lazyContent, new SectionSpec { Kind = SectionKind.Header })).Should().Equal(await MimeTestHelper.ReadRangeAsync(eagerContent, root.HeaderOffset, root.HeaderLength));
        (await SectionBytesAsync(lazyContent, new SectionSpec { Kind = SectionKind.Text })).Should().Equal(await MimeTestHelper.ReadRangeAsync(eagerContent, root.BodyOffset, root.BodyLength));
        (await lazyContent.ResolveSectionAsync(new SectionSpec { Kind = SectionKind.Mime })).Status.Should().Be(SectionStatus.NotFound);
        lazy.IsTreeDecoded.Should().BeFalse();
        lazy.Size.Should().Be(eager.Size);
        lazy.Segments.Should().HaveCount(eager.Segments.Count);

        // Every part path (nested messages included, plus one past the last part) on a fresh lazy
        // layout, so the first part section is the one that decodes the tree.
        lazy = MessageLayoutSerializer.DeserializeLazy(blob);
        lazyContent = new MessageContent(lazy, indexed.InlineContent, attachments);
        var paths = new List<int[]>();
        CollectPaths(eager.Root, [], isMessage: true, paths);
        paths.Count.Should().BeGreaterThan(0);
        foreach (int[] path in paths)
        {
            foreach (SectionSpec spec in SpecsFor(path))
            {
                await AssertSameAsync(lazyContent, eagerContent, spec);
            }
        }

        lazy.IsTreeDecoded.Should().BeTrue();
        MimeTestHelper.AssertSameTree(lazy.Root, eager.Root);
        MessageLayoutSerializer.Serialize(lazy).Should().Equal(blob);
    }

    [Fact]
    public void Lazy_reading_rejects_what_eager_reading_rejects()
    {
        string attachment = Convert.ToBase64String(new byte[3000], Base64FormattingOptions.InsertLineBreaks);
        string message = SectionTests.Message.Replace(SectionTests.Part2Body, attachment, StringComparison.Ordinal);
        byte[] blob = MessageLayoutSerializer.Serialize(new MessageIndexer(new MessageLimits()).Index(MimeTestHelper.Bytes(message)).Layout);
        for (int length = 0; length < blob.Length; length++)
        {
            byte[] prefix = blob.AsSpan(0, length).ToArray();
            Action act = () => MessageLayoutSerializer.DeserializeLazy(prefix);
            act.Should().Throw<InvalidDataException>("a prefix of {0} bytes is truncated", length);
        }

        Action trailing = () => MessageLayoutSerializer.DeserializeLazy([.. blob, 0]);
        trailing.Should().Throw<InvalidDataException>();
    }

    private static IEnumerable<SectionSpec> SpecsFor(int[] path)
    {
        foreach (SectionKind kind in Kinds)
        {
            string[] fields = kind is SectionKind.HeaderFields or SectionKind.HeaderFieldsNot ? ["Subject", "From", "Content-Type"] : [];
            yield return new SectionSpec { Part = path, Kind = kind, FieldNames = fields };
            yield return new SectionSpec { Part = path, Kind = kind, FieldNames = fields, PartialOffset = 7, PartialLength = 50 };
        }

        yield return new SectionSpec { Part = path, Binary = true };
        yield return new SectionSpec { Part = path, Binary = true, PartialOffset = 3, PartialLength = 40 };
    }

    private static void CollectPaths(MimePartNode node, int[] prefix, bool isMessage, List<int[]> paths)
    {
        if (isMessage && !node.IsMultipart)
        {
            // A non-multipart message has the single part 1 (RFC 3501 §6.4.5).
            paths.Add([.. prefix, 1]);
            paths.Add([.. prefix, 2]);
            return;
        }

        if (isMessage || node.IsMultipart)
        {
            for (int i = 0; i < node.Children.Count; i++)
            {
                int[] path = [.. prefix, i + 1];
                paths.Add(path);
                CollectPaths(node.Children[i], path, isMessage: false, paths);
            }

            paths.Add([.. prefix, node.Children.Count + 1]);
            return;
        }

        if (node.Message is { } message)
        {
            CollectPaths(message, prefix, isMessage: true, paths);
        }
    }

    private static async Task<byte[]> SectionBytesAsync(MessageContent content, SectionSpec spec) =>
        await (await content.ResolveSectionAsync(spec)).ToArrayAsync();

    private static async Task AssertSameAsync(MessageContent lazy, MessageContent eager, SectionSpec spec)
    {
        string because = $"part [{string.Join('.', spec.Part)}] kind {spec.Kind} binary {spec.Binary} partial {spec.PartialOffset}";
        SectionContent expected = await eager.ResolveSectionAsync(spec);
        SectionContent actual = await lazy.ResolveSectionAsync(spec);
        actual.Status.Should().Be(expected.Status, because);
        actual.Length.Should().Be(expected.Length, because);
        actual.TotalLength.Should().Be(expected.TotalLength, because);
        if (expected.Status == SectionStatus.Ok)
        {
            (await actual.ToArrayAsync()).Should().Equal(await expected.ToArrayAsync(), because);
        }
    }
}
