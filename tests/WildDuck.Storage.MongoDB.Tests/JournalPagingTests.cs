// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Without transactions, a user's journal page ends before a gap that may still fill.</summary>
public sealed class JournalPagingTests
{
    private static readonly DateTime Now = new(2026, 11, 29, 7, 0, 0, DateTimeKind.Utc);

    private static List<JournalDocument> Page(params (long Seq, double AgeSeconds)[] entries) =>
        entries.Select(e => new JournalDocument { Seq = e.Seq, Created = Now.AddSeconds(-e.AgeSeconds) }).ToList();

    [Fact]
    public void A_contiguous_page_is_returned_whole()
    {
        MongoMailStore.SettledPrefix(Page((5, 0), (6, 0), (7, 0)), afterId: 4, Now, TimeSpan.FromSeconds(2)).Should().Be(3);
    }

    [Fact]
    public void A_fresh_gap_ends_the_page_before_it()
    {
        MongoMailStore.SettledPrefix(Page((5, 0), (7, 0.5), (8, 0.4)), afterId: 4, Now, TimeSpan.FromSeconds(2)).Should().Be(1, "6 may still be being written");
        MongoMailStore.SettledPrefix(Page((6, 0.5)), afterId: 4, Now, TimeSpan.FromSeconds(2)).Should().Be(0, "5 may still be being written");
    }

    [Fact]
    public void An_old_gap_is_passed_and_the_first_page_has_no_gap_before_it()
    {
        MongoMailStore.SettledPrefix(Page((5, 10), (9, 9)), afterId: 4, Now, TimeSpan.FromSeconds(2)).Should().Be(2, "6 to 8 will never come");
        MongoMailStore.SettledPrefix(Page((40, 0), (41, 0)), afterId: 0, Now, TimeSpan.FromSeconds(2)).Should().Be(2, "entries before 40 expired");
    }
}
