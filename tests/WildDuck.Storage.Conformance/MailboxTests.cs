// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task A_created_mailbox_can_be_found_gotten_and_listed_in_path_order()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var archive = await Mailboxes.CreateMailboxAsync(user.Id, "Archive/2024", new CreateMailboxOptions { SpecialUse = SpecialUse.Archive, Subscribed = false });

        work.Path.Should().Be("Work");
        work.User.Should().Be(user.Id);
        work.UidNext.Should().Be(1);
        work.MessageCount.Should().Be(0);
        archive.SpecialUse.Should().Be(SpecialUse.Archive);
        archive.Subscribed.Should().BeFalse();
        (await Mailboxes.FindMailboxAsync(user.Id, "Work"))!.Id.Should().Be(work.Id);
        (await Mailboxes.GetMailboxAsync(user.Id, work.Id))!.Path.Should().Be("Work");
        (await Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Archive))!.Id.Should().Be(archive.Id);
        var paths = (await Mailboxes.ListMailboxesAsync(user.Id)).Select(m => m.Path).ToList();
        paths.Should().Contain(new[] { "Work", "Archive/2024", "INBOX", "Trash" });
        paths.Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    [SkippableFact]
    public async Task Hidden_mailboxes_are_listed_and_keep_their_options()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        var hidden = await Mailboxes.CreateMailboxAsync(user.Id, "Hidden", new CreateMailboxOptions { Hidden = true, Retention = TimeSpan.FromDays(7) });

        hidden.Hidden.Should().BeTrue();
        hidden.Retention.Should().Be(TimeSpan.FromDays(7));
        var listed = (await Mailboxes.ListMailboxesAsync(user.Id)).Should().ContainSingle(m => m.Path == "Hidden").Which;
        listed.Hidden.Should().BeTrue();
        listed.Id.Should().Be(hidden.Id);
    }

    [SkippableFact]
    public async Task INBOX_is_found_case_insensitively_and_other_paths_exactly()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var inbox = await InboxAsync(user);
        await Mailboxes.CreateMailboxAsync(user.Id, "Work");

        (await Mailboxes.FindMailboxAsync(user.Id, "inbox"))!.Id.Should().Be(inbox.Id);
        (await Mailboxes.FindMailboxAsync(user.Id, "InBoX"))!.Id.Should().Be(inbox.Id);
        (await Mailboxes.FindMailboxAsync(user.Id, "Missing")).Should().BeNull();
        (await Mailboxes.FindMailboxAsync(user.Id, "work")).Should().BeNull("only INBOX is case-insensitive (RFC 3501 §5.1)");
    }

    [SkippableFact]
    public async Task Mailboxes_of_another_user_are_invisible()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var work = await Mailboxes.CreateMailboxAsync(alice.Id, "Work");

        (await Mailboxes.GetMailboxAsync(bob.Id, work.Id)).Should().BeNull();
        (await Mailboxes.FindMailboxAsync(bob.Id, "Work")).Should().BeNull();
        (await Mailboxes.OpenAsync(bob.Id, work.Id)).Should().BeNull();
        (await Mailboxes.ListMailboxesAsync(bob.Id)).Should().HaveCount(5);
    }

    [SkippableTheory]
    [InlineData("Work")]
    [InlineData("INBOX")]
    [InlineData("inbox")]
    [InlineData("Trash")]
    public async Task Creating_an_existing_path_is_AlreadyExists(string path)
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        await Mailboxes.CreateMailboxAsync(user.Id, "Work");

        await ShouldFailWithAsync(() => Mailboxes.CreateMailboxAsync(user.Id, path), StorageError.AlreadyExists);
        (await Mailboxes.ListMailboxesAsync(user.Id)).Should().HaveCount(6);
    }

    [SkippableFact]
    public async Task Creating_a_bad_path_is_Invalid()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        await ShouldFailWithAsync(() => Mailboxes.CreateMailboxAsync(user.Id, string.Empty), StorageError.Invalid);
        var longSegment = new string('x', CreateDefaultOptions().Users.MaxMailboxSegmentLength + 1);
        await ShouldFailWithAsync(() => Mailboxes.CreateMailboxAsync(user.Id, "Work/" + longSegment), StorageError.Invalid);
        (await Mailboxes.ListMailboxesAsync(user.Id)).Should().HaveCount(5);
    }

    [SkippableFact]
    public async Task Creating_more_mailboxes_than_allowed_is_Limit()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBackendWithAsync(o => o.Users.MaxMailboxes = 8);
        var user = await CreateUserAsync(backend, "alice");

        for (var i = 1; i <= 3; i++)
        {
            await backend.Mailboxes.CreateMailboxAsync(user.Id, $"Folder{i}");
        }

        var failure = await backend.Invoking(b => b.Mailboxes.CreateMailboxAsync(user.Id, "Folder4")).Should().ThrowAsync<StorageException>();
        failure.Which.Error.Should().Be(StorageError.Limit);
        (await backend.Mailboxes.ListMailboxesAsync(user.Id)).Should().HaveCount(8);
    }

    [SkippableFact]
    public async Task Renaming_moves_children_and_keeps_uidvalidity_uids_and_messages()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var child = await Mailboxes.CreateMailboxAsync(user.Id, "Work/Projects");
        var sibling = await Mailboxes.CreateMailboxAsync(user.Id, "Workshop");
        await AppendSimpleAsync(user, work, 1);
        await AppendSimpleAsync(user, work, 2);
        await AppendSimpleAsync(user, child, 3);
        var before = await ReloadAsync(work);

        var renamed = await Mailboxes.RenameMailboxAsync(user.Id, work.Id, "Jobs");

        renamed.Id.Should().Be(work.Id);
        renamed.Path.Should().Be("Jobs");
        renamed.UidValidity.Should().Be(work.UidValidity);
        renamed.UidNext.Should().Be(before.UidNext);
        renamed.MessageCount.Should().Be(2);
        (await Mailboxes.FindMailboxAsync(user.Id, "Work")).Should().BeNull();
        (await Mailboxes.FindMailboxAsync(user.Id, "Work/Projects")).Should().BeNull();
        var movedChild = await Mailboxes.FindMailboxAsync(user.Id, "Jobs/Projects");
        movedChild.Should().NotBeNull();
        movedChild!.Id.Should().Be(child.Id);
        movedChild.UidValidity.Should().Be(child.UidValidity);
        (await Mailboxes.FindMailboxAsync(user.Id, "Workshop"))!.Id.Should().Be(sibling.Id, "a sibling that only shares a prefix is not a child");
        (await UidsAsync(user, renamed)).Should().Equal(1u, 2u);
        (await UidsAsync(user, movedChild)).Should().Equal(1u);
        (await ReadMessageAsync(user, renamed, 2)).Should().Equal(Simple(2));
    }

    [SkippableFact]
    public async Task Renaming_onto_an_existing_path_is_AlreadyExists()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await Mailboxes.CreateMailboxAsync(user.Id, "Home");

        await ShouldFailWithAsync(() => Mailboxes.RenameMailboxAsync(user.Id, work.Id, "Home"), StorageError.AlreadyExists);
        (await ReloadAsync(work)).Path.Should().Be("Work");
    }

    [SkippableFact]
    public async Task Renaming_INBOX_moves_its_messages_and_leaves_INBOX_empty()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);

        var moved = await Mailboxes.RenameMailboxAsync(user.Id, inbox.Id, "Old Inbox");

        moved.Path.Should().Be("Old Inbox");
        moved.MessageCount.Should().Be(2);
        var fresh = await InboxAsync(user);
        fresh.MessageCount.Should().Be(0);
        (await ListAsync(user, fresh)).Should().BeEmpty();
        var movedMessages = await ListAsync(user, moved);
        movedMessages.Should().HaveCount(2);
        (await ReadMessageAsync(user, moved, movedMessages[1].Uid)).Should().Equal(Simple(2));
        (await ReloadAsync(user)).StorageUsed.Should().Be(Simple(1).Length + Simple(2).Length);
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task Deleting_a_mailbox_removes_its_messages_and_releases_quota_and_attachments()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var kept = await AppendSimpleAsync(user, inbox, 1);
        await AppendAsync(user, work, WithAttachment(2).ToBytes());
        await AppendSimpleAsync(user, work, 3);

        await Mailboxes.DeleteMailboxAsync(user.Id, work.Id);

        (await Mailboxes.GetMailboxAsync(user.Id, work.Id)).Should().BeNull();
        (await Mailboxes.FindMailboxAsync(user.Id, "Work")).Should().BeNull();
        (await Messages.GetMessageAsync(user.Id, work.Id, 1)).Should().BeNull();
        (await ReloadAsync(user)).StorageUsed.Should().Be(kept.Size);
        (await Backend.Attachments.GetStatisticsAsync()).ReferencedBytes.Should().Be(0);
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task INBOX_cannot_be_deleted()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox);

        await ShouldFailWithAsync(() => Mailboxes.DeleteMailboxAsync(user.Id, inbox.Id), StorageError.Cannot);
        (await ReloadAsync(inbox)).MessageCount.Should().Be(1);
    }

    [SkippableFact]
    public async Task The_subscribed_flag_can_be_cleared_and_set()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");

        await Mailboxes.SetSubscribedAsync(user.Id, work.Id, false);
        (await ReloadAsync(work)).Subscribed.Should().BeFalse();
        await Mailboxes.SetSubscribedAsync(user.Id, work.Id, true);
        (await ReloadAsync(work)).Subscribed.Should().BeTrue();
    }

    [SkippableFact]
    public async Task A_mailbox_is_created_with_encryptMessages_and_it_can_be_switched()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var secret = await Mailboxes.CreateMailboxAsync(user.Id, "Secret", new CreateMailboxOptions { EncryptMessages = true });
        secret.EncryptMessages.Should().BeTrue();
        (await ReloadAsync(secret)).EncryptMessages.Should().BeTrue();
        (await Mailboxes.FindMailboxAsync(user.Id, "INBOX"))!.EncryptMessages.Should().BeFalse();
        (await Mailboxes.ListMailboxesAsync(user.Id)).Single(m => m.Path == "Secret").EncryptMessages.Should().BeTrue();

        await Mailboxes.SetEncryptMessagesAsync(user.Id, secret.Id, false);
        (await ReloadAsync(secret)).EncryptMessages.Should().BeFalse();
        var renamed = await Mailboxes.RenameMailboxAsync(user.Id, secret.Id, "Hidden stuff");
        renamed.EncryptMessages.Should().BeFalse();
        await Mailboxes.SetEncryptMessagesAsync(user.Id, secret.Id, true);
        (await Mailboxes.FindMailboxAsync(user.Id, "Hidden stuff"))!.EncryptMessages.Should().BeTrue("the setting follows a renamed mailbox");

        var other = await CreateUserAsync("bob");
        var act = () => Mailboxes.SetEncryptMessagesAsync(other.Id, secret.Id, true);
        (await act.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.NotFound);
    }

    [SkippableFact]
    public async Task Deleting_a_subscribed_mailbox_keeps_the_name_subscribed_until_unsubscribed()
    {
        // RFC 3501 §6.3.6: the server must not remove a name from the subscription list because
        // its mailbox no longer exists.
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var other = await Mailboxes.CreateMailboxAsync(user.Id, "Other", new CreateMailboxOptions { Subscribed = false });
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().BeEmpty();

        await Mailboxes.DeleteMailboxAsync(user.Id, work.Id);
        await Mailboxes.DeleteMailboxAsync(user.Id, other.Id);
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().Equal("Work");

        (await Mailboxes.RemoveOrphanSubscriptionAsync(user.Id, "Other")).Should().BeFalse();
        (await Mailboxes.RemoveOrphanSubscriptionAsync(user.Id, "Work")).Should().BeTrue();
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().BeEmpty();
        (await Mailboxes.RemoveOrphanSubscriptionAsync(user.Id, "Work")).Should().BeFalse();
    }

    [SkippableFact]
    public async Task A_mailbox_created_under_a_still_subscribed_name_is_subscribed()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await Mailboxes.DeleteMailboxAsync(user.Id, work.Id);

        var again = await Mailboxes.CreateMailboxAsync(user.Id, "Work", new CreateMailboxOptions { Subscribed = false });
        again.Subscribed.Should().BeTrue();
        (await ReloadAsync(again)).Subscribed.Should().BeTrue();
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Renaming_onto_a_still_subscribed_name_subscribes_the_mailbox_and_its_subscription_follows_it()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var gone = await Mailboxes.CreateMailboxAsync(user.Id, "Target/Child");
        await Mailboxes.DeleteMailboxAsync(user.Id, gone.Id);
        var source = await Mailboxes.CreateMailboxAsync(user.Id, "Source", new CreateMailboxOptions { Subscribed = false });
        var child = await Mailboxes.CreateMailboxAsync(user.Id, "Source/Child", new CreateMailboxOptions { Subscribed = false });
        var subscribed = await Mailboxes.CreateMailboxAsync(user.Id, "Kept");

        await Mailboxes.RenameMailboxAsync(user.Id, source.Id, "Target");
        (await ReloadAsync(source)).Subscribed.Should().BeFalse();
        (await ReloadAsync(child)).Subscribed.Should().BeTrue("Target/Child was still subscribed");
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().BeEmpty();

        await Mailboxes.RenameMailboxAsync(user.Id, subscribed.Id, "Moved");
        (await ReloadAsync(subscribed)).Subscribed.Should().BeTrue();
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().BeEmpty("the subscription moves with the mailbox");
    }

    [SkippableFact]
    public async Task Deleting_a_user_removes_its_orphan_subscriptions()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        await Mailboxes.DeleteMailboxAsync(user.Id, work.Id);
        (await Users.DeleteUserAsync(user.Id)).Should().BeTrue();

        var again = await CreateUserAsync("alice");
        (await Mailboxes.ListOrphanSubscriptionsAsync(again.Id)).Should().BeEmpty();
        (await Mailboxes.ListOrphanSubscriptionsAsync(user.Id)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task UIDVALIDITY_is_nonzero_and_stable()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");

        inbox.UidValidity.Should().NotBe(0);
        work.UidValidity.Should().NotBe(0);
        await AppendSimpleAsync(user, work);
        await StoreAsync(user, work, UidSet.All, FlagOperation.Add, MessageFlags.Seen);
        await Messages.DeleteMessagesAsync(user.Id, work.Id, UidSet.All);
        (await ReloadAsync(work)).UidValidity.Should().Be(work.UidValidity);
        (await Mailboxes.OpenAsync(user.Id, work.Id))!.Mailbox.UidValidity.Should().Be(work.UidValidity);
        (await ReloadAsync(inbox)).UidValidity.Should().Be(inbox.UidValidity);
    }

    [SkippableFact]
    public async Task Open_returns_a_snapshot_with_ascending_uids_counters_and_first_unseen()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        for (var i = 1; i <= 5; i++)
        {
            await AppendSimpleAsync(user, inbox, i, i <= 2 ? MessageFlags.Seen : MessageFlags.None);
        }

        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(3));

        var snapshot = await Mailboxes.OpenAsync(user.Id, inbox.Id);

        snapshot.Should().NotBeNull();
        snapshot!.Uids.Should().Equal(1u, 2u, 4u, 5u);
        snapshot.FirstUnseenUid.Should().Be(4);
        snapshot.Mailbox.MessageCount.Should().Be(4);
        snapshot.Mailbox.UnseenCount.Should().Be(2);
        snapshot.Mailbox.UidNext.Should().Be(6);
        (await Mailboxes.OpenAsync(user.Id, MailboxId.NewId())).Should().BeNull();
    }

    [SkippableFact]
    public async Task Open_of_a_fully_seen_mailbox_has_no_first_unseen()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1, MessageFlags.Seen);

        var snapshot = await Mailboxes.OpenAsync(user.Id, inbox.Id);

        snapshot!.FirstUnseenUid.Should().Be(0);
        snapshot.Uids.Should().Equal(1u);
    }
}
