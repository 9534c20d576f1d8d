// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Xunit;
using Faults = WildDuck.Testing.SqliteFaults;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Real SQLite faults surface as <see cref="StorageError.Unavailable"/>; the store works again once they are gone.</summary>
public sealed class SqliteFaultTranslationTests
{
    [Fact]
    public async Task Writers_that_wait_out_the_busy_timeout_fail_as_Unavailable_and_commit_nothing()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("wildduck.db"), busyTimeout: TimeSpan.FromMilliseconds(200));
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        using (Faults.HoldWriteLock(dir.File("wildduck.db")))
        {
            // Several writers queue up and share one failed batch: each of them fails the same way.
            var writes = Enumerable.Range(0, 3).Select(i => store.CreateMailboxAsync(user.Id, "Box" + i)).ToArray();
            foreach (var write in writes)
            {
                var failure = await write.Invoking(w => w).Should().ThrowAsync<StorageException>();
                failure.Which.Error.Should().Be(StorageError.Unavailable);
                failure.Which.Message.Should().Contain("locked");
                failure.Which.InnerException.Should().BeOfType<SqliteException>();
            }

            // Reads go on (WAL).
            (await store.ListMailboxesAsync(user.Id)).Should().HaveCount(5);
        }

        await store.CreateMailboxAsync(user.Id, "Box0");
        (await store.ListMailboxesAsync(user.Id)).Should().HaveCount(6);
        (await store.CheckAsync()).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Reads_of_a_file_that_is_not_a_database_fail_as_Unavailable_and_constraint_violations_stay_what_they_are()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("wildduck.db"));
        await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123", Address = "alice@example.org" });
        using (Faults.ReplaceWithGarbage(dir.File("wildduck.db")))
        {
            var failure = await store.Invoking(s => s.ListUsersAsync(10)).Should().ThrowAsync<StorageException>();
            failure.Which.Error.Should().Be(StorageError.Unavailable);
            failure.Which.Message.Should().Be("The SQLite database " + dir.File("wildduck.db") + " is unavailable: the file is not an SQLite database.");
        }

        (await store.ListUsersAsync(10)).Should().ContainSingle();
        var taken = await store.Invoking(s => s.CreateUserAsync(new CreateUserRequest { Username = "bob", Password = "pw-bob-12345", Address = "alice@example.org" }))
            .Should().ThrowAsync<StorageException>();
        taken.Which.Error.Should().Be(StorageError.AlreadyExists);
    }

    [Fact]
    public async Task Opening_a_directory_fails_as_Unavailable_naming_the_path()
    {
        using var dir = new TempDirectory();
        System.IO.Directory.CreateDirectory(dir.File("wildduck.db"));
        using var store = SqliteTestStore.Create(dir.File("wildduck.db"));
        var failure = await store.Invoking(s => s.InitializeAsync()).Should().ThrowAsync<StorageException>();
        failure.Which.Error.Should().Be(StorageError.Unavailable);
        failure.Which.Message.Should().Be("The SQLite database " + dir.File("wildduck.db") + " is unavailable: the path is a directory, not a database file.");
    }
}
