// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task The_journal_records_every_change_of_a_mailbox_in_order_with_increasing_modseqs()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var first = await AppendSimpleAsync(user, work, 1);
        var second = await AppendSimpleAsync(user, work, 2);
        await StoreAsync(user, work, Uids(1), FlagOperation.Add, MessageFlags.Seen);
        await StoreAsync(user, work, Uids(2), FlagOperation.Add, MessageFlags.Deleted);
        await Messages.ExpungeAsync(user.Id, work.Id);
        await Messages.DeleteMessagesAsync(user.Id, work.Id, Uids(1));
        await Mailboxes.RenameMailboxAsync(user.Id, work.Id, "Jobs");
        await Mailboxes.DeleteMailboxAsync(user.Id, work.Id);

        var entries = (await UserJournalAsync(user)).Where(e => e.Mailbox == work.Id).ToList();

        entries.Select(e => e.Command).Should().Equal(
            JournalCommand.Create,
            JournalCommand.Exists,
            JournalCommand.Exists,
            JournalCommand.Fetch,
            JournalCommand.Fetch,
            JournalCommand.Expunge,
            JournalCommand.Expunge,
            JournalCommand.Rename,
            JournalCommand.Delete);
        entries.Select(e => e.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        entries.Select(e => e.ModSeq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("every change takes a new MODSEQ");
        entries.Should().OnlyContain(e => e.User == user.Id);
        entries[0].Path.Should().Be("Work");
        entries[1].Uid.Should().Be(1);
        entries[1].Message.Should().Be(first.Id);
        entries[1].ModSeq.Should().Be(first.ModSeq);
        entries[2].Uid.Should().Be(2);
        entries[2].Message.Should().Be(second.Id);
        entries[3].Uid.Should().Be(1);
        entries[3].Flags.Should().Be(MessageFlags.Seen);
        entries[4].Flags.Should().Be(MessageFlags.Deleted);
        entries[5].Uid.Should().Be(2);
        entries[5].Message.Should().Be(second.Id);
        entries[6].Uid.Should().Be(1);
        entries[7].Path.Should().Be("Jobs");
    }

    [SkippableFact]
    public async Task ReadSince_returns_only_entries_newer_than_the_given_modseq()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        var second = await AppendSimpleAsync(user, inbox, 2);
        var third = await AppendSimpleAsync(user, inbox, 3);
        var other = await Mailboxes.CreateMailboxAsync(user.Id, "Other");
        await AppendSimpleAsync(user, other, 4);

        var newer = await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, second.ModSeq);

        newer.Should().ContainSingle();
        newer[0].Command.Should().Be(JournalCommand.Exists);
        newer[0].Uid.Should().Be(third.Uid);
        newer[0].Mailbox.Should().Be(inbox.Id);
        (await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, third.ModSeq)).Should().BeEmpty();
        var all = await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, 0);
        all.Where(e => e.Command == JournalCommand.Exists).Select(e => e.Uid).Should().Equal(1u, 2u, 3u);
        all.Should().OnlyContain(e => e.Mailbox == inbox.Id);
    }

    [SkippableFact]
    public async Task A_FETCH_entry_carries_the_messages_new_modseq_and_flags()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        var before = (await ReloadAsync(inbox)).HighestModSeq;

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.Flagged, "$Later");

        var message = await GetAsync(user, inbox, 1);
        var fetch = (await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, before)).Should().ContainSingle().Which;
        fetch.Command.Should().Be(JournalCommand.Fetch);
        fetch.Uid.Should().Be(1);
        fetch.ModSeq.Should().Be(message.ModSeq);
        fetch.Flags.Should().Be(MessageFlags.Flagged);
        fetch.Keywords.Should().Equal("$Later");
        fetch.Message.Should().Be(message.Id);
    }

    [SkippableFact]
    public async Task ReadUser_pages_by_entry_id_across_mailboxes()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, work, 2);
        await AppendSimpleAsync(user, inbox, 3);
        var (bob, bobInbox) = await UserWithInboxAsync("bob");
        await AppendSimpleAsync(bob, bobInbox, 4);

        var all = await UserJournalAsync(user);
        var firstPage = await Backend.Journal.ReadUserAsync(user.Id, 0, 2);
        var rest = await Backend.Journal.ReadUserAsync(user.Id, firstPage[^1].Id, 1000);

        firstPage.Should().HaveCount(2);
        firstPage.Concat(rest).Select(e => e.Id).Should().Equal(all.Select(e => e.Id));
        all.Should().OnlyContain(e => e.User == user.Id);
        all.Where(e => e.Command == JournalCommand.Exists).Select(e => (e.Mailbox, e.Uid)).Should().Equal(
            (inbox.Id, 1u), (work.Id, 1u), (inbox.Id, 2u));
    }

    [SkippableFact]
    public async Task GetLatestUserId_is_the_users_newest_entry_or_zero()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var (bob, bobInbox) = await UserWithInboxAsync("bob");
        (await Backend.Journal.GetLatestUserIdAsync(user.Id)).Should().Be(
            (await UserJournalAsync(user)).Select(e => e.Id).DefaultIfEmpty(0).Last(), "before any change it is the newest entry there is, or 0");

        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);
        var latest = await Backend.Journal.GetLatestUserIdAsync(user.Id);
        latest.Should().Be((await UserJournalAsync(user))[^1].Id);
        (await Backend.Journal.ReadUserAsync(user.Id, latest, 10)).Should().BeEmpty();

        // Another user's later entries do not move it; its own next change is read after it.
        await AppendSimpleAsync(bob, bobInbox, 3);
        (await Backend.Journal.GetLatestUserIdAsync(user.Id)).Should().Be(latest);
        await AppendSimpleAsync(user, inbox, 4);
        var next = await Backend.Journal.ReadUserAsync(user.Id, latest, 10);
        next.Should().ContainSingle().Which.Command.Should().Be(JournalCommand.Exists);
        (await Backend.Journal.GetLatestUserIdAsync(user.Id)).Should().Be(next[0].Id);
    }

    [SkippableFact]
    public async Task Prune_deletes_entries_older_than_the_cutoff_only()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);
        var count = (await UserJournalAsync(user)).Count;

        (await Backend.Journal.PruneAsync(DateTimeOffset.UtcNow.AddDays(-1))).Should().Be(0);
        (await UserJournalAsync(user)).Should().HaveCount(count);

        (await Backend.Journal.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(5))).Should().BeGreaterThanOrEqualTo(count);
        (await UserJournalAsync(user)).Should().BeEmpty();
        (await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, 0)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_subscriber_is_woken_after_append_store_and_expunge_of_its_user()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        using var signal = new SemaphoreSlim(0);
        using var subscription = Backend.Notifier.Subscribe(user.Id, () => signal.Release());

        await AppendSimpleAsync(user, inbox, 1);
        (await signal.WaitAsync(NotifyTimeout)).Should().BeTrue("an append wakes the user's subscribers");
        await Drain(signal);

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.Deleted);
        (await signal.WaitAsync(NotifyTimeout)).Should().BeTrue("a flag change wakes the user's subscribers");
        await Drain(signal);

        await Messages.ExpungeAsync(user.Id, inbox.Id);
        (await signal.WaitAsync(NotifyTimeout)).Should().BeTrue("an expunge wakes the user's subscribers");
    }

    [SkippableFact]
    public async Task A_subscriber_is_not_woken_by_changes_of_other_users()
    {
        SkipIfUnavailable();
        var (alice, aliceInbox) = await UserWithInboxAsync("alice");
        var bob = await CreateUserAsync("bob");
        var bobCalls = 0;
        using var aliceSignal = new SemaphoreSlim(0);
        using var bobSubscription = Backend.Notifier.Subscribe(bob.Id, () => Interlocked.Increment(ref bobCalls));
        using var aliceSubscription = Backend.Notifier.Subscribe(alice.Id, () => aliceSignal.Release());

        await AppendSimpleAsync(alice, aliceInbox, 1);
        await StoreAsync(alice, aliceInbox, Uids(1), FlagOperation.Add, MessageFlags.Seen);

        (await aliceSignal.WaitAsync(NotifyTimeout)).Should().BeTrue();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Volatile.Read(ref bobCalls).Should().Be(0);
    }

    [SkippableFact]
    public async Task A_disposed_subscription_is_no_longer_called()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var disposedCalls = 0;
        var subscription = Backend.Notifier.Subscribe(user.Id, () => Interlocked.Increment(ref disposedCalls));
        subscription.Dispose();
        using var witness = new SemaphoreSlim(0);
        using var witnessSubscription = Backend.Notifier.Subscribe(user.Id, () => witness.Release());

        await AppendSimpleAsync(user, inbox, 1);

        (await witness.WaitAsync(NotifyTimeout)).Should().BeTrue();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Volatile.Read(ref disposedCalls).Should().Be(0);
    }

    [SkippableFact]
    public async Task NotifyAsync_wakes_the_users_subscribers()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        using var signal = new SemaphoreSlim(0);
        using var subscription = Backend.Notifier.Subscribe(user.Id, () => signal.Release());

        await Backend.Notifier.NotifyAsync(user.Id);

        (await signal.WaitAsync(NotifyTimeout)).Should().BeTrue();
    }

    private static async Task Drain(SemaphoreSlim signal)
    {
        // Let late wake-ups of the previous step arrive, then forget them.
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        while (signal.CurrentCount > 0)
        {
            await signal.WaitAsync();
        }
    }
}
