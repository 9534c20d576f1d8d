// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Writers that queue behind a running transaction commit together, each in its own savepoint.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Queued_writers_commit_together_and_a_failing_one_rolls_back_alone()
    {
        using var dir = new TempDirectory();
        using var db = new SqliteDatabase(new SqliteStorageOptions { Path = dir.File("g.db") }, NullLogger.Instance);
        await db.WriteAsync((c, t) => Execute(c, t, "CREATE TABLE items (n INTEGER NOT NULL)"), CancellationToken.None);

        using var release = new ManualResetEventSlim();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = Task.Run(() => db.WriteAsync(
            (c, t) =>
            {
                started.SetResult();
                release.Wait(TimeSpan.FromSeconds(30));
                return Execute(c, t, "INSERT INTO items VALUES (-1)");
            },
            CancellationToken.None));
        await started.Task;

        // These queue while the blocker's transaction runs, so they share the next transaction.
        var writes = new List<Task<int>>();
        for (var i = 0; i < 20; i++)
        {
            var n = i;
            writes.Add(db.WriteAsync(
                (c, t) =>
                {
                    Execute(c, t, "INSERT INTO items VALUES (" + n + ")");
                    if (n % 5 == 0)
                    {
                        throw new InvalidOperationException("writer " + n + " fails after writing");
                    }

                    return n;
                },
                CancellationToken.None));
        }

        using var cancelled = new CancellationTokenSource();
        var cancelledWrite = db.WriteAsync((c, t) => Execute(c, t, "INSERT INTO items VALUES (1000)"), cancelled.Token);
        cancelled.Cancel();
        release.Set();
        await blocker;

        for (var i = 0; i < writes.Count; i++)
        {
            if (i % 5 == 0)
            {
                await writes[i].Invoking(w => w).Should().ThrowAsync<InvalidOperationException>().WithMessage("writer " + i + " fails after writing");
            }
            else
            {
                (await writes[i]).Should().Be(i);
            }
        }

        await cancelledWrite.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        var stored = await db.ReadAsync(
            (c, t) =>
            {
                using var command = c.CreateCommand();
                command.Transaction = t;
                command.CommandText = "SELECT n FROM items ORDER BY n";
                using var reader = command.ExecuteReader();
                var values = new List<long>();
                while (reader.Read())
                {
                    values.Add(reader.GetInt64(0));
                }

                return values;
            },
            CancellationToken.None);
        stored.Should().Equal(-1, 1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19);
    }

    [Fact]
    public async Task A_lone_writer_that_throws_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        using var db = new SqliteDatabase(new SqliteStorageOptions { Path = dir.File("g.db") }, NullLogger.Instance);
        await db.WriteAsync((c, t) => Execute(c, t, "CREATE TABLE items (n INTEGER NOT NULL)"), CancellationToken.None);
        var failing = db.WriteAsync<int>(
            (c, t) =>
            {
                Execute(c, t, "INSERT INTO items VALUES (1)");
                throw new InvalidOperationException("boom");
            },
            CancellationToken.None);
        await failing.Invoking(w => w).Should().ThrowAsync<InvalidOperationException>();
        var count = await db.ReadAsync(
            (c, t) =>
            {
                using var command = c.CreateCommand();
                command.Transaction = t;
                command.CommandText = "SELECT count(*) FROM items";
                return (long)command.ExecuteScalar()!;
            },
            CancellationToken.None);
        count.Should().Be(0);
    }

    private static int Execute(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction t, string sql)
    {
        using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}
