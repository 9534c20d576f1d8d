// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MimeKit;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;
using Xunit;
using Xunit.Abstractions;

namespace WildDuck.Storage.Tests;

/// <summary>Every message of the MimeKit corpus: index, store, recompose byte-exact, extract sections.</summary>
public sealed class CorpusTests
{
    private readonly ITestOutputHelper _output;

    public CorpusTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Messages() => CorpusMessages.Names().Select(name => new object[] { name });

    private static byte[] Load(string name) => CorpusMessages.Load(name);

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Recomposes_byte_exact_and_sections_match_MimeKit(string name)
    {
        byte[] raw = Load(name);
        byte[] normalized = MessageNormalizer.Normalize(raw, long.MaxValue).ToArray();
        (IndexedMessage indexed, MessageContent content) = MimeTestHelper.IndexAndOpen(raw);

        MimeTestHelper.AssertSegmentsReproduce(indexed, normalized);
        (await MimeTestHelper.ReadRangeAsync(content, 0, long.MaxValue)).Should().Equal(normalized);

        var random = new Random(name.Length * 7919 + normalized.Length);
        for (int i = 0; i < 25 && normalized.Length > 0; i++)
        {
            int offset = random.Next(normalized.Length);
            int length = random.Next(normalized.Length - offset + 1);
            byte[] slice = await MimeTestHelper.ReadRangeAsync(content, offset, length);
            slice.Should().Equal(normalized.AsSpan(offset, length).ToArray(), "range {0}+{1}", offset, length);
        }

        SectionContent whole = await content.ResolveSectionAsync(SectionSpec.WholeMessage);
        whole.Length.Should().Be(normalized.Length);

        // Each leaf's BODY[n] must equal MimeKit's own view of the raw encoded content.
        using var stream = new MemoryStream(normalized, writable: false);
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream, persistent: true);
        }
        catch (FormatException)
        {
            indexed.Layout.Root.Children.Should().BeEmpty();
            return;
        }

        await CompareAsync(content, message.Body, indexed.Layout.Root, string.Empty, isMessage: true);
    }

    private static async Task CompareAsync(MessageContent content, MimeEntity? entity, MimePartNode node, string prefix, bool isMessage)
    {
        if (entity is null || node.IsOpaque)
        {
            return;
        }

        if (entity is Multipart multipart && node.IsMultipart)
        {
            node.Children.Count.Should().Be(multipart.Count);
            for (int i = 0; i < multipart.Count; i++)
            {
                await CompareAsync(content, multipart[i], node.Children[i], prefix + (i + 1) + ".", isMessage: false);
            }

            return;
        }

        string part = isMessage ? prefix + "1" : prefix.TrimEnd('.');
        if (entity is MessagePart messagePart && node.Message is not null)
        {
            await CompareAsync(content, messagePart.Message?.Body, node.Message, part + ".", isMessage: true);
            return;
        }

        if (entity is MimePart mimePart && mimePart.Content is not null && node.Message is null && !node.IsMultipart)
        {
            using var expected = new MemoryStream();
            mimePart.Content.Stream!.Position = 0;
            await mimePart.Content.Stream.CopyToAsync(expected);
            string actual = await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec(part));
            actual.Should().Be(MimeTestHelper.Text(expected.ToArray()), "BODY[{0}]", part);

            // BODY[n.MIME] runs from the part's first header byte up to its body; inside a multipart
            // it starts right after a boundary delimiter line ("--" boundary, RFC 2046 §5.1.1).
            SectionContent mime = await content.ResolveSectionAsync(MimeTestHelper.Spec(part, SectionKind.Mime));
            mime.Length.Should().Be(node.BodyOffset - node.HeaderOffset);
            if (!isMessage)
            {
                byte[] all = await mime.ToArrayAsync();
                (all.Length == 0 || MimeTestHelper.Text(all).EndsWith("\r\n", StringComparison.Ordinal)).Should().BeTrue();
                string before = MimeTestHelper.Text(await MimeTestHelper.ReadRangeAsync(content, 0, node.HeaderOffset));
                int lineStart = before.LastIndexOf("\r\n", before.Length - 2, StringComparison.Ordinal) + 2;
                before[lineStart..].Should().StartWith("--").And.EndWith("\r\n", "part {0} follows a delimiter line", part);
            }
            node.MediaType.Should().Be(mimePart.ContentType.MediaType.ToLowerInvariant());
        }
    }

    [Fact]
    public void Corpus_statistics()
    {
        long messages = 0, bytes = 0, externalBytes = 0, storedExternal = 0, inlineBytes = 0;
        var indexer = new MessageIndexer(new MessageLimits());
        foreach (string name in CorpusMessages.Names())
        {
            IndexedMessage indexed = indexer.Index(Load(name));
            messages++;
            bytes += indexed.Size;
            inlineBytes += indexed.InlineContent.Length;
            externalBytes += indexed.Layout.Segments.Where(s => s.IsExternal).Sum(s => s.Length);
            storedExternal += indexed.ExternalBodies.Sum(b => (long)b.EncodedBytes.Length);
        }

        _output.WriteLine($"messages: {messages}");
        _output.WriteLine($"bytes (normalised): {bytes}");
        _output.WriteLine($"inline bytes: {inlineBytes}");
        _output.WriteLine($"external bytes referenced: {externalBytes}");
        _output.WriteLine($"external bytes stored (per-message dedup): {storedExternal}");
        _output.WriteLine($"dedup savings within messages: {externalBytes - storedExternal}");
        messages.Should().BeGreaterThan(50);
        (inlineBytes + externalBytes).Should().Be(bytes);
    }
}
