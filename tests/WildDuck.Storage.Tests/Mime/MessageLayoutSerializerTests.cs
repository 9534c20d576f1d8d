// SPDX-License-Identifier: MIT
using System;
using System.IO;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class MessageLayoutSerializerTests
{
    private static MessageLayout Layout()
    {
        string attachment = Convert.ToBase64String(new byte[3000], Base64FormattingOptions.InsertLineBreaks);
        string message = SectionTests.Message.Replace(SectionTests.Part2Body, attachment, StringComparison.Ordinal);
        return new MessageIndexer(new MessageLimits()).Index(MimeTestHelper.Bytes(message)).Layout;
    }

    [Fact]
    public void Round_trips_tree_and_segments()
    {
        MessageLayout layout = Layout();
        layout.Segments.Should().Contain(s => s.IsExternal);
        byte[] blob = MessageLayoutSerializer.Serialize(layout);
        blob[0].Should().Be(MessageLayoutSerializer.CurrentVersion);
        MessageLayout copy = MessageLayoutSerializer.Deserialize(blob);
        copy.Size.Should().Be(layout.Size);
        MimeTestHelper.AssertSameTree(copy.Root, layout.Root);
        copy.Segments.Should().HaveCount(layout.Segments.Count);
        for (int i = 0; i < layout.Segments.Count; i++)
        {
            copy.Segments[i].IsExternal.Should().Be(layout.Segments[i].IsExternal);
            copy.Segments[i].Length.Should().Be(layout.Segments[i].Length);
            copy.Segments[i].InlineOffset.Should().Be(layout.Segments[i].InlineOffset);
            copy.Segments[i].Hash.Should().Be(layout.Segments[i].Hash);
        }

        MessageLayoutSerializer.Serialize(copy).Should().Equal(blob);
    }

    [Fact]
    public void Rejects_every_truncation()
    {
        byte[] blob = MessageLayoutSerializer.Serialize(Layout());
        for (int length = 0; length < blob.Length; length++)
        {
            byte[] prefix = blob.AsSpan(0, length).ToArray();
            Action act = () => MessageLayoutSerializer.Deserialize(prefix);
            act.Should().Throw<InvalidDataException>("a prefix of {0} bytes is truncated", length);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Rejects_unknown_versions(byte version)
    {
        byte[] blob = MessageLayoutSerializer.Serialize(Layout());
        blob[0] = version;
        Action act = () => MessageLayoutSerializer.Deserialize(blob);
        act.Should().Throw<InvalidDataException>().WithMessage("*version*");
    }

    [Fact]
    public void Rejects_trailing_bytes()
    {
        byte[] blob = [.. MessageLayoutSerializer.Serialize(Layout()), 0];
        Action act = () => MessageLayoutSerializer.Deserialize(blob);
        act.Should().Throw<InvalidDataException>();
    }
}
