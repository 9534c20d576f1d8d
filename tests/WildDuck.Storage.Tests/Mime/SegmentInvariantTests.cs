// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

/// <summary>The production invariant check rejects every kind of broken segment list.</summary>
public sealed class SegmentInvariantTests
{
    private static readonly byte[] Message = MimeTestHelper.Bytes("Subject: x\r\n\r\n0123456789abcdef");

    private static ExternalBody Body(int offset, int length)
    {
        ReadOnlyMemory<byte> bytes = Message.AsMemory(offset, length);
        return new ExternalBody(ContentHash.Compute(bytes.Span), bytes, "application/octet-stream", "7bit");
    }

    [Fact]
    public void Accepts_a_correct_layout()
    {
        ExternalBody external = Body(14, 10);
        var segments = new List<MessageSegment> { MessageSegment.Inline(0, 14), MessageSegment.External(external.Hash, 10), MessageSegment.Inline(14, 6) };
        byte[] inline = [.. Message.AsSpan(0, 14), .. Message.AsSpan(24, 6)];
        MessageIndexer.VerifySegments(segments, inline, [external], Message).Should().BeTrue();
    }

    public static IEnumerable<object[]> Broken()
    {
        ExternalBody external = Body(14, 10);
        ExternalBody wrong = Body(15, 10);
        byte[] inline = [.. Message.AsSpan(0, 14), .. Message.AsSpan(24, 6)];
        yield return new object[] { "gap", new[] { MessageSegment.Inline(0, 14), MessageSegment.External(external.Hash, 10) }, inline, new[] { external } };
        yield return new object[] { "too long", new[] { MessageSegment.Inline(0, 14), MessageSegment.External(external.Hash, 10), MessageSegment.Inline(14, 7) }, inline, new[] { external } };
        yield return new object[] { "inline offset skips", new[] { MessageSegment.Inline(0, 14), MessageSegment.External(external.Hash, 10), MessageSegment.Inline(15, 5), MessageSegment.Inline(14, 1) }, inline, new[] { external } };
        yield return new object[] { "unknown hash", new[] { MessageSegment.Inline(0, 14), MessageSegment.External(wrong.Hash, 10), MessageSegment.Inline(14, 6) }, inline, new[] { external } };
        yield return new object[] { "shifted external", new[] { MessageSegment.Inline(0, 15), MessageSegment.External(external.Hash, 10), MessageSegment.Inline(15, 5) }, inline, new[] { external } };
        yield return new object[] { "zero-length segment", new[] { MessageSegment.Inline(0, 0), MessageSegment.Inline(0, 30) }, Message, Array.Empty<ExternalBody>() };
        yield return new object[] { "inline bytes differ", new[] { MessageSegment.Inline(0, 30) }, MimeTestHelper.Bytes("Subject: y\r\n\r\n0123456789abcdef"), Array.Empty<ExternalBody>() };
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Rejects_broken_layouts(string name, MessageSegment[] segments, byte[] inline, ExternalBody[] externals)
    {
        MessageIndexer.VerifySegments(segments, inline, externals, Message).Should().BeFalse(name);
    }

    [Theory]
    [InlineData("", 0L)]
    [InlineData("no blank line", 13L)]
    [InlineData("\r\nbody", 2L)]
    [InlineData("a: b\r\n\r\nbody\r\n\r\nmore", 8L)]
    public void Fallback_root_splits_at_the_first_empty_line(string message, long headerLength)
    {
        MimePartNode root = MessageIndexer.CreateFallbackRoot(MimeTestHelper.Bytes(message));
        root.HeaderLength.Should().Be(headerLength);
        root.EndOffset.Should().Be(message.Length);
        (root.MediaType, root.MediaSubtype).Should().Be(("text", "plain"));
    }

    [Theory]
    [InlineData("A: 1\r\nB: 2\r\n", true, "a", "A: 1\r\n\r\n")]
    [InlineData("A: 1\r\nB: 2", true, "b", "B: 2\r\n\r\n")]
    [InlineData("A: 1\r\nB: 2", false, "b", "A: 1\r\n\r\n")]
    [InlineData(" orphan\r\nB : 2\r\n\r\nX: body", false, "b", "\r\n")]
    [InlineData(" orphan\r\nb : 2\r\n\r\n", true, "B", "b : 2\r\n\r\n")]
    [InlineData("A: 1\r\n\t2\r\nC: 3\r\n\r\n", false, "c", "A: 1\r\n\t2\r\n\r\n")]
    [InlineData("no colon\r\nA: 1\r\n\r\n", false, "a", "no colon\r\n\r\n")]
    public void Filters_header_fields(string header, bool keep, string name, string expected)
    {
        byte[] input = MimeTestHelper.Bytes(header);
        var output = new byte[input.Length + 4];
        int written = MessageContent.FilterHeaderFields(input, [name], keep, output);
        MimeTestHelper.Text(output.AsSpan(0, written).ToArray()).Should().Be(expected);
    }
}
