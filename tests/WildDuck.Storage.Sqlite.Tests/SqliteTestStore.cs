// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Creates a <see cref="SqliteMailStore"/> over a file in a temp directory.</summary>
internal static class SqliteTestStore
{
    public static SqliteMailStore Create(string path, WildDuckOptions? options = null, IChangeNotifier? notifier = null, SqliteDurability durability = SqliteDurability.Normal)
    {
        options ??= new WildDuckOptions { Hostname = "example.test" };
        return new SqliteMailStore(
            Options.Create(new SqliteStorageOptions { Path = path, Durability = durability }),
            Options.Create(options),
            notifier ?? new InProcessChangeNotifier(),
            new PasswordHasher(Options.Create(options)),
            TimeProvider.System);
    }
}
