// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class MessageNormalizerTests
{
    [Theory]
    [InlineData("a\nb", "a\r\nb")]
    [InlineData("\n", "\r\n")]
    [InlineData("\n\n", "\r\n\r\n")]
    [InlineData("a\r\nb\nc", "a\r\nb\r\nc")]
    [InlineData("a\rb", "a\rb")]
    [InlineData("a\r\r\nb", "a\r\r\nb")]
    [InlineData("\r", "\r")]
    [InlineData("x\0\u00ff\n", "x\0\u00ff\r\n")]
    [InlineData("", "")]
    public void Bare_LF_becomes_CRLF_and_nothing_else_changes(string input, string expected)
    {
        byte[] raw = MimeTestHelper.Bytes(input);
        ReadOnlyMemory<byte> normalized = MessageNormalizer.Normalize(raw, 1000);
        MimeTestHelper.Text(normalized.ToArray()).Should().Be(expected);
        MessageNormalizer.GetNormalizedLength(raw).Should().Be(expected.Length);
    }

    [Fact]
    public void Already_normalised_input_is_returned_without_a_copy()
    {
        byte[] raw = MimeTestHelper.Bytes("Subject: x\r\n\r\nbody\r\n");
        ReadOnlyMemory<byte> normalized = MessageNormalizer.Normalize(raw, 1000);
        MemoryMarshal.TryGetArray(normalized, out ArraySegment<byte> segment).Should().BeTrue();
        segment.Array.Should().BeSameAs(raw);
    }

    [Theory]
    [InlineData("0123456789", 9)]
    [InlineData("012345678\n", 10)]
    public void Oversize_after_normalisation_throws(string input, long limit)
    {
        Action act = () => MessageNormalizer.Normalize(MimeTestHelper.Bytes(input), limit);
        act.Should().Throw<MessageLimitExceededException>().Which.Limit.Should().Be(MessageLimit.Size);
    }

    [Fact]
    public void Indexer_enforces_the_size_limit()
    {
        var indexer = new MessageIndexer(new MessageLimits { MaxMessageSize = 100 });
        Action act = () => indexer.Index(new byte[101]);
        act.Should().Throw<MessageLimitExceededException>().Which.Maximum.Should().Be(100);
    }

    [Fact]
    public void LF_only_message_is_indexed_over_the_normalised_bytes()
    {
        byte[] raw = MimeTestHelper.Bytes("Subject: x\nContent-Type: multipart/mixed; boundary=Q\n\n--Q\n\none\n--Q--\n");
        (IndexedMessage indexed, _) = MimeTestHelper.IndexAndOpen(raw);
        byte[] expected = MimeTestHelper.Bytes("Subject: x\r\nContent-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\n\r\none\r\n--Q--\r\n");
        indexed.Size.Should().Be(expected.Length);
        indexed.InlineContent.ToArray().Should().Equal(expected);
        MimePartNode child = indexed.Layout.Root.Children.Should().ContainSingle().Subject;
        expected.AsSpan((int)child.BodyOffset, (int)child.BodyLength).ToArray().Should().Equal(MimeTestHelper.Bytes("one"));
    }
}
