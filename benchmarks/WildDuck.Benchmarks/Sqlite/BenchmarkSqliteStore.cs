// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using WildDuck.Storage;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Benchmarks.Sqlite;

/// <summary>
/// A <see cref="SqliteMailStore"/> on a temp file (WAL, <c>Durability=Normal</c>) with one user
/// "bench"; deleted on dispose.
/// </summary>
internal sealed class BenchmarkSqliteStore : IDisposable
{
    private readonly string _directory;

    public BenchmarkSqliteStore()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wildduck-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var options = new WildDuckOptions { Hostname = "bench.test" };
        Store = new SqliteMailStore(
            Options.Create(new SqliteStorageOptions { Path = Path.Combine(_directory, "wildduck.db"), Durability = SqliteDurability.Normal }),
            Options.Create(options),
            new InProcessChangeNotifier(),
            new PasswordHasher(Options.Create(options)),
            TimeProvider.System);
        User = Store.CreateUserAsync(new CreateUserRequest { Username = "bench", PasswordHash = "x" }).GetAwaiter().GetResult().Id;
        Inbox = Store.FindMailboxAsync(User, "INBOX").GetAwaiter().GetResult()!.Id;
    }

    public SqliteMailStore Store { get; }

    public UserId User { get; }

    public MailboxId Inbox { get; }

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
