// SPDX-License-Identifier: MIT
using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Notifications;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

public sealed class SqliteJournalWatcherTests
{
    [Fact]
    public async Task AChangeMadeByAnotherProcessWakesThisProcesssSubscribers()
    {
        using var dir = new TempDirectory();
        var path = dir.File("shared.db");

        // Two stores on one file, each with its own in-process notifier: two processes.
        using var writer = SqliteTestStore.Create(path);
        var localNotifier = new InProcessChangeNotifier();
        using var reader = SqliteTestStore.Create(path, notifier: localNotifier);
        var user = await writer.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123" });
        var inbox = (await writer.FindMailboxAsync(user.Id, "INBOX"))!;

        var options = Options.Create(new SqliteStorageOptions { Path = path, CrossProcessNotifyInterval = TimeSpan.FromMilliseconds(50) });
        using var watcher = new SqliteJournalWatcher(reader, localNotifier, options, TimeProvider.System, NullLogger<SqliteJournalWatcher>.Instance);
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = localNotifier.Subscribe(user.Id, () => woken.TrySetResult());
        await watcher.StartAsync(CancellationToken.None);
        await watcher.Watching.WaitAsync(TimeSpan.FromSeconds(10));

        await writer.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(TestMessages.Plain("from elsewhere")) });
        var completed = await Task.WhenAny(woken.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        completed.Should().BeSameAs(woken.Task, "the watcher relays the other process's change");
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AStoreThatIsUnavailableAtStartDelaysTheWatcherInsteadOfEndingIt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.db");
        using (var creator = SqliteTestStore.Create(path))
        {
            await creator.InitializeAsync();
        }

        using var store = SqliteTestStore.Create(path);
        var options = Options.Create(new SqliteStorageOptions { Path = path, CrossProcessNotifyInterval = TimeSpan.FromMilliseconds(50) });
        using var watcher = new SqliteJournalWatcher(store, new InProcessChangeNotifier(), options, TimeProvider.System, NullLogger<SqliteJournalWatcher>.Instance);
        using (WildDuck.Testing.SqliteFaults.ReplaceWithGarbage(path))
        {
            await watcher.StartAsync(CancellationToken.None);

            // It keeps retrying: neither watching nor ended while the file is not a database.
            await Task.WhenAny(watcher.Watching, watcher.ExecuteTask!, Task.Delay(TimeSpan.FromMilliseconds(300)));
            watcher.Watching.IsCompleted.Should().BeFalse();
            watcher.ExecuteTask!.IsCompleted.Should().BeFalse();
        }

        await watcher.Watching.WaitAsync(TimeSpan.FromSeconds(30));
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AZeroIntervalDisablesTheWatcher()
    {
        using var dir = new TempDirectory();
        using var store = SqliteTestStore.Create(dir.File("w.db"));
        var options = Options.Create(new SqliteStorageOptions { Path = dir.File("w.db"), CrossProcessNotifyInterval = TimeSpan.Zero });
        using var watcher = new SqliteJournalWatcher(store, new InProcessChangeNotifier(), options, TimeProvider.System, NullLogger<SqliteJournalWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);
        var finished = await Task.WhenAny(watcher.ExecuteTask!, Task.Delay(TimeSpan.FromSeconds(10)));
        finished.Should().BeSameAs(watcher.ExecuteTask, "a disabled watcher returns at once");
    }
}
