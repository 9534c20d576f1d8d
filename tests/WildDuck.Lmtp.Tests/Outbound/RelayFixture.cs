// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WildDuck.Lmtp.Outbound;
using WildDuck.Storage;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Lmtp.Tests.Outbound;

/// <summary>A SQLite store in a temp directory and relays over it, sharing one fake clock.</summary>
internal sealed class RelayFixture : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    public RelayFixture()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wd-outbound-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Store = OpenStore();
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public SqliteMailStore Store { get; }

    public WildDuckOptions WildDuck { get; } = new() { Hostname = "mx.example.test" };

    /// <summary>Another store instance on the same file (another process, as far as the store knows).</summary>
    public SqliteMailStore OpenStore()
    {
        var store = new SqliteMailStore(
            Options.Create(new SqliteStorageOptions { Path = System.IO.Path.Combine(Directory, "wildduck.db") }),
            Options.Create(WildDuck),
            new InProcessChangeNotifier(),
            new PasswordHasher(Options.Create(WildDuck)),
            Time);
        _owned.Add(store);
        return store;
    }

    public OutboundRelayService Relay(Action<OutboundRelayOptions> configure, IOutboundQueue? queue = null)
    {
        var options = new OutboundRelayOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CommandTimeout = TimeSpan.FromSeconds(10),
        };
        configure(options);
        var relay = new OutboundRelayService(queue ?? Store, Options.Create(options), Options.Create(WildDuck), Time, NullLogger<OutboundRelayService>.Instance);
        _owned.Add(relay);
        return relay;
    }

    public static Action<OutboundRelayOptions> Smarthost(SmtpSink sink) => o =>
    {
        o.Smarthost.Host = "127.0.0.1";
        o.Smarthost.Port = sink.Port;
        o.Smarthost.Tls = OutboundTlsMode.None;
    };

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temp directory.
        }
    }
}
