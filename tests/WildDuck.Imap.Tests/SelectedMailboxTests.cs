// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using WildDuck.Imap.Session;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class SelectedMailboxTests
{
    [Fact]
    public void SequenceNumbersMapToUids()
    {
        var box = Open(3, 5, 9);
        box.Count.Should().Be(3);
        box.UidAt(2).Should().Be(5);
        box.SequenceOf(9).Should().Be(3);
        box.SequenceOf(4).Should().Be(0);
        box.MaxUid.Should().Be(9);
    }

    [Theory]
    [InlineData(1u, 2u, false, "3:4")]
    [InlineData(2u, uint.MaxValue, false, "4:5,9")]
    [InlineData(uint.MaxValue, uint.MaxValue, false, "9")]
    [InlineData(3u, 1u, false, "3:5")]
    [InlineData(4u, 7u, false, "9")]
    [InlineData(5u, 7u, false, "")]
    [InlineData(4u, 7u, true, "4:7")]
    [InlineData(100u, uint.MaxValue, true, "9:100")]
    [InlineData(uint.MaxValue, uint.MaxValue, true, "9")]
    public void RangesResolveToUidsWithStarAsTheLastMessage(uint first, uint last, bool isUid, string expected)
    {
        var box = Open(3, 4, 5, 9);
        var ranges = new List<UidRange>();
        box.AddRange(ranges, first, last, isUid);
        UidSet.FromRanges(ranges).ToString().Should().Be(expected);
    }

    [Fact]
    public void NewMessagesFromTheJournalBecomeOneExists()
    {
        var box = Open(1, 2);
        box.AddJournal(new[] { Entry(JournalCommand.Exists, 3, 5), Entry(JournalCommand.Exists, 4, 6) });
        var updates = box.Drain(allowExpunge: false);
        updates.Should().ContainSingle().Which.Should().Be(new MailboxUpdate(MailboxUpdateKind.Exists, 4, 0, MessageFlags.None, null, 0));
        box.HighestModSeq.Should().Be(6);
    }

    [Fact]
    public void ExpungesWaitWhileNotAllowedAndShiftSequenceNumbersWhenReleased()
    {
        var box = Open(1, 2, 3);
        box.AddJournal(new[] { Entry(JournalCommand.Expunge, 2, 7), Entry(JournalCommand.Expunge, 3, 7) });
        box.Drain(allowExpunge: false).Should().BeEmpty();
        box.Count.Should().Be(3, "sequence numbers must not shift during FETCH, STORE or SEARCH");
        box.IsExpungePending(2).Should().BeTrue();

        var updates = box.Drain(allowExpunge: true);
        updates.Select(u => (u.Kind, u.Number)).Should().Equal((MailboxUpdateKind.Expunge, 2u), (MailboxUpdateKind.Expunge, 2u));
        box.Count.Should().Be(1);
    }

    [Fact]
    public void FlagChangesAreReportedOncePerMessageWithTheLatestState()
    {
        var box = Open(1, 2);
        box.AddJournal(new[]
        {
            Entry(JournalCommand.Fetch, 2, 4, MessageFlags.Seen),
            Entry(JournalCommand.Fetch, 2, 5, MessageFlags.Seen | MessageFlags.Flagged),
        });
        var update = box.Drain(allowExpunge: true).Should().ContainSingle().Subject;
        update.Should().Be(new MailboxUpdate(MailboxUpdateKind.Fetch, 2, 2, MessageFlags.Seen | MessageFlags.Flagged, Array.Empty<string>(), 5));
    }

    [Fact]
    public void OwnFlagChangesAreNotEchoedFromTheJournal()
    {
        var box = Open(1);
        box.NoteReported(1, 9);
        box.AddJournal(new[] { Entry(JournalCommand.Fetch, 1, 9, MessageFlags.Seen) });
        box.Drain(allowExpunge: true).Should().BeEmpty();
    }

    [Fact]
    public void OlderFlagChangesAreNotSentAfterNewerReportedFlags()
    {
        // RFC 7162 §3.1.3: per message, MODSEQ in FETCH responses never goes down.
        var box = Open(1, 2);
        box.AddJournal(new[] { Entry(JournalCommand.Fetch, 1, 3, MessageFlags.Seen), Entry(JournalCommand.Fetch, 1, 4, MessageFlags.Seen | MessageFlags.Flagged) });
        box.HasUnreportedFlagChange(1, 4).Should().BeTrue("modseq 3 was another session's change");
        box.HasUnreportedFlagChange(2, 4).Should().BeFalse();
        box.NoteReported(1, 4);
        box.HasUnreportedFlagChange(1, 4).Should().BeFalse();
        box.Drain(allowExpunge: true).Should().BeEmpty();

        box.AddJournal(new[] { Entry(JournalCommand.Fetch, 1, 5, MessageFlags.None) });
        box.Drain(allowExpunge: true).Should().ContainSingle().Which.ModSeq.Should().Be(5, "newer changes still go out");
    }

    [Fact]
    public void FlagsReportedAheadOfTheJournalSupersedeOnlyOlderEntries()
    {
        // Own STORE at MODSEQ 10 whose journal read lagged: 8 is older, 11 is another session's later change.
        var box = Open(1);
        box.NoteReported(1, 10);
        box.Drain(allowExpunge: true).Should().BeEmpty();
        box.AddJournal(new[] { Entry(JournalCommand.Fetch, 1, 8, MessageFlags.Seen), Entry(JournalCommand.Fetch, 1, 11, MessageFlags.Flagged) });
        box.HasUnreportedFlagChange(1, 11).Should().BeFalse();
        box.HasUnreportedFlagChange(1, 12).Should().BeTrue();
        box.Drain(allowExpunge: true).Should().ContainSingle().Which.ModSeq.Should().Be(11);
    }

    [Fact]
    public void MessagesAddedAndExpungedSinceTheLastReportAreNeverMentioned()
    {
        // RFC 3501 §7.4.1: an EXPUNGE names a message the client knows; §7.3.1: EXISTS the count.
        var box = Open(1, 2);
        box.AddJournal(new[]
        {
            Entry(JournalCommand.Exists, 3, 4),
            Entry(JournalCommand.Fetch, 3, 5, MessageFlags.Deleted),
            Entry(JournalCommand.Expunge, 1, 6),
            Entry(JournalCommand.Expunge, 3, 6),
        });
        box.Drain(allowExpunge: true).Select(u => (u.Kind, u.Number)).Should().Equal((MailboxUpdateKind.Expunge, 1u));
        box.Count.Should().Be(1);
        box.UidAt(1).Should().Be(2);
    }

    [Fact]
    public void MessagesAddedWhileExpungesWaitAreAnnouncedAndExpungedLater()
    {
        var box = Open(1);
        box.AddJournal(new[] { Entry(JournalCommand.Exists, 2, 2), Entry(JournalCommand.Expunge, 2, 3) });
        box.Drain(allowExpunge: false).Select(u => (u.Kind, u.Number)).Should().Equal((MailboxUpdateKind.Exists, 2u));
        box.Drain(allowExpunge: true).Select(u => (u.Kind, u.Number)).Should().Equal((MailboxUpdateKind.Expunge, 2u));
    }

    [Fact]
    public void FlagChangesOfMessagesAddedAndRemovedAreDropped()
    {
        var box = Open(1);
        box.AddJournal(new[] { Entry(JournalCommand.Fetch, 1, 2, MessageFlags.Seen), Entry(JournalCommand.Expunge, 1, 3) });
        box.Drain(allowExpunge: true).Select(u => u.Kind).Should().Equal(MailboxUpdateKind.Expunge);
    }

    [Fact]
    public void OwnExistsAndExpungesKeepTheViewInStep()
    {
        var box = Open(1, 2);
        box.AddOwnExists(3).Should().BeTrue();
        box.AddJournal(new[] { Entry(JournalCommand.Exists, 3, 4) });
        box.Drain(allowExpunge: true).Should().BeEmpty("the session already reported it");
        box.RemoveOwnExpunge(2).Should().Be(2);
        box.AddJournal(new[] { Entry(JournalCommand.Expunge, 2, 5) });
        box.Drain(allowExpunge: true).Should().BeEmpty();
        box.Count.Should().Be(2);
    }

    [Fact]
    public void NewKeywordsProduceAFlagsUpdateFirst()
    {
        var box = Open(1);
        box.AddJournal(new[] { Entry(JournalCommand.Fetch, 1, 2, MessageFlags.None, "$Important") });
        box.Drain(allowExpunge: true).Select(u => u.Kind).Should().Equal(MailboxUpdateKind.Flags, MailboxUpdateKind.Fetch);
        box.Keywords.Should().Contain("$important");
    }

    [Fact]
    public void CountKnownCountsOnlyUidsTheClientKnows()
    {
        var box = Open(3, 4, 5, 9, 10);
        box.CountKnown(UidSet.FromRanges(new[] { new UidRange(1, 4), new UidRange(8, 9) })).Should().Be(3);
        box.CountKnown(UidSet.All).Should().Be(5);
        box.CountKnown(UidSet.FromUids(new uint[] { 6, 7, 11 })).Should().Be(0);
        box.CountKnown(UidSet.Empty).Should().Be(0);
    }

    private static SelectedMailbox Open(params uint[] uids) => new(
        new MailboxSnapshot
        {
            Mailbox = new MailboxRecord { Id = MailboxId.NewId(), User = default, Path = "INBOX", UidValidity = 7, UidNext = 100, HighestModSeq = 1 },
            UidSet = UidSet.FromUids(uids),
        },
        readOnly: false);

    private static JournalEntry Entry(JournalCommand command, uint uid, long modseq, MessageFlags flags = MessageFlags.None, params string[] keywords) => new()
    {
        Id = modseq,
        User = default,
        Mailbox = default,
        ModSeq = modseq,
        Command = command,
        Uid = uid,
        Flags = flags,
        Keywords = keywords,
    };
}
