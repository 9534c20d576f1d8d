// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Without transactions, a journal read is complete only up to a gap that may still fill.</summary>
public sealed class JournalPagingTests
{
    private static readonly DateTime Now = new(2026, 11, 29, 7, 0, 0, DateTimeKind.Utc);

    private static List<JournalDocument> Seqs(params (long Seq, double AgeSeconds)[] entries) =>
        entries.Select(e => new JournalDocument { Seq = e.Seq, Created = Now.AddSeconds(-e.AgeSeconds) }).ToList();

    private static List<JournalDocument> ModSeqs(params (long ModSeq, double AgeSeconds)[] entries) =>
        entries.Select(e => new JournalDocument { ModSeq = e.ModSeq, Created = Now.AddSeconds(-e.AgeSeconds) }).ToList();

    [Fact]
    public void A_contiguous_page_is_returned_whole()
    {
        MongoMailStore.SettledPrefix(Seqs((5, 0), (6, 0), (7, 0)), after: 4, e => e.Seq, Now, TimeSpan.FromSeconds(2)).Should().Be(3);
    }

    [Fact]
    public void A_fresh_gap_ends_the_page_before_it()
    {
        MongoMailStore.SettledPrefix(Seqs((5, 0), (7, 0.5), (8, 0.4)), after: 4, e => e.Seq, Now, TimeSpan.FromSeconds(2)).Should().Be(1, "6 may still be being written");
        MongoMailStore.SettledPrefix(Seqs((6, 0.5)), after: 4, e => e.Seq, Now, TimeSpan.FromSeconds(2)).Should().Be(0, "5 may still be being written");
    }

    [Fact]
    public void An_old_gap_is_passed_and_the_first_page_has_no_gap_before_it()
    {
        MongoMailStore.SettledPrefix(Seqs((5, 10), (9, 9)), after: 4, e => e.Seq, Now, TimeSpan.FromSeconds(2)).Should().Be(2, "6 to 8 will never come");
        MongoMailStore.SettledPrefix(Seqs((40, 0), (41, 0)), after: 0, e => e.Seq, Now, TimeSpan.FromSeconds(2)).Should().Be(2, "entries before 40 expired");
    }

    [Fact]
    public void Entries_sharing_a_modseq_are_no_gap_but_a_fresh_jump_is()
    {
        MongoMailStore.SettledPrefix(ModSeqs((6, 0), (6, 0), (7, 0)), after: 5, e => e.ModSeq, Now, TimeSpan.FromSeconds(2)).Should().Be(3, "one STORE writes several entries with one MODSEQ");
        MongoMailStore.SettledPrefix(ModSeqs((6, 0), (8, 0.1)), after: 5, e => e.ModSeq, Now, TimeSpan.FromSeconds(2)).Should().Be(1);
    }
}
