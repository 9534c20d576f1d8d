// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
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

    private RedisServer Server => redis.Server ?? throw new InvalidOperationException(RedisServer.SkipReason);

    protected override async Task<IStorageBackend> CreateBackendAsync(WildDuckOptions options) =>
        new SqliteRedisBackend(
            options,
            await ConnectionMultiplexer.ConnectAsync(Server.Configuration),
            Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N")),

            // A channel of its own, so that no other backend's changes can wake this one's subscribers.
            $"wd-test-{Guid.NewGuid():N}:",
            ownsDirectory: true);

    [SkippableFact]
    public async Task A_change_made_by_another_process_on_the_same_file_wakes_a_subscriber_through_Redis()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var first = (SqliteRedisBackend)Backend;

        // No journal watcher runs here, so only Redis can carry the wake-up from one process to the other.
        await using var second = new SqliteRedisBackend(
            CreateDefaultOptions(), await ConnectionMultiplexer.ConnectAsync(Server.Configuration), first.Directory, first.ChannelPrefix, ownsDirectory: false);
        await Server.WaitForSubscribersAsync(first.ChannelPrefix + "notify", 2);
        using var signal = new SemaphoreSlim(0);
        using var subscription = second.Notifier.Subscribe(user.Id, () => signal.Release());

        await AppendSimpleAsync(user, inbox, 1);

        (await signal.WaitAsync(NotifyTimeout)).Should().BeTrue("the append in the first process is announced over Redis");
        (await second.Messages.GetMessageAsync(user.Id, inbox.Id, 1)).Should().NotBeNull("both processes share one database file");
    }

    [SkippableFact]
    public async Task The_journal_watcher_wakes_local_sessions_without_publishing_the_change_again()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var first = (SqliteRedisBackend)Backend;
        var channel = first.ChannelPrefix + "notify";

        // A second process, set up as the sample host is: SQLite, Redis and the journal watcher.
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.LoggingServiceCollectionExtensions.AddLogging(services);
        services.AddWildDuck()
            .UseSqliteStorage(o =>
            {
                o.Path = Path.Combine(first.Directory, "wildduck.db");
                o.CrossProcessNotifyInterval = TimeSpan.FromMilliseconds(100);
            })
            .UseRedis(o =>
            {
                o.Configuration = Server.Configuration;
                o.ChannelPrefix = first.ChannelPrefix;
            });
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var hosted = System.Linq.Enumerable.ToList(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<Microsoft.Extensions.Hosting.IHostedService>(provider));
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            // Count what goes over the channel, from a connection of its own.
            await using var listener = await ConnectionMultiplexer.ConnectAsync(Server.Configuration);
            var published = 0;
            await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (_, _) => Interlocked.Increment(ref published));
            await Server.WaitForSubscribersAsync(channel, 3);
            using var woken = new SemaphoreSlim(0);
            var notifier = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IChangeNotifier>(provider);
            using var subscription = notifier.Subscribe(user.Id, () => woken.Release());

            await AppendSimpleAsync(user, inbox, 1);

            (await woken.WaitAsync(NotifyTimeout)).Should().BeTrue();

            // Let the watcher see the change (it polls every 100 ms) and the channel settle.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Volatile.Read(ref published).Should().Be(1, "the first process published its change once; the watcher relays it only locally");
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    [SkippableFact]
    public async Task A_user_locked_out_through_one_instance_is_locked_out_on_another()
    {
        SkipIfUnavailable();
        var options = CreateDefaultOptions();
        options.Authentication.UserFailureLimit = 2;
        await Users.CreateUserAsync(new CreateUserRequest { Username = "locked", Password = "right password" });
        var prefix = $"wd-test-{Guid.NewGuid():N}:";
        await using var connectionA = await ConnectionMultiplexer.ConnectAsync(Server.Configuration);
        await using var connectionB = await ConnectionMultiplexer.ConnectAsync(Server.Configuration);
        var context = new AuthenticationContext(AuthenticationScope.Imap, "192.0.2.1");
        UserAuthenticator Instance(ConnectionMultiplexer connection) => new(
            Users,
            new PasswordHasher(Options.Create(options)),
            new RedisAuthenticationRateLimiter(connection, Options.Create(new RedisOptions { Configuration = "unused", ChannelPrefix = prefix })),
            Options.Create(options),
            NullLogger<UserAuthenticator>.Instance);
        var a = Instance(connectionA);
        var b = Instance(connectionB);

        (await a.AuthenticateAsync("locked", "wrong", context)).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        (await a.AuthenticateAsync("locked", "wrong", context)).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);

        (await b.AuthenticateAsync("locked", "right password", context)).Failure.Should().Be(
            AuthenticationFailure.RateLimited, "the failures counted through A lock the user out on B too");
    }

    /// <summary>One process: a SQLite store on a file in <see cref="Directory"/> whose notifier is the Redis one.</summary>
    private sealed class SqliteRedisBackend : IStorageBackend
    {
        private readonly bool _ownsDirectory;
        private readonly ConnectionMultiplexer _connection;
        private readonly RedisChangeNotifier _notifier;
        private readonly SqliteMailStore _store;

        public SqliteRedisBackend(WildDuckOptions options, ConnectionMultiplexer connection, string directory, string channelPrefix, bool ownsDirectory)
        {
            Directory = directory;
            ChannelPrefix = channelPrefix;
            _ownsDirectory = ownsDirectory;
            System.IO.Directory.CreateDirectory(directory);
            _connection = connection;
            _notifier = new RedisChangeNotifier(connection, Options.Create(new RedisOptions { Configuration = "unused", ChannelPrefix = channelPrefix }));
            _store = new SqliteMailStore(
                Options.Create(new SqliteStorageOptions { Path = Path.Combine(directory, "wildduck.db"), Durability = SqliteDurability.Normal }),
                Options.Create(options),
                _notifier,
                new PasswordHasher(Options.Create(options)),
                TimeProvider.System,
                events: Events);
        }

        public string Directory { get; }

        public string ChannelPrefix { get; }

        public IUserStore Users => _store;

        public IMailboxStore Mailboxes => _store;

        public IMessageStore Messages => _store;

        public IAttachmentStore Attachments => _store;

        public IJournal Journal => _store;

        public IChangeNotifier Notifier => _notifier;

        public IFilterStore Filters => _store;

        public IAutoreplyStore Autoreplies => _store;

        public IOutboundQueue Outbound => _store;

        public IAccessTokenStore AccessTokens => _store;

        public ITwoFactorStore TwoFactor => _store;

        public IAspStore Asps => _store;

        public IAuthLogStore AuthLog => _store;

        public IWebhookStore Webhooks => _store;

        public RecordedEvents Events { get; } = new();

        public IStoreMaintenance Maintenance => _store;

        public async ValueTask DisposeAsync()
        {
            _store.Dispose();
            _notifier.Dispose();
            await _connection.DisposeAsync();
            if (!_ownsDirectory)
            {
                return;
            }

            SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // The temp folder is disposable; a late file handle must not fail the test.
            }
        }
    }
}
