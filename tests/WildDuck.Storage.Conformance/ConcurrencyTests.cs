// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Concurrent_appends_to_one_mailbox_get_distinct_consecutive_uids()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        const int Writers = 8;
        const int PerWriter = 25;

        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var results = new List<AppendResult>();
            for (var i = 0; i < PerWriter; i++)
            {
                results.Add(await AppendSimpleAsync(user, inbox, (w * 1000) + i));
            }

            return results;
        })).ToArray();
        var all = (await Task.WhenAll(tasks)).SelectMany(r => r).ToList();

        all.Select(r => r.Uid).Should().BeEquivalentTo(Enumerable.Range(1, Writers * PerWriter).Select(i => (uint)i));
        all.Select(r => r.ModSeq).Should().OnlyHaveUniqueItems();
        foreach (var writer in tasks)
        {
            (await writer).Select(r => r.Uid).Should().BeInAscendingOrder("one writer's appends are ordered");
        }

        var mailbox = await ReloadAsync(inbox);
        mailbox.MessageCount.Should().Be(Writers * PerWriter);
        mailbox.UidNext.Should().Be((uint)(Writers * PerWriter) + 1);
        mailbox.HighestModSeq.Should().Be(all.Max(r => r.ModSeq));
        (await Mailboxes.OpenAsync(user.Id, inbox.Id))!.Uids.Should().HaveCount(Writers * PerWriter).And.BeInAscendingOrder();
        (await ReloadAsync(user)).StorageUsed.Should().Be(all.Sum(r => r.Size));
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task Concurrent_flag_updates_lose_no_change()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        for (var i = 1; i <= 10; i++)
        {
            await AppendSimpleAsync(user, inbox, i);
        }

        var keywords = Enumerable.Range(1, 8).Select(i => "$Writer" + i).ToArray();
        await Task.WhenAll(keywords.Select(k => Task.Run(() => StoreAsync(user, inbox, UidSet.All, FlagOperation.Add, MessageFlags.None, k))));

        var messages = await ListAsync(user, inbox);
        messages.Should().HaveCount(10);
        messages.Should().OnlyContain(m => m.Keywords.Count == keywords.Length, "every writer's keyword is kept");
        var journal = await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, 0);
        journal.Where(e => e.Command == JournalCommand.Fetch).Select(e => e.ModSeq).Distinct().Should().HaveCount(keywords.Length, "each STORE took its own MODSEQ");
    }

    [SkippableFact]
    public async Task The_store_is_consistent_after_a_mixed_workload()
    {
        SkipIfUnavailable();
        var (alice, inbox) = await UserWithInboxAsync("alice");
        var (bob, bobInbox) = await UserWithInboxAsync("bob");
        var work = await Mailboxes.CreateMailboxAsync(alice.Id, "Work");
        var scratch = await Mailboxes.CreateMailboxAsync(alice.Id, "Scratch");
        for (var i = 1; i <= 6; i++)
        {
            await AppendAsync(alice, inbox, i % 2 == 0 ? WithAttachment(i, seed: i % 3).ToBytes() : Simple(i));
            await AppendAsync(bob, bobInbox, WithAttachment(i, seed: 1).ToBytes());
        }

        await Messages.CopyAsync(alice.Id, inbox.Id, Uids(1, 2, 4), work.Id);
        await Messages.MoveAsync(alice.Id, inbox.Id, Uids(3, 6), scratch.Id);
        await Messages.CopyAsync(alice.Id, work.Id, UidSet.All, scratch.Id);
        await StoreAsync(alice, inbox, Uids(1, 2), FlagOperation.Add, MessageFlags.Deleted | MessageFlags.Seen);
        await Messages.ExpungeAsync(alice.Id, inbox.Id);
        await Messages.DeleteMessagesAsync(alice.Id, work.Id, Uids(2));
        await Mailboxes.RenameMailboxAsync(alice.Id, work.Id, "Work2");
        await Mailboxes.DeleteMailboxAsync(alice.Id, scratch.Id);
        await ShouldBeConsistentAsync(Backend);

        await Users.DeleteUserAsync(bob.Id);
        await Backend.Attachments.CollectGarbageAsync(TimeSpan.Zero);

        var report = await Backend.Maintenance.CheckAsync();
        report.Problems.Should().BeEmpty();
        report.Users.Should().Be(1);
        report.Messages.Should().Be((await ListAsync(alice, inbox)).Count + (await ListAsync(alice, work)).Count);
        (await Backend.Attachments.GetStatisticsAsync()).Unreferenced.Should().Be(0);
    }
}
