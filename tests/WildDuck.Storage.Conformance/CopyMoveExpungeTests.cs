// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Copy_assigns_new_uids_in_order_and_leaves_the_source_unchanged()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await AppendSimpleAsync(user, work, 100);
        for (var i = 1; i <= 4; i++)
        {
            await AppendAsync(user, inbox, Simple(i), i == 3 ? MessageFlags.Flagged : MessageFlags.Seen, null, "$K" + i);
        }

        var sourceBefore = await ListAsync(user, inbox);
        var inboxBefore = await ReloadAsync(inbox);
        var usedBefore = (await ReloadAsync(user)).StorageUsed;

        var result = await Messages.CopyAsync(user.Id, inbox.Id, Uids(4, 1, 3), work.Id);

        result.UidValidity.Should().Be(work.UidValidity);
        result.SourceUids.Should().Equal(1u, 3u, 4u);
        result.TargetUids.Should().Equal(2u, 3u, 4u);
        (await ListAsync(user, inbox)).Should().BeEquivalentTo(sourceBefore, SameInstant, "the source is unchanged");
        (await ReloadAsync(inbox)).HighestModSeq.Should().Be(inboxBefore.HighestModSeq);
        for (var i = 0; i < 3; i++)
        {
            var source = sourceBefore.Single(m => m.Uid == result.SourceUids[i]);
            var copy = await GetAsync(user, work, result.TargetUids[i]);
            copy.Flags.Should().Be(source.Flags);
            copy.Keywords.Should().BeEquivalentTo(source.Keywords);
            copy.InternalDate.Should().Be(source.InternalDate);
            copy.Size.Should().Be(source.Size);
            copy.Id.Should().NotBe(source.Id, "a copy is a new message");
            (await ReadMessageAsync(user, work, copy.Uid)).Should().Equal(Simple((int)source.Uid));
        }

        var target = await ReloadAsync(work);
        target.MessageCount.Should().Be(4);
        target.UidNext.Should().Be(5);
        target.UnseenCount.Should().Be(2, "the copied \\Flagged message and the original Work message are unseen");
        (await ReloadAsync(user)).StorageUsed.Should().Be(usedBefore + sourceBefore.Where(m => m.Uid != 2).Sum(m => m.Size));
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task Copy_adds_attachment_references_without_storing_the_bytes_again()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var raw = WithAttachment(1).ToBytes();
        await AppendAsync(user, inbox, raw);
        var before = await Backend.Attachments.GetStatisticsAsync();

        await Messages.CopyAsync(user.Id, inbox.Id, Uids(1), work.Id);

        var after = await Backend.Attachments.GetStatisticsAsync();
        after.Attachments.Should().Be(before.Attachments);
        after.StoredBytes.Should().Be(before.StoredBytes);
        after.ReferencedBytes.Should().Be(2 * before.ReferencedBytes);
        (await ReadMessageAsync(user, work, 1)).Should().Equal(raw);
    }

    [SkippableFact]
    public async Task Copy_over_quota_is_OverQuota_and_copies_nothing()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var first = await AppendSimpleAsync(user, inbox, 1);
        var second = await AppendSimpleAsync(user, inbox, 2);
        await Users.UpdateUserAsync(user.Id, new UserUpdate { Quota = first.Size + second.Size + 10 });

        await ShouldFailWithAsync(() => Messages.CopyAsync(user.Id, inbox.Id, Uids(1, 2), work.Id), StorageError.OverQuota);

        (await ReloadAsync(work)).MessageCount.Should().Be(0);
        (await ListAsync(user, work)).Should().BeEmpty();
        (await ReloadAsync(user)).StorageUsed.Should().Be(first.Size + second.Size);
    }

    [SkippableFact]
    public async Task Move_transfers_messages_atomically_and_keeps_quota()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        for (var i = 1; i <= 4; i++)
        {
            await AppendSimpleAsync(user, inbox, i, i == 2 ? MessageFlags.Seen : MessageFlags.None);
        }

        var usedBefore = (await ReloadAsync(user)).StorageUsed;
        var sourceModSeqBefore = (await ReloadAsync(inbox)).HighestModSeq;

        var result = await Messages.MoveAsync(user.Id, inbox.Id, Uids(2, 3), work.Id);

        result.SourceUids.Should().Equal(2u, 3u);
        result.TargetUids.Should().Equal(1u, 2u);
        result.UidValidity.Should().Be(work.UidValidity);
        (await UidsAsync(user, inbox)).Should().Equal(1u, 4u);
        (await UidsAsync(user, work)).Should().Equal(1u, 2u);
        (await GetAsync(user, work, 1)).Flags.Should().Be(MessageFlags.Seen);
        (await ReadMessageAsync(user, work, 2)).Should().Equal(Simple(3));
        var source = await ReloadAsync(inbox);
        source.MessageCount.Should().Be(2);
        source.UnseenCount.Should().Be(2);
        source.HighestModSeq.Should().BeGreaterThan(sourceModSeqBefore, "the source's expunges take a MODSEQ");
        var target = await ReloadAsync(work);
        target.MessageCount.Should().Be(2);
        target.UnseenCount.Should().Be(1);
        (await ReloadAsync(user)).StorageUsed.Should().Be(usedBefore);
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task Move_journals_expunges_in_the_source_and_exists_in_the_target()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);
        var since = (await ReloadAsync(inbox)).HighestModSeq;

        await Messages.MoveAsync(user.Id, inbox.Id, Uids(1, 2), work.Id);

        var sourceEntries = await Backend.Journal.ReadSinceAsync(user.Id, inbox.Id, since);
        sourceEntries.Where(e => e.Command == JournalCommand.Expunge).Select(e => e.Uid).Should().BeEquivalentTo(new[] { 1u, 2u });
        var targetEntries = await Backend.Journal.ReadSinceAsync(user.Id, work.Id, 0);
        targetEntries.Where(e => e.Command == JournalCommand.Exists).Select(e => e.Uid).Should().BeEquivalentTo(new[] { 1u, 2u });
    }

    [SkippableFact]
    public async Task Expunge_removes_only_deleted_messages_in_ascending_uid_order()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var sizes = new Dictionary<uint, long>();
        for (var i = 1; i <= 5; i++)
        {
            var r = await AppendSimpleAsync(user, inbox, i * 11, i is 2 or 4 or 5 ? MessageFlags.Deleted : MessageFlags.None);
            sizes[r.Uid] = r.Size;
        }

        var expunged = await Messages.ExpungeAsync(user.Id, inbox.Id);

        expunged.Should().Equal(new ExpungedMessage(2, sizes[2]), new ExpungedMessage(4, sizes[4]), new ExpungedMessage(5, sizes[5]));
        (await UidsAsync(user, inbox)).Should().Equal(1u, 3u);
        (await ReloadAsync(user)).StorageUsed.Should().Be(sizes[1] + sizes[3]);
        (await Messages.ExpungeAsync(user.Id, inbox.Id)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task UID_EXPUNGE_removes_only_deleted_messages_within_the_set()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        for (var i = 1; i <= 4; i++)
        {
            await AppendSimpleAsync(user, inbox, i, i == 1 ? MessageFlags.None : MessageFlags.Deleted);
        }

        var expunged = await Messages.ExpungeAsync(user.Id, inbox.Id, Uids(1, 2, 3));

        expunged.Select(e => e.Uid).Should().Equal(2u, 3u);
        (await UidsAsync(user, inbox)).Should().Equal(1u, 4u);
    }

    [SkippableFact]
    public async Task DeleteMessages_removes_messages_regardless_of_flags()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        for (var i = 1; i <= 3; i++)
        {
            await AppendSimpleAsync(user, inbox, i);
        }

        var deleted = await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(1, 3, 9));

        deleted.Select(d => d.Uid).Should().Equal(1u, 3u);
        (await UidsAsync(user, inbox)).Should().Equal(2u);
        (await ReloadAsync(inbox)).MessageCount.Should().Be(1);
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task UIDs_are_never_reused_after_expunge()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        for (var i = 1; i <= 3; i++)
        {
            await AppendSimpleAsync(user, inbox, i);
        }

        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, UidSet.All);
        var next = await AppendSimpleAsync(user, inbox, 4);

        next.Uid.Should().Be(4);
        (await ReloadAsync(inbox)).UidNext.Should().Be(5);
        (await Mailboxes.OpenAsync(user.Id, inbox.Id))!.Uids.Should().Equal(4u);
    }

    [SkippableFact]
    public async Task Appending_over_quota_is_OverQuota_and_stores_nothing()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var first = await AppendSimpleAsync(user, inbox, 1);
        await Users.UpdateUserAsync(user.Id, new UserUpdate { Quota = first.Size + 10 });
        var before = await ReloadAsync(inbox);

        await ShouldFailWithAsync(() => AppendSimpleAsync(user, inbox, 2), StorageError.OverQuota);

        var after = await ReloadAsync(inbox);
        after.MessageCount.Should().Be(1);
        after.UidNext.Should().Be(before.UidNext);
        after.HighestModSeq.Should().Be(before.HighestModSeq);
        (await ReloadAsync(user)).StorageUsed.Should().Be(first.Size);
        (await UidsAsync(user, inbox)).Should().Equal(1u);
    }

    [SkippableFact]
    public async Task Appending_without_quota_enforcement_may_exceed_the_quota()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var first = await AppendSimpleAsync(user, inbox, 1);
        await Users.UpdateUserAsync(user.Id, new UserUpdate { Quota = first.Size + 10 });

        var second = await Messages.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Simple(2), EnforceQuota = false });

        second.Uid.Should().Be(2);
        (await ReloadAsync(user)).StorageUsed.Should().Be(first.Size + second.Size);
    }

    [SkippableFact]
    public async Task Expunging_frees_quota_for_new_appends()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var first = await AppendSimpleAsync(user, inbox, 1);
        await Users.UpdateUserAsync(user.Id, new UserUpdate { Quota = first.Size + 10 });
        await ShouldFailWithAsync(() => AppendSimpleAsync(user, inbox, 2), StorageError.OverQuota);

        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(1));

        (await AppendSimpleAsync(user, inbox, 2)).Uid.Should().Be(2);
    }

    [SkippableFact]
    public async Task An_oversized_message_is_refused_with_MessageLimitExceeded_and_nothing_is_stored()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBackendWithAsync(o => o.Messages.MaxMessageSize = 2000);
        var user = await CreateUserAsync(backend, "alice");
        var inbox = await InboxAsync(backend, user);
        var small = new TestMessage { Body = "small\n" }.ToBytes();
        var big = new TestMessage { Body = new string('x', 70) + "\n" + string.Concat(Enumerable.Repeat(new string('y', 70) + "\n", 40)) }.ToBytes();

        (await AppendAsync(backend, user, inbox, small)).Uid.Should().Be(1);
        var failure = await backend.Invoking(b => AppendAsync(b, user, inbox, big)).Should().ThrowAsync<MessageLimitExceededException>();

        failure.Which.Limit.Should().Be(MessageLimit.Size);
        failure.Which.Error.Should().Be(StorageError.TooBig);
        failure.Which.Maximum.Should().Be(2000);
        (await backend.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(1);
        (await backend.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(small.Length);
        (await ListAsync(backend, user, inbox)).Should().ContainSingle();
    }

    [SkippableFact]
    public async Task The_size_limit_applies_after_CRLF_normalisation()
    {
        SkipIfUnavailable();
        var message = new TestMessage { Body = string.Concat(Enumerable.Repeat("z\n", 200)), BareLineFeeds = true };
        var lf = message.ToBytes();
        var crlf = (message with { BareLineFeeds = false }).ToBytes();
        var limit = lf.Length + ((crlf.Length - lf.Length) / 2);
        await using var backend = await CreateBackendWithAsync(o => o.Messages.MaxMessageSize = limit);
        var user = await CreateUserAsync(backend, "alice");
        var inbox = await InboxAsync(backend, user);

        await backend.Invoking(b => AppendAsync(b, user, inbox, lf)).Should().ThrowAsync<MessageLimitExceededException>(
            "the LF input is {0} bytes, under the {1} limit, but {2} bytes once normalised", lf.Length, limit, crlf.Length);
        (await ListAsync(backend, user, inbox)).Should().BeEmpty();
    }
}
