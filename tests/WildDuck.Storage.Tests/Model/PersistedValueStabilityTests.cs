// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

/// <summary>
/// Values stored in databases must never change meaning: these tests freeze them. Changing one
/// of these expectations means writing a migration, not editing the test.
/// </summary>
public sealed class PersistedValueStabilityTests
{
    [Fact]
    public void MessageFlagBitsAreFrozen()
    {
        ((int)MessageFlags.Seen).Should().Be(1);
        ((int)MessageFlags.Answered).Should().Be(2);
        ((int)MessageFlags.Flagged).Should().Be(4);
        ((int)MessageFlags.Deleted).Should().Be(8);
        ((int)MessageFlags.Draft).Should().Be(16);
        Enum.GetValues<MessageFlags>().Should().HaveCount(6, "a new flag needs a new, unused bit and an update here");
    }

    [Fact]
    public void SpecialUseValuesAreFrozen()
    {
        Enum.GetValues<SpecialUse>().Select(v => ((int)v, v.ToString())).Should().Equal(
            (0, "None"), (1, "Sent"), (2, "Trash"), (3, "Drafts"), (4, "Junk"), (5, "Archive"), (6, "All"), (7, "Flagged"));
    }

    [Fact]
    public void JournalCommandValuesAreFrozen()
    {
        Enum.GetValues<JournalCommand>().Select(v => ((int)v, v.ToString())).Should().Equal(
            (1, "Exists"), (2, "Expunge"), (3, "Fetch"), (4, "Create"), (5, "Rename"), (6, "Delete"));
    }

    [Fact]
    public void EntityIdBinaryAndTextFormsAreFrozen()
    {
        var bytes = Convert.FromHexString("5f1e0c9a0102030405060708");
        var id = EntityId.FromBytes(bytes);
        id.ToString().Should().Be("5f1e0c9a0102030405060708");
        id.ToByteArray().Should().Equal(bytes);
        id.CreatedAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds(0x5f1e0c9a));
        EntityId.Parse("5F1E0C9A0102030405060708").Should().Be(id);
    }

    [Fact]
    public void EntityIdsAreUniqueAndTimeOrdered()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => EntityId.NewId()).ToArray();
        ids.Distinct().Should().HaveCount(ids.Length);
        ids.Should().BeInAscendingOrder();
        EntityId.TryParse("not-an-id", out _).Should().BeFalse();
        EntityId.TryParse("zz1e0c9a0102030405060708", out _).Should().BeFalse();
    }

    [Fact]
    public void ContentHashIsTheSha256OfTheEncodedBytes()
    {
        ContentHash.Compute("abc"u8).ToString().Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Fact]
    public void ALayoutWrittenByVersionOneStillReads()
    {
        // A layout blob frozen from format version 1: if the format changes, the reader must
        // keep accepting this (stored messages are never rewritten).
        var raw = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"u8.ToArray();
        var indexed = new MessageIndexer(new MessageLimits()).Index(raw);
        var blob = MessageLayoutSerializer.Serialize(indexed.Layout);
        blob[0].Should().Be(1, "the first byte is the format version");
        var frozen = Convert.ToHexString(blob);
        var again = MessageLayoutSerializer.Deserialize(Convert.FromHexString(FrozenVersionOneLayout));
        again.Size.Should().Be(raw.Length);
        again.Root.Children.Should().HaveCount(1);
        again.Root.Children[0].MediaType.Should().Be("text");
        FrozenVersionOneLayout.Should().Be(frozen, "version 1 output is frozen; bump the version for a new format");
    }

    // The version-1 serialisation of the message in ALayoutWrittenByVersionOneStillReads.
    private const string FrozenVersionOneLayout = "01710000422F00096D756C746970617274056D697865640437626974000000000100471C0501047465787405706C61696E0437626974000000000001007100";
}
