// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

public sealed class SqliteSchemaTests
{
    [Fact]
    public async Task FirstUseCreatesTheFileInWalModeAtTheLatestSchemaVersion()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sub/dir/wildduck.db");
        using (var store = SqliteTestStore.Create(path))
        {
            await store.ListUsersAsync(10);
        }

        System.IO.File.Exists(path).Should().BeTrue();
        using var connection = new SqliteConnection("Data Source=" + path);
        connection.Open();
        Scalar(connection, "PRAGMA journal_mode").Should().Be("wal");
        Scalar(connection, "PRAGMA user_version").Should().Be((long)SqliteSchema.Migrations.Length);
    }

    [Fact]
    public async Task ReopeningAnExistingDatabaseKeepsItsData()
    {
        using var dir = new TempDirectory();
        var path = dir.File("wildduck.db");
        using (var store = SqliteTestStore.Create(path))
        {
            await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "secret-password" });
        }

        SqliteConnection.ClearAllPools();
        using (var store = SqliteTestStore.Create(path))
        {
            (await store.FindUserAsync("alice")).Should().NotBeNull();
        }
    }

    [Fact]
    public async Task ADatabaseFromANewerBuildIsRefusedRatherThanDamaged()
    {
        using var dir = new TempDirectory();
        var path = dir.File("wildduck.db");
        using (var connection = new SqliteConnection("Data Source=" + path))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999;";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        using var store = SqliteTestStore.Create(path);
        var act = () => store.ListUsersAsync(1);
        (await act.Should().ThrowAsync<StorageException>().WithMessage("*newer*")).Which.Error.Should().Be(StorageError.Unavailable);
    }

    [Fact]
    public void MigrationsAreAppendOnlyAndTheFirstCreatesEveryTable()
    {
        SqliteSchema.Migrations.Should().NotBeEmpty();
        foreach (var table in new[] { "users", "addresses", "domain_aliases", "mailboxes", "messages", "message_text", "message_fts", "message_parsed", "attachments", "message_attachments", "journal", "threads", "thread_refs", "filters" })
        {
            SqliteSchema.Migrations[0].Should().Contain(" " + table + " ", "the schema defines table " + table);
        }
    }

    [Theory]
    [InlineData(SqliteDurability.Full, 2L)]
    [InlineData(SqliteDurability.Normal, 1L)]
    public async Task ConnectionsUseTheConfiguredDurability(SqliteDurability durability, long expected)
    {
        using var dir = new TempDirectory();
        var options = new SqliteStorageOptions { Path = dir.File("wildduck.db"), Durability = durability };
        using var db = new SqliteDatabase(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var value = await db.ReadAsync((c, t) =>
        {
            using var command = c.CreateCommand();
            command.Transaction = t;
            command.CommandText = "PRAGMA synchronous";
            return (long)command.ExecuteScalar()!;
        }, default);
        value.Should().Be(expected);
    }

    [Fact]
    public async Task PooledConnectionsKeepPragmasAndFunctionsOnReuse()
    {
        // Pragmas run once per pooled SQLite handle; every later open must still see them, and
        // the SQL functions (dropped by the pool on return) must be registered again.
        using var dir = new TempDirectory();
        var options = new SqliteStorageOptions { Path = dir.File("wildduck.db"), Durability = SqliteDurability.Normal, CacheSizeKiB = 12345 };
        using var db = new SqliteDatabase(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        for (var i = 0; i < 5; i++)
        {
            var (synchronous, foreignKeys, cacheSize, tempStore, contains) = await db.ReadAsync((c, t) =>
            {
                long Read(string sql)
                {
                    using var command = c.CreateCommand();
                    command.Transaction = t;
                    command.CommandText = sql;
                    return (long)command.ExecuteScalar()!;
                }

                return (Read("PRAGMA synchronous"), Read("PRAGMA foreign_keys"), Read("PRAGMA cache_size"), Read("PRAGMA temp_store"), Read("SELECT wd_contains('Hello', 'ELL')"));
            }, default);
            synchronous.Should().Be(1L);
            foreignKeys.Should().Be(1L);
            cacheSize.Should().Be(-12345L);
            tempStore.Should().Be(2L);
            contains.Should().Be(1L);
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
