// SPDX-License-Identifier: MIT
using System;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Search;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

public sealed class SqliteEdgeCaseTests
{
    [Fact]
    public async Task DateSearchesWorkBefore1970()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        // 31-Dec-1969 23:59:59.500 UTC: truncating division would put it on 1-Jan-1970.
        var date = new DateTimeOffset(1969, 12, 31, 23, 59, 59, 500, TimeSpan.Zero);
        await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("old")), InternalDate = date });

        (await store.SearchAsync(user.Id, inbox.Id, new DateKey(DateField.Internal, DateComparison.On, new DateOnly(1969, 12, 31)))).Should().Equal(1u);
        (await store.SearchAsync(user.Id, inbox.Id, new DateKey(DateField.Internal, DateComparison.On, new DateOnly(1970, 1, 1)))).Should().BeEmpty();
    }

    [Fact]
    public async Task ADeeplyNestedQueryIsRefusedAsInvalid()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        SearchKey key = AllKey.Instance;
        for (var i = 0; i < 2000; i++)
        {
            key = new NotKey(key);
        }

        var act = () => store.SearchAsync(user.Id, inbox.Id, key);
        (await act.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Invalid);

        SearchKey fine = AllKey.Instance;
        for (var i = 0; i < 50; i++)
        {
            fine = new NotKey(fine);
        }

        (await store.SearchAsync(user.Id, inbox.Id, fine)).Should().BeEmpty("an even number of NOTs around ALL, but no messages anyway");
    }

    [Fact]
    public async Task RenamingInboxGivesTheNewMailboxTheUsersRetention()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123", Retention = TimeSpan.FromDays(90) });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        var renamed = await store.RenameMailboxAsync(user.Id, inbox.Id, "Old Inbox");
        renamed.Retention.Should().Be(TimeSpan.FromDays(90));
    }

    [Fact]
    public async Task ThreadsWithoutMessagesArePrunedAndThreadsInUseAreKept()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("keep me")) });
        var gone = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("drop me")) });
        await store.DeleteMessagesAsync(user.Id, inbox.Id, UidSet.FromUids(new[] { gone.Uid }));

        (await store.PruneThreadsAsync(DateTimeOffset.UtcNow.AddMinutes(1))).Should().Be(1);
        (await store.PruneThreadsAsync(DateTimeOffset.UtcNow.AddMinutes(1))).Should().Be(0);
        (await store.CheckAsync()).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task ListingWithContentReadsEveryMessageInBatchesByteIdentical()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        var expected = new System.Collections.Generic.Dictionary<uint, string>();
        for (var i = 0; i < 300; i++)
        {
            // Some with an external attachment, some large enough to end a batch early.
            var text = i % 3 == 0 ? TestMessages.WithAttachment("m" + i, 2048, i) : TestMessages.Plain("m" + i, new string('x', i % 50 == 0 ? 200_000 : 100));
            var result = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(text) });
            expected[result.Uid] = text;
        }

        var seen = 0;
        await foreach (var message in store.ListMessagesAsync(user.Id, inbox.Id, UidSet.FromRanges(new[] { new UidRange(1, 300) }), MessageFields.Content))
        {
            using var content = message.Content!;
            using var ms = new System.IO.MemoryStream();
            await content.WriteToAsync(ms, 0, content.Size);
            Encoding.ASCII.GetString(ms.ToArray()).Should().Be(expected[message.Uid]);
            seen++;
        }

        seen.Should().Be(300);
    }
}
