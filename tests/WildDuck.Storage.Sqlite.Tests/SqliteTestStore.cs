// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Creates a <see cref="SqliteMailStore"/> over a file in a temp directory.</summary>
internal static class SqliteTestStore
{
    public static SqliteMailStore Create(string path, WildDuckOptions? options = null, IChangeNotifier? notifier = null, SqliteDurability durability = SqliteDurability.Normal, TimeSpan? busyTimeout = null, IWildDuckEvents? events = null, int? searchIndexDeferLimit = null)
    {
        options ??= new WildDuckOptions { Hostname = "example.test" };
        var sqlite = new SqliteStorageOptions { Path = path, Durability = durability };
        if (busyTimeout is { } timeout)
        {
            sqlite.BusyTimeout = timeout;
        }

        if (searchIndexDeferLimit is { } deferLimit)
        {
            sqlite.SearchIndexDeferLimit = deferLimit;
        }

        return new SqliteMailStore(
            Options.Create(sqlite),
            Options.Create(options),
            notifier ?? new InProcessChangeNotifier(),
            new PasswordHasher(Options.Create(options)),
            TimeProvider.System,
            events: events);
    }
}
