// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

/// <summary>
/// Operations over more messages than one transaction of a batching backend holds
/// (<see cref="StorageConformanceTests.CreateBatchingBackendAsync"/> with 3 messages per
/// transaction): the end state, the counters, quota, attachment references and the journal must be
/// the same as when everything runs in one transaction.
/// </summary>
public abstract partial class StorageConformanceTests
{
    /// <summary>Messages per transaction of the batching backend: 8 messages make batches of 3, 3 and 2.</summary>
    private const int SmallBatch = 3;

    [SkippableFact]
    public async Task Moving_more_messages_than_one_batch_moves_them_all_with_uids_in_order_and_counters_that_add_up()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var (user, inbox, sizes) = await FillAsync(backend);
        var archive = await backend.Mailboxes.CreateMailboxAsync(user.Id, "Archive");
        var statistics = await backend.Attachments.GetStatisticsAsync();
        var moving = new uint[] { 1, 2, 3, 4, 6, 7, 8 };

        var result = await backend.Messages.MoveAsync(user.Id, inbox.Id, Uids(8, 7, 6, 4, 3, 2, 1), archive.Id);

        result.UidValidity.Should().Be(archive.UidValidity);
        result.SourceUids.Should().Equal(moving);
        result.TargetUids.Should().Equal(1u, 2u, 3u, 4u, 5u, 6u, 7u);
        (await ListAsync(backend, user, inbox)).Select(m => m.Uid).Should().Equal(5u);
        var moved = await ListAsync(backend, user, archive);
        moved.Select(m => m.Size).Should().Equal(moving.Select(uid => sizes[uid]));
        for (var i = 0; i < moving.Length; i++)
        {
            (await ReadMessageAsync(backend, user, archive, result.TargetUids[i])).Should().Equal(Filled((int)moving[i]));
        }

