// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.MongoMailStore;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// How large COPY/MOVE/EXPUNGE/deletions are cut into transactions of at most
/// <see cref="MongoStorageOptions.MaxMessagesPerTransaction"/> messages, and what each batch writes.
/// </summary>
public sealed class TransactionBatchTests
{
    private static readonly ObjectId User = ObjectId.Parse("65a1b2c3d4e5f60718293a4e");
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private static readonly byte[] FileA = Enumerable.Repeat((byte)0xA1, 32).ToArray();
    private static readonly byte[] FileB = Enumerable.Repeat((byte)0xB2, 32).ToArray();

    [Fact]
    public void The_remaining_range_starts_after_the_last_uid_handled_and_ends_with_the_set()
    {
        var set = UidSet.FromRanges(new[] { new UidRange(5, 9), new UidRange(20, 30) });

        TransactionBatches.Remaining(set, 0).Should().Be(new UidRange(5, 30));
        TransactionBatches.Remaining(set, 7).Should().Be(new UidRange(8, 30));
        TransactionBatches.Remaining(set, 12).Should().Be(new UidRange(13, 30), "a gap between ranges is filtered by the set, not by the range");
        TransactionBatches.Remaining(set, 29).Should().Be(new UidRange(30, 30));
        TransactionBatches.Remaining(set, 30).Should().BeNull();
        TransactionBatches.Remaining(UidSet.All, uint.MaxValue).Should().BeNull("no UID follows the largest one");
        TransactionBatches.Remaining(UidSet.Empty, 0).Should().BeNull();
    }

    [Fact]
    public void A_copy_or_move_never_reaches_uids_at_or_above_the_source_uidnext_of_its_first_batch()
    {
        // COPY 1:* into the source mailbox itself: the copies (UID 11 and up) are not copied again.
        TransactionBatches.Remaining(UidSet.All, 0, below: 11).Should().Be(new UidRange(1, 10));
        TransactionBatches.Remaining(UidSet.All, 10, below: 11).Should().BeNull();
        TransactionBatches.Remaining(UidSet.FromUids(new uint[] { 3, 40 }), 0, below: 11).Should().Be(new UidRange(3, 10));
        TransactionBatches.Remaining(UidSet.All, 0, below: 1).Should().BeNull("an empty mailbox has UIDNEXT 1");
    }

    [Fact]
    public void Collecting_keeps_the_order_takes_only_uids_of_the_set_and_stops_at_the_limit()
    {
        var set = UidSet.FromUids(new uint[] { 2, 3, 5, 8, 9, 10 });
        var into = new List<uint>();

        TransactionBatches.Collect(new uint[] { 1, 2, 3, 4 }, u => u, set, 4, into).Should().BeFalse("a page that does not fill the batch asks for the next page");
        TransactionBatches.Collect(new uint[] { 5, 6, 7, 8, 9, 10 }, u => u, set, 4, into).Should().BeTrue();

        into.Should().Equal(2u, 3u, 5u, 8u);
    }

