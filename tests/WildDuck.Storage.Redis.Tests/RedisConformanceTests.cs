// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Security;
using WildDuck.Storage.Sqlite;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>One redis-server shared by a test class; absent (and the class skipped) without redis-server.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    /// <summary>The server, or null when redis-server is not installed.</summary>
    public RedisServer? Server { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (RedisServer.SkipReason is null)
        {
            Server = await RedisServer.StartNewAsync();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>
/// The shared storage conformance suite (its notifier tests among them) over the SQLite store whose
/// change notifier is the Redis one: every wake-up a store change raises goes through it.
/// </summary>
public sealed class RedisConformanceTests(RedisServerFixture redis) : StorageConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override string? SkipReason => RedisServer.SkipReason;

    protected override async Task<IStorageBackend> CreateBackendAsync(WildDuckOptions options)
    {
        var server = redis.Server ?? throw new InvalidOperationException(RedisServer.SkipReason);
        return new SqliteRedisBackend(options, await ConnectionMultiplexer.ConnectAsync(server.Configuration));
    }

    private sealed class SqliteRedisBackend : IStorageBackend
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N"));
        private readonly ConnectionMultiplexer _connection;
        private readonly RedisChangeNotifier _notifier;
        private readonly SqliteMailStore _store;

        public SqliteRedisBackend(WildDuckOptions options, ConnectionMultiplexer connection)
        {
            Directory.CreateDirectory(_directory);
            _connection = connection;

            // A channel of its own, so that no other backend's changes can wake this one's subscribers.
            _notifier = new RedisChangeNotifier(connection, Options.Create(new RedisOptions
            {
                Configuration = "unused",
                ChannelPrefix = $"wd-test-{Guid.NewGuid():N}:",
            }));
            _store = new SqliteMailStore(
                Options.Create(new SqliteStorageOptions { Path = Path.Combine(_directory, "wildduck.db"), Durability = SqliteDurability.Normal }),
                Options.Create(options),
                _notifier,
                new PasswordHasher(Options.Create(options)),
                TimeProvider.System);
        }

        public IUserStore Users => _store;

        public IMailboxStore Mailboxes => _store;

        public IMessageStore Messages => _store;

        public IAttachmentStore Attachments => _store;

        public IJournal Journal => _store;

        public IChangeNotifier Notifier => _notifier;

        public IFilterStore Filters => _store;

        public IAutoreplyStore Autoreplies => _store;

        public IOutboundQueue Outbound => _store;

        public IStoreMaintenance Maintenance => _store;

        public async ValueTask DisposeAsync()
        {
            _store.Dispose();
            _notifier.Dispose();
            await _connection.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // The temp folder is disposable; a late file handle must not fail the test.
            }
        }
    }
}