        await CountersShouldBeAsync(backend, user, inbox, [5], sizes);
        await CountersShouldBeAsync(backend, user, archive, moving, sizes, uid => moving[uid - 1]);
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(sizes.Values.Sum(), "a move changes no quota");
        (await backend.Attachments.GetStatisticsAsync()).ReferencedBytes.Should().Be(statistics.ReferencedBytes, "a move changes no attachment reference");
        var journal = await JournalOfAsync(backend, user);
        journal.Where(e => e.Mailbox == inbox.Id && e.Command == JournalCommand.Expunge).Select(e => e.Uid).Should().Equal(moving);
        journal.Where(e => e.Mailbox == archive.Id && e.Command == JournalCommand.Exists).Select(e => e.Uid).Should().Equal(1u, 2u, 3u, 4u, 5u, 6u, 7u);
        await ShouldBeConsistentAsync(backend);
    }

    [SkippableFact]
    public async Task Copying_more_messages_than_one_batch_copies_them_all_and_takes_quota_and_references_once_each()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var (user, inbox, sizes) = await FillAsync(backend);
        var archive = await backend.Mailboxes.CreateMailboxAsync(user.Id, "Archive");
        var statistics = await backend.Attachments.GetStatisticsAsync();

        var result = await backend.Messages.CopyAsync(user.Id, inbox.Id, UidSet.All, archive.Id);

        result.SourceUids.Should().Equal(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u);
        result.TargetUids.Should().Equal(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u);
        for (uint uid = 1; uid <= 8; uid++)
        {
            (await ReadMessageAsync(backend, user, archive, uid)).Should().Equal(Filled((int)uid));
        }

        await CountersShouldBeAsync(backend, user, inbox, sizes.Keys.ToArray(), sizes);
        await CountersShouldBeAsync(backend, user, archive, sizes.Keys.ToArray(), sizes);
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(2 * sizes.Values.Sum());
        var after = await backend.Attachments.GetStatisticsAsync();
        after.StoredBytes.Should().Be(statistics.StoredBytes);
        after.ReferencedBytes.Should().Be(2 * statistics.ReferencedBytes);
        (await JournalOfAsync(backend, user)).Where(e => e.Mailbox == archive.Id && e.Command == JournalCommand.Exists).Select(e => e.Uid)
            .Should().Equal(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u);
        await ShouldBeConsistentAsync(backend);
    }

    [SkippableFact]
    public async Task Copying_more_than_one_batch_into_the_source_mailbox_itself_copies_each_message_once()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var (user, inbox, sizes) = await FillAsync(backend);

        var result = await backend.Messages.CopyAsync(user.Id, inbox.Id, UidSet.All, inbox.Id);

        result.SourceUids.Should().Equal(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u);
        result.TargetUids.Should().Equal(9u, 10u, 11u, 12u, 13u, 14u, 15u, 16u);
        var all = await ListAsync(backend, user, inbox);
        all.Select(m => m.Uid).Should().Equal(Enumerable.Range(1, 16).Select(u => (uint)u));
        (await backend.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(16);
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(2 * sizes.Values.Sum());
        await ShouldBeConsistentAsync(backend);
    }

    [SkippableFact]
    public async Task A_copy_of_more_than_one_batch_that_runs_over_quota_part_way_leaves_the_target_as_it_was()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var (user, inbox, sizes) = await FillAsync(backend);
        var archive = await backend.Mailboxes.CreateMailboxAsync(user.Id, "Archive");
        var statistics = await backend.Attachments.GetStatisticsAsync();

        // Room for the first batch of copies but not for all of them.
        await backend.Users.UpdateUserAsync(user.Id, new UserUpdate { Quota = sizes.Values.Sum() + sizes.Values.Take(SmallBatch + 1).Sum() });
        var failure = await backend.Messages.Invoking(m => m.CopyAsync(user.Id, inbox.Id, UidSet.All, archive.Id)).Should().ThrowAsync<StorageException>();

        failure.Which.Error.Should().Be(StorageError.OverQuota);
        (await ListAsync(backend, user, archive)).Should().BeEmpty("RFC 3501 §6.4.7: a failed COPY restores the destination");
        await CountersShouldBeAsync(backend, user, archive, [], sizes);
        await CountersShouldBeAsync(backend, user, inbox, sizes.Keys.ToArray(), sizes);
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(sizes.Values.Sum());
        (await backend.Attachments.GetStatisticsAsync()).ReferencedBytes.Should().Be(statistics.ReferencedBytes);
        await ShouldBeConsistentAsync(backend);
    }

    [SkippableFact]
    public async Task Expunging_more_messages_than_one_batch_removes_exactly_the_deleted_ones_and_releases_everything()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var (user, inbox, sizes) = await FillAsync(backend);
        var statistics = await backend.Attachments.GetStatisticsAsync();
        var doomed = new uint[] { 1, 2, 4, 5, 6, 8, 9 }.Where(sizes.ContainsKey).ToArray();
        await backend.Messages.UpdateFlagsAsync(user.Id, inbox.Id, UidSet.FromUids(doomed), new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Deleted });

        // UID EXPUNGE over a range that also holds messages without \Deleted (3, 7).
        var expunged = await backend.Messages.ExpungeAsync(user.Id, inbox.Id, UidSet.All);

        expunged.Select(e => e.Uid).Should().Equal(doomed);
        expunged.Select(e => e.Size).Should().Equal(doomed.Select(uid => sizes[uid]));
        (await ListAsync(backend, user, inbox)).Select(m => m.Uid).Should().Equal(3u, 7u);
        await CountersShouldBeAsync(backend, user, inbox, [3, 7], sizes);
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(sizes[3] + sizes[7]);
        (await backend.Attachments.GetStatisticsAsync()).ReferencedBytes.Should().BeLessThan(statistics.ReferencedBytes);
        (await JournalOfAsync(backend, user)).Where(e => e.Command == JournalCommand.Expunge).Select(e => e.Uid).Should().Equal(doomed);
        await ShouldBeConsistentAsync(backend);
    }

    [SkippableFact]
    public async Task Deleting_a_mailbox_of_more_than_one_batch_removes_it_with_its_quota_and_references()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var user = await CreateUserAsync(backend, "alice");
        var inbox = await InboxAsync(backend, user);
        var kept = await AppendAsync(backend, user, inbox, Simple(100));
        var work = await backend.Mailboxes.CreateMailboxAsync(user.Id, "Work");
        for (var n = 1; n <= 8; n++)
        {
            await AppendAsync(backend, user, work, Filled(n), n % 3 == 0 ? MessageFlags.Seen : MessageFlags.None);
        }

        await backend.Mailboxes.DeleteMailboxAsync(user.Id, work.Id);

        (await backend.Mailboxes.GetMailboxAsync(user.Id, work.Id)).Should().BeNull();
        (await backend.Mailboxes.FindMailboxAsync(user.Id, "Work")).Should().BeNull();
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(kept.Size);
        (await backend.Attachments.GetStatisticsAsync()).ReferencedBytes.Should().Be(0, "only the deleted mailbox held attachments");
        await CountersShouldBeAsync(backend, user, inbox, [1], new Dictionary<uint, long> { [1] = kept.Size });
        (await JournalOfAsync(backend, user)).Should().Contain(e => e.Mailbox == work.Id && e.Command == JournalCommand.Delete);
        await ShouldBeConsistentAsync(backend);
    }

    [SkippableFact]
    public async Task Deleting_a_user_with_more_messages_than_one_batch_removes_the_user_and_every_reference()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBatchingBackendAsync(SmallBatch);
        var (alice, _, _) = await FillAsync(backend);
        var work = await backend.Mailboxes.CreateMailboxAsync(alice.Id, "Work");
        for (var n = 11; n <= 14; n++)
        {
            await AppendAsync(backend, alice, work, Filled(n));
        }

        var bob = await CreateUserAsync(backend, "bob");
        var bobInbox = await InboxAsync(backend, bob);
        var bobs = await AppendAsync(backend, bob, bobInbox, WithAttachment(99, seed: 7).ToBytes());
        var bobsReferences = (await backend.Attachments.GetStatisticsAsync()).ReferencedBytes;

        (await backend.Users.DeleteUserAsync(alice.Id)).Should().BeTrue();

        (await backend.Users.GetUserAsync(alice.Id)).Should().BeNull();
        (await backend.Users.DeleteUserAsync(alice.Id)).Should().BeFalse("the user is gone");
        var after = await backend.Attachments.GetStatisticsAsync();
        after.ReferencedBytes.Should().BeGreaterThan(0).And.BeLessThan(bobsReferences, "only bob's attachment is still referenced");
        (await backend.Users.GetUserAsync(bob.Id))!.StorageUsed.Should().Be(bobs.Size);
        (await ListAsync(backend, bob, bobInbox)).Should().ContainSingle();
        await ShouldBeConsistentAsync(backend);
    }

    /// <summary>Message <paramref name="n"/> of the filled mailboxes: every other one has an attachment, shared by some.</summary>
    private static byte[] Filled(int n) => n % 2 == 0 ? WithAttachment(n, size: 2048, seed: n % 4).ToBytes() : Simple(n);

    /// <summary>A user whose INBOX holds messages 1–8 (every third one \Seen, some with keywords), with their sizes by UID.</summary>
    private static async Task<(UserRecord User, MailboxRecord Inbox, Dictionary<uint, long> Sizes)> FillAsync(IStorageBackend backend)
    {
        var user = await CreateUserAsync(backend, "alice");
        var inbox = await InboxAsync(backend, user);
        var sizes = new Dictionary<uint, long>();
        for (var n = 1; n <= 8; n++)
        {
            var appended = await AppendAsync(backend, user, inbox, Filled(n), n % 3 == 0 ? MessageFlags.Seen : MessageFlags.None, null, n % 4 == 0 ? new[] { "$Batch" + n } : Array.Empty<string>());
            appended.Uid.Should().Be((uint)n);
            sizes[appended.Uid] = appended.Size;
        }

        return (user, inbox, sizes);
    }

    /// <summary>
    /// Asserts a mailbox's message count, unseen count and total size match the messages it holds:
    /// <paramref name="origins"/> are the original UIDs (in <paramref name="sizes"/>) of its messages,
    /// <paramref name="originOf"/> maps a UID of the mailbox to its original UID when they differ.
    /// </summary>
    private static async Task CountersShouldBeAsync(IStorageBackend backend, UserRecord user, MailboxRecord mailbox, uint[] origins, Dictionary<uint, long> sizes, Func<uint, uint>? originOf = null)
    {
        var record = (await backend.Mailboxes.GetMailboxAsync(user.Id, mailbox.Id))!;
        var messages = await ListAsync(backend, user, mailbox);
        messages.Select(m => originOf?.Invoke(m.Uid) ?? m.Uid).Should().Equal(origins);
        record.MessageCount.Should().Be(origins.Length);
        record.TotalSize.Should().Be(origins.Sum(uid => sizes[uid]));
        record.UnseenCount.Should().Be(messages.Count(m => (m.Flags & MessageFlags.Seen) == 0));
    }

    /// <summary>Every journal entry of a user in <paramref name="backend"/>, in journal order.</summary>
    private static async Task<List<JournalEntry>> JournalOfAsync(IStorageBackend backend, UserRecord user)
    {
        var all = new List<JournalEntry>();
        while (true)
        {
            var page = await backend.Journal.ReadUserAsync(user.Id, all.Count == 0 ? 0 : all[^1].Id, 100);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }
}
