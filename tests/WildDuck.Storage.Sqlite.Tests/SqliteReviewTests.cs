// SPDX-License-Identifier: MIT
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Search;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Regression tests for bugs found in the review of the SQLite backend.</summary>
public sealed class SqliteReviewTests
{
    private static async Task<(SqliteMailStore Store, UserRecord User, MailboxRecord Inbox)> CreateAsync(TempDirectory dir)
    {
        var store = SqliteTestStore.Create(dir.File("wildduck.db"));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "secret-password" });
        var inbox = await store.FindMailboxAsync(user.Id, "INBOX") ?? await store.CreateMailboxAsync(user.Id, "INBOX");
        return (store, user, inbox);
    }

    private static Task<AppendResult> AppendAsync(SqliteMailStore store, UserRecord user, MailboxRecord mailbox, string message, MessageFlags flags = MessageFlags.None) =>
        store.AppendAsync(user.Id, mailbox.Id, new AppendRequest { Content = Encoding.UTF8.GetBytes(message), Flags = flags });

    private static async Task ShouldBeConsistentAsync(SqliteMailStore store)
    {
        var report = await store.CheckAsync();
        report.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Renaming_a_mailbox_with_an_astral_character_renames_its_children()
    {
        using var dir = new TempDirectory();
        var (store, user, _) = await CreateAsync(dir);
        using var _s = store;
        var parent = await store.CreateMailboxAsync(user.Id, "Fotos \U0001F4F7");
        await store.CreateMailboxAsync(user.Id, "Fotos \U0001F4F7/2024");

        await store.RenameMailboxAsync(user.Id, parent.Id, "Pictures");

        var paths = (await store.ListMailboxesAsync(user.Id)).Select(m => m.Path).ToList();
        paths.Should().Contain("Pictures/2024").And.NotContain("Fotos \U0001F4F7/2024");
    }

    [Theory]
    [InlineData("\U0001F600a")]
    [InlineData("x\U0001F600")]
    public async Task Search_for_a_short_string_of_astral_characters_finds_it(string needle)
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        await AppendAsync(store, user, inbox, TestMessages.Plain("hi", "say x\U0001F600a now"));
        await AppendAsync(store, user, inbox, TestMessages.Plain("other", "nothing here"));

        (await store.SearchAsync(user.Id, inbox.Id, new TextKey(needle, false))).Should().Equal(1u);
    }

    [Fact]
    public async Task Substring_search_gives_the_same_answer_with_and_without_the_index_prefilter()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        await AppendAsync(store, user, inbox, TestMessages.Plain("hi", "Gruesse aus der Strasse und Stra\u00DFe, caf\u00E9 \u00B5-t \u017F-t \u03C2\u03C2\u03C2 \u212A\u212A\u212A \u0130\u0130\u0130"));

        foreach (var needle in new[] { "STRASSE", "STRASSE UND STRASSE", "cafe\u0301", "\u00DFe,", "\u03BC-t", "s-t", "\u03C3\u03C3\u03C3", "kkk", "iii" })
        {
            var required = await store.SearchAsync(user.Id, inbox.Id, new TextKey(needle, false));
            var optional = await store.SearchAsync(user.Id, inbox.Id, new OrKey(new TextKey(needle, false), new TextKey("zzzzzz", false)));
            optional.Should().Equal(required, "needle {0}", needle);
        }

        // A needle of characters that a linguistic comparison ignores must not match everything.
        (await store.SearchAsync(user.Id, inbox.Id, new TextKey("\u00AD", false))).Should().BeEmpty();
    }

    [Fact]
    public async Task Search_strings_with_fts_syntax_are_matched_literally()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        const string nasty = "a\"b* c:d ^e NEAR(f g) AND OR NOT - {x} 'q' \\ %_";
        await AppendAsync(store, user, inbox, TestMessages.Plain("nasty", nasty));
        await AppendAsync(store, user, inbox, TestMessages.Plain("plain", "plain text"));

        foreach (var needle in new[] { "a\"b", "b* c", "c:d", "^e", "NEAR(f", "NEAR", "AND OR", "{x}", "'q'", "\\ %_", "%_", "\"", "*", ":", nasty })
        {
            (await store.SearchAsync(user.Id, inbox.Id, new TextKey(needle, false))).Should().Equal(new[] { 1u }, "needle {0}", needle);
        }

        (await store.SearchAsync(user.Id, inbox.Id, new TextKey("%", false))).Should().Equal(1u);
        (await store.SearchAsync(user.Id, inbox.Id, new TextKey("a_b", false))).Should().BeEmpty();
    }

    [Fact]
    public async Task Counters_stay_exact_through_copy_and_move_within_one_mailbox_rename_of_inbox_and_delete()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        for (var i = 0; i < 4; i++)
        {
            await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.UTF8.GetBytes(TestMessages.WithAttachment("m" + i, 4000, i % 2)), Flags = i == 0 ? MessageFlags.Seen : MessageFlags.None });
        }

        await store.CopyAsync(user.Id, inbox.Id, UidSet.All, inbox.Id);
        await ShouldBeConsistentAsync(store);
        var before = (await store.GetMailboxAsync(user.Id, inbox.Id))!;
        var move = await store.MoveAsync(user.Id, inbox.Id, UidSet.FromRanges(new[] { new UidRange(1, 2) }), inbox.Id);
        move.TargetUids.Should().Equal(9u, 10u);
        var after = (await store.GetMailboxAsync(user.Id, inbox.Id))!;
        after.MessageCount.Should().Be(8);
        after.HighestModSeq.Should().BeGreaterThan(before.HighestModSeq);
        await ShouldBeConsistentAsync(store);

        await store.UpdateFlagsAsync(user.Id, inbox.Id, UidSet.All, new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Deleted });
        var expunged = await store.ExpungeAsync(user.Id, inbox.Id, UidSet.FromRanges(new[] { new UidRange(3, 3) }));
        expunged.Select(e => e.Uid).Should().Equal(3u);
        await ShouldBeConsistentAsync(store);

        var renamed = await store.RenameMailboxAsync(user.Id, inbox.Id, "Old Inbox");
        renamed.MessageCount.Should().Be(7);
        (await store.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(0);
        await ShouldBeConsistentAsync(store);

        var all = await store.ExpungeAsync(user.Id, renamed.Id);
        all.Should().HaveCount(7);
        await ShouldBeConsistentAsync(store);
        (await store.GetUserAsync(user.Id))!.StorageUsed.Should().Be(0);
        await store.DeleteMailboxAsync(user.Id, renamed.Id);
        await ShouldBeConsistentAsync(store);
        (await store.GetStatisticsAsync()).Unreferenced.Should().Be(2);
    }

    [Fact]
    public async Task Search_with_many_uid_ranges_uses_exact_ranges()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        for (var i = 0; i < 60; i++)
        {
            await AppendAsync(store, user, inbox, TestMessages.Plain("m" + i));
        }

        var odd = Enumerable.Range(0, 30).Select(i => new UidRange((uint)(2 * i) + 1, (uint)(2 * i) + 1)).ToArray();
        var found = await store.SearchAsync(user.Id, inbox.Id, new NotKey(new UidKey(UidSet.FromRanges(odd))));
        found.Should().Equal(Enumerable.Range(1, 30).Select(i => (uint)(2 * i)));
    }

    [Fact]
    public async Task Concurrent_appends_from_two_store_instances_on_one_file_allocate_distinct_uids()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        using var second = SqliteTestStore.Create(dir.File("wildduck.db"));
        var tasks = Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? store : second).AppendAsync(user.Id, inbox.Id, new AppendRequest
            {
                Content = Encoding.UTF8.GetBytes(TestMessages.WithAttachment("c" + i, 3000, i % 3)),
                Flags = i % 4 == 0 ? MessageFlags.Seen : MessageFlags.None,
            }))).ToArray();
        var results = await Task.WhenAll(tasks);

        results.Select(r => r.Uid).Should().OnlyHaveUniqueItems();
        results.Select(r => r.ModSeq).Should().OnlyHaveUniqueItems();
        var mailbox = (await second.GetMailboxAsync(user.Id, inbox.Id))!;
        mailbox.MessageCount.Should().Be(40);
        mailbox.UnseenCount.Should().Be(30);
        mailbox.UidNext.Should().Be(41);
        await ShouldBeConsistentAsync(store);
    }

    [Fact]
    public async Task Flag_changes_and_deletes_keep_unseen_counts_and_modseq_rules()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir);
        using var _s = store;
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(store, user, inbox, TestMessages.Plain("f" + i), i < 2 ? MessageFlags.Seen : MessageFlags.None);
        }

        var replace = await store.UpdateFlagsAsync(user.Id, inbox.Id, UidSet.All, new FlagUpdate { Operation = FlagOperation.Replace, Flags = MessageFlags.Seen, Keywords = new[] { "$A", "$a" } });
        replace.Updated.Select(u => u.ModSeq).Distinct().Should().ContainSingle();
        (await store.GetMailboxAsync(user.Id, inbox.Id))!.UnseenCount.Should().Be(0);
        (await store.SearchAsync(user.Id, inbox.Id, new KeywordKey("$a", true))).Should().HaveCount(5);
        var again = await store.UpdateFlagsAsync(user.Id, inbox.Id, UidSet.All, new FlagUpdate { Operation = FlagOperation.Add, Keywords = new[] { "$A" } });
        again.Updated.Select(u => u.ModSeq).Should().AllBeEquivalentTo(replace.Updated[0].ModSeq, "nothing changed");
        await store.UpdateFlagsAsync(user.Id, inbox.Id, UidSet.FromRanges(new[] { new UidRange(1, 3) }), new FlagUpdate { Operation = FlagOperation.Remove, Flags = MessageFlags.Seen });
        var before = (await store.GetMailboxAsync(user.Id, inbox.Id))!;
        before.UnseenCount.Should().Be(3);
        await store.DeleteMessagesAsync(user.Id, inbox.Id, UidSet.FromRanges(new[] { new UidRange(2, 4) }));
        var after = (await store.GetMailboxAsync(user.Id, inbox.Id))!;
        after.UnseenCount.Should().Be(1);
        after.HighestModSeq.Should().BeGreaterThan(before.HighestModSeq);
        var journal = await store.ReadSinceAsync(user.Id, inbox.Id, before.HighestModSeq);
        journal.Select(j => (j.Command, j.Uid)).Should().Equal((JournalCommand.Expunge, 2u), (JournalCommand.Expunge, 3u), (JournalCommand.Expunge, 4u));
        await ShouldBeConsistentAsync(store);
    }

    [Fact]
    public async Task Renaming_inbox_respects_the_mailbox_limit()
    {
        using var dir = new TempDirectory();
        var options = new WildDuckOptions { Hostname = "example.test" };
        options.Users.MaxMailboxes = 5;
        using var store = SqliteTestStore.Create(dir.File("wildduck.db"), options);
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "secret-password" });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        (await store.ListMailboxesAsync(user.Id)).Should().HaveCount(5);

        var create = () => store.CreateMailboxAsync(user.Id, "Extra");
        (await create.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Limit);
        var rename = () => store.RenameMailboxAsync(user.Id, inbox.Id, "Old Inbox");
        (await rename.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Limit);
        (await store.ListMailboxesAsync(user.Id)).Should().HaveCount(5);
    }
}