    [Fact]
    public void Cutting_a_read_of_size_plus_one_tells_whether_another_batch_follows()
    {
        var (batch, more) = TransactionBatches.Cut(new List<int> { 1, 2, 3 }, 3);
        batch.Should().Equal(1, 2, 3);
        more.Should().BeFalse("everything fits in one transaction, as before batching existed");

        (batch, more) = TransactionBatches.Cut(new List<int> { 1, 2, 3, 4 }, 3);
        batch.Should().Equal(1, 2, 3);
        more.Should().BeTrue();

        FluentActions.Invoking(() => TransactionBatches.Cut(new List<int>(), 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(1000, 2500, 3)]
    [InlineData(1000, 1000, 1)]
    [InlineData(1000, 1001, 2)]
    [InlineData(1, 5, 5)]
    [InlineData(7, 0, 0)]
    public void A_sparse_uid_set_over_a_mailbox_is_split_in_order_into_full_batches_and_a_last_one(int size, int wanted, int expectedBatches)
    {
        // A mailbox of 3 * wanted UIDs with gaps (every third UID expunged); the set asks for every
        // other existing message, spread over many ranges.
        var mailbox = Enumerable.Range(1, 3 * wanted).Where(u => u % 3 != 0).Select(u => (uint)u).ToList();
        var expected = mailbox.Where((_, i) => i % 2 == 0).Take(wanted).ToList();
        var set = UidSet.FromUids(expected);

        var batches = Plan(mailbox, set, size);

        batches.Should().HaveCount(expectedBatches);
        batches.SelectMany(b => b).Should().Equal(expected, "every message once, in ascending UID order");
        batches.Take(Math.Max(0, batches.Count - 1)).Where(b => b.Count != size).Should().BeEmpty("every batch but the last is full");
        batches.Where(b => b.Count < 1 || b.Count > size).Should().BeEmpty();
    }

    [Fact]
    public void Each_batch_releases_exactly_its_own_messages_counters_quota_and_attachment_references()
    {
        // 7 messages: sizes 100..700, every third \Seen, the even ones reference file A, UID 5 also file B.
        var rows = Enumerable.Range(1, 7).Select(n => new MessageRow(
            ObjectId.GenerateNewId(),
            (uint)n,
            n,
            n % 3 == 0 ? MessageFlags.Seen : MessageFlags.None,
            Array.Empty<string>(),
            n * 100,
            n % 2 == 0 ? new List<byte[]> { FileA } : n == 5 ? new List<byte[]> { FileA, FileB } : new List<byte[]>(),
            n * 11,
            Array.Empty<string>())).ToList();
        var batches = Plan(rows.Select(r => r.Uid).ToList(), UidSet.All, 3).Select(b => b.Select(uid => rows[(int)uid - 1]).ToList()).ToList();

        batches.Select(b => b.Select(r => r.Uid)).Should().BeEquivalentTo(new[] { new uint[] { 1, 2, 3 }, new uint[] { 4, 5, 6 }, new uint[] { 7 } }, o => o.WithStrictOrdering());

        Release.Of(batches[0]).MailboxUpdate.Render()
            .ShouldRenderAs("{ $inc: { messages: NumberLong(-3), unseen: NumberLong(-2), size: NumberLong(-600) } }");
        Release.Of(batches[0]).QuotaUpdate.Render().ShouldRenderAs("{ $inc: { storageUsed: NumberLong(-600) } }");
        Release.Of(batches[1]).MailboxUpdate.Render()
            .ShouldRenderAs("{ $inc: { messages: NumberLong(-3), unseen: NumberLong(-2), size: NumberLong(-1500) } }");
        Release.Of(batches[1]).QuotaUpdate.Render().ShouldRenderAs("{ $inc: { storageUsed: NumberLong(-1500) } }");
        Release.Of(batches[2]).MailboxUpdate.Render()
            .ShouldRenderAs("{ $inc: { messages: NumberLong(-1), unseen: NumberLong(-1), size: NumberLong(-700) } }");

        // Batch 1 references A once (UID 2); batch 2 references A three times (4, 5, 6) and B once (5).
        var first = ReferenceUpdates(batches[0]);
        first.Should().ContainSingle();
        first[0].ShouldRenderAs("{ $inc: { 'metadata.c': NumberLong(-1), 'metadata.m': NumberLong(-22) }, $set: { 'metadata.cu': ISODate('2026-01-02T03:04:05.678Z') } }");
        var second = ReferenceUpdates(batches[1]);
        second.Should().HaveCount(2);
        second[0].ShouldRenderAs("{ $inc: { 'metadata.c': NumberLong(-3), 'metadata.m': NumberLong(-165) }, $set: { 'metadata.cu': ISODate('2026-01-02T03:04:05.678Z') } }");
        second[1].ShouldRenderAs("{ $inc: { 'metadata.c': NumberLong(-1), 'metadata.m': NumberLong(-55) }, $set: { 'metadata.cu': ISODate('2026-01-02T03:04:05.678Z') } }");
        ReferenceUpdates(batches[2]).Should().BeEmpty();

        // Together the batches release what one transaction over all the messages would.
        var all = Release.Of(rows);
        batches.Sum(b => Release.Of(b).Messages).Should().Be(all.Messages);
        batches.Sum(b => Release.Of(b).Unseen).Should().Be(all.Unseen);
        batches.Sum(b => Release.Of(b).Size).Should().Be(all.Size);
        batches.Sum(b => References(b).Count).Should().Be(References(rows).Count);
    }

    [Fact]
    public void The_user_deletion_decides_on_batches_by_counting_the_users_messages()
    {
        MessagesOfUser(User).Render().ShouldRenderAs("{ user: ObjectId('65a1b2c3d4e5f60718293a4e') }");
    }

    /// <summary>The batches the store runs: each reads after the last UID handled, size + 1 rows, and cuts.</summary>
    private static List<List<uint>> Plan(List<uint> mailbox, UidSet set, int size)
    {
        var batches = new List<List<uint>>();
        uint after = 0;
        while (TransactionBatches.Remaining(set, after) is { } range)
        {
            var read = new List<uint>();
            TransactionBatches.Collect(mailbox.Where(u => u >= range.First && u <= range.Last), u => u, set, size + 1, read);
            var (batch, more) = TransactionBatches.Cut(read, size);
            if (batch.Count > 0)
            {
                batches.Add(batch);
            }

            if (!more)
            {
                break;
            }

            after = batch[^1];
        }

        return batches;
    }

    private static List<BsonDocument> ReferenceUpdates(List<MessageRow> batch) =>
        GridFsAttachments.Group(References(batch)).Select(g => GridFsAttachments.ReferenceUpdate(-g.Count, -g.Magic, Now).Render()).ToList();
}
