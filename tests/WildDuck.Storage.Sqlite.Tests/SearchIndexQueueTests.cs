// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Search;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>
/// The trigram index is fed in batches from search_pending (schema version 4): searches must give
/// the same answers for queued and indexed rows, and the index must stay consistent with the search
/// text through deletes and copies of both kinds of rows.
/// </summary>
public sealed class SearchIndexQueueTests
{
    private static readonly TimeSpan IndexWait = TimeSpan.FromSeconds(60);

    // 0: rows are indexed inside write transactions once 32 wait; the default defers them all to
    // the idle pass while the writer is busy.
    [Theory]
    [InlineData(0)]
    [InlineData(10_000)]
    public async Task Queued_and_indexed_rows_answer_searches_alike_and_the_index_stays_consistent(int deferLimit)
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"), searchIndexDeferLimit: deferLimit);
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        var archive = await store.CreateMailboxAsync(user.Id, "Archive");

        // 70 messages: with limit 0, more than two in-transaction batches and a tail the idle pass indexes.
        var withNeedle = new List<uint>();
        for (var i = 0; i < 70; i++)
        {
            var body = i % 3 == 0 ? "Some Haystack-NEEDLE text " + i : "plain text " + i;
            var result = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("m" + i, body)) });
            if (i % 3 == 0)
            {
                withNeedle.Add(result.Uid);
            }
        }

        var needle = new TextKey("haystack-needle", IncludeHeaders: false);
        (await store.SearchAsync(user.Id, inbox.Id, needle)).Should().Equal(withNeedle, "queued rows are searched exactly");

        await WaitUntilIndexedAsync(store.DatabasePath);
        (await store.SearchAsync(user.Id, inbox.Id, needle)).Should().Equal(withNeedle, "with nothing queued, the index alone answers");
        IntegrityCheck(store.DatabasePath);

        // Deleting indexed rows takes them out of the index; a row deleted while still queued
        // only leaves the queue.
        var deleted = withNeedle.Take(5).ToList();
        await store.DeleteMessagesAsync(user.Id, inbox.Id, UidSet.FromUids(deleted));
        var late = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("late", "haystack-needle late")) });
        var gone = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("gone", "haystack-needle gone")) });
        await store.DeleteMessagesAsync(user.Id, inbox.Id, UidSet.FromUids(new[] { gone.Uid }));
        var expected = withNeedle.Skip(5).Append(late.Uid).ToList();
        (await store.SearchAsync(user.Id, inbox.Id, needle)).Should().Equal(expected);

        // Copies queue their own rows.
        await store.CopyAsync(user.Id, inbox.Id, UidSet.FromUids(expected), archive.Id);
        (await store.SearchAsync(user.Id, archive.Id, needle)).Should().HaveCount(expected.Count);

        await WaitUntilIndexedAsync(store.DatabasePath);
        IntegrityCheck(store.DatabasePath);
        (await store.SearchAsync(user.Id, inbox.Id, needle)).Should().Equal(expected);
        (await store.SearchAsync(user.Id, archive.Id, needle)).Should().HaveCount(expected.Count);
        (await store.SearchAsync(user.Id, inbox.Id, new TextKey("neither-here-nor-there", IncludeHeaders: true))).Should().BeEmpty();
    }

    [Fact]
    public async Task Rows_left_queued_by_a_stopped_store_are_indexed_by_the_next_one()
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.db");
        UserId userId;
        MailboxId inboxId;
        using (var store = SqliteTestStore.Create(path))
        {
            var user = await store.CreateUserAsync(new CreateUserRequest { Username = "bob", Password = "pw-bob-12345" });
            userId = user.Id;
            inboxId = (await store.FindMailboxAsync(user.Id, "INBOX"))!.Id;
            for (var i = 0; i < 5; i++)
            {
                await store.AppendAsync(user.Id, inboxId, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("s" + i, "zebra crossing " + i)) });
            }
        }

        // Disposed before its idle pass (200 ms) could run: the rows are still queued on disk.
        PendingCount(path).Should().Be(5);

        using var reopened = SqliteTestStore.Create(path);
        (await reopened.SearchAsync(userId, inboxId, new TextKey("zebra crossing", IncludeHeaders: false))).Should().HaveCount(5);
        await WaitUntilIndexedAsync(path);
        IntegrityCheck(path);
        (await reopened.SearchAsync(userId, inboxId, new TextKey("zebra crossing", IncludeHeaders: false))).Should().HaveCount(5);
    }

    private static async Task WaitUntilIndexedAsync(string path)
    {
        var deadline = DateTime.UtcNow + IndexWait;
        while (PendingCount(path) > 0)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the writer indexes queued rows once idle");
            await Task.Delay(50);
        }
    }

    private static long PendingCount(string path)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM search_pending";
        return (long)command.ExecuteScalar()!;
    }

    private static void IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();

        // With rank 1, FTS5 also checks the index against the external content table: a missing,
        // extra or stale entry fails with SQLITE_CORRUPT_VTAB.
        command.CommandText = "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)";
        command.ExecuteNonQuery();
    }
}
