// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Flags_can_be_added_removed_and_replaced()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1, MessageFlags.Draft);

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.Seen | MessageFlags.Flagged);
        (await GetAsync(user, inbox, 1)).Flags.Should().Be(MessageFlags.Draft | MessageFlags.Seen | MessageFlags.Flagged);

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Remove, MessageFlags.Draft | MessageFlags.Answered);
        (await GetAsync(user, inbox, 1)).Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);

        var result = await StoreAsync(user, inbox, Uids(1), FlagOperation.Replace, MessageFlags.Answered, "$Done");
        var message = await GetAsync(user, inbox, 1);
        message.Flags.Should().Be(MessageFlags.Answered);
        message.Keywords.Should().Equal("$Done");
        result.Updated.Should().ContainSingle().Which.Should().BeEquivalentTo(new FlagChange(1, message.ModSeq, MessageFlags.Answered, new[] { "$Done" }));
        result.Modified.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Keywords_are_identified_case_insensitively_and_keep_their_first_spelling()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.None, "$Label1", "Project-X");
        var before = await GetAsync(user, inbox, 1);
        var again = await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.None, "$LABEL1", "project-x");

        var after = await GetAsync(user, inbox, 1);
        after.Keywords.Should().BeEquivalentTo("$Label1", "Project-X");
        after.ModSeq.Should().Be(before.ModSeq, "adding keywords it already has changes nothing");
        again.NewKeywords.Should().BeEmpty();

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Remove, MessageFlags.None, "$label1");
        (await GetAsync(user, inbox, 1)).Keywords.Should().Equal("Project-X");
    }

    [SkippableFact]
    public async Task An_invalid_keyword_is_refused()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);

        await ShouldFailWithAsync(() => StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.None, "bad keyword"), StorageError.Invalid);
        await ShouldFailWithAsync(() => StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.None, "\\NotASystemFlag"), StorageError.Invalid);
        (await GetAsync(user, inbox, 1)).Keywords.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task One_flag_update_allocates_one_modseq_and_unchanged_messages_keep_theirs()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        var seen = await AppendSimpleAsync(user, inbox, 2, MessageFlags.Seen);
        await AppendSimpleAsync(user, inbox, 3);
        var highest = (await ReloadAsync(inbox)).HighestModSeq;

        var result = await StoreAsync(user, inbox, Uids(1, 2, 3), FlagOperation.Add, MessageFlags.Seen);

        var changed = result.Updated.Where(u => u.Uid != 2).ToList();
        changed.Select(u => u.Uid).Should().Equal(1u, 3u);
        changed.Select(u => u.ModSeq).Distinct().Should().ContainSingle("one STORE allocates one MODSEQ")
            .Which.Should().BeGreaterThan(highest);
        var newModSeq = changed[0].ModSeq;
        (await GetAsync(user, inbox, 1)).ModSeq.Should().Be(newModSeq);
        (await GetAsync(user, inbox, 3)).ModSeq.Should().Be(newModSeq);
        (await GetAsync(user, inbox, 2)).ModSeq.Should().Be(seen.ModSeq, "a message whose flags did not change keeps its MODSEQ");
        (await ReloadAsync(inbox)).HighestModSeq.Should().Be(newModSeq);
    }

    [SkippableFact]
    public async Task A_flag_update_that_changes_nothing_allocates_no_modseq()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1, MessageFlags.Seen);
        var before = await ReloadAsync(inbox);
        var journalBefore = (await UserJournalAsync(user)).Count;

        await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.Seen);
        await StoreAsync(user, inbox, Uids(1), FlagOperation.Remove, MessageFlags.Deleted);

        (await ReloadAsync(inbox)).HighestModSeq.Should().Be(before.HighestModSeq);
        (await UserJournalAsync(user)).Should().HaveCount(journalBefore, "nothing changed, so nothing is journaled");
    }

    [SkippableFact]
    public async Task UNCHANGEDSINCE_refuses_messages_modified_after_it_and_changes_the_others()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);
        var third = await AppendSimpleAsync(user, inbox, 3);
        var touched = await StoreAsync(user, inbox, Uids(2), FlagOperation.Add, MessageFlags.Answered);
        var touchedModSeq = touched.Updated.Single().ModSeq;

        var result = await Messages.UpdateFlagsAsync(user.Id, inbox.Id, Uids(1, 2, 3), new FlagUpdate
        {
            Operation = FlagOperation.Add,
            Flags = MessageFlags.Flagged,
            UnchangedSince = third.ModSeq,
        });

        result.Modified.Should().Equal(2u);
        result.Updated.Select(u => u.Uid).Should().BeEquivalentTo(new[] { 1u, 3u });
        (await GetAsync(user, inbox, 1)).Flags.Should().Be(MessageFlags.Flagged);
        (await GetAsync(user, inbox, 3)).Flags.Should().Be(MessageFlags.Flagged);
        var refused = await GetAsync(user, inbox, 2);
        refused.Flags.Should().Be(MessageFlags.Answered, "a refused message is not changed");
        refused.ModSeq.Should().Be(touchedModSeq);
    }

    [SkippableFact]
    public async Task New_keywords_are_reported_once_and_added_to_the_mailbox()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);

        var first = await StoreAsync(user, inbox, Uids(1), FlagOperation.Add, MessageFlags.None, "$Project");
        var second = await StoreAsync(user, inbox, Uids(2), FlagOperation.Add, MessageFlags.None, "$project");

        first.NewKeywords.Should().Equal("$Project");
        second.NewKeywords.Should().BeEmpty();
        (await ReloadAsync(inbox)).Keywords.Should().ContainSingle(k => string.Equals(k, "$Project", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task Flag_updates_skip_uids_that_do_not_exist()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendSimpleAsync(user, inbox, 1);
        await AppendSimpleAsync(user, inbox, 2);
        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(2));

        var result = await StoreAsync(user, inbox, Uids(1, 2, 50), FlagOperation.Add, MessageFlags.Seen);

        result.Updated.Select(u => u.Uid).Should().Equal(1u);
        result.Modified.Should().BeEmpty();
        (await UidsAsync(user, inbox)).Should().Equal(1u);
    }

    [SkippableFact]
    public async Task Appended_flags_and_keywords_are_stored()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();

        await AppendAsync(user, inbox, Simple(1), MessageFlags.Seen | MessageFlags.Draft, null, "$Forwarded", "Custom");

        var message = await GetAsync(user, inbox, 1);
        message.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Draft);
        message.Keywords.Should().BeEquivalentTo("$Forwarded", "Custom");
        (await ReloadAsync(inbox)).Keywords.Should().Contain(new[] { "$Forwarded", "Custom" });
    }
}
