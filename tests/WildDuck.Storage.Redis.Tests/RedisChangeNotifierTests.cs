// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>Two notifiers with their own connections stand for two instances sharing one real Redis.</summary>
public sealed class RedisChangeNotifierTests
{
    private const string Channel = "wd:notify";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private static readonly UserId Alice = UserId.NewId();
    private static readonly UserId Bob = UserId.NewId();

    [SkippableFact]
    public async Task A_subscriber_on_one_instance_is_woken_by_a_notification_on_another()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        using var signal = new SemaphoreSlim(0);
        using var subscription = b.Notifier.Subscribe(Alice, () => signal.Release());

        await a.Notifier.NotifyAsync(Alice);

        (await signal.WaitAsync(Within)).Should().BeTrue("B hears A's notification through Redis");
    }

    [SkippableFact]
    public async Task A_subscriber_of_another_user_is_not_woken()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var bobCalls = 0;
        using var aliceSignal = new SemaphoreSlim(0);
        using var bobSubscription = b.Notifier.Subscribe(Bob, () => Interlocked.Increment(ref bobCalls));
        using var aliceSubscription = b.Notifier.Subscribe(Alice, () => aliceSignal.Release());

        await a.Notifier.NotifyAsync(Alice);

        (await aliceSignal.WaitAsync(Within)).Should().BeTrue();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Volatile.Read(ref bobCalls).Should().Be(0);
    }

    [SkippableFact]
    public async Task The_publishing_instance_wakes_its_own_subscribers_once_not_again_through_its_echo()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var localCalls = 0;
        using var witness = new SemaphoreSlim(0);
        using var local = a.Notifier.Subscribe(Alice, () => Interlocked.Increment(ref localCalls));
        using var remote = b.Notifier.Subscribe(Alice, () => witness.Release());

        await a.Notifier.NotifyAsync(Alice);

        Volatile.Read(ref localCalls).Should().Be(1, "the local wake-up happens at once, inside NotifyAsync");
        (await witness.WaitAsync(Within)).Should().BeTrue("the message went through Redis, so A received its echo too");
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Volatile.Read(ref localCalls).Should().Be(1, "A ignores its own message");
    }

    [SkippableFact]
    public async Task A_burst_of_notifications_is_coalesced_and_the_last_one_still_arrives()
    {
        await using var redis = await RedisServer.StartNewAsync();
        // A long interval, so that the whole burst surely falls into one window however slow the machine.
        using var a = await Instance.ConnectAsync(redis, TimeSpan.FromMilliseconds(500));
        using var b = await Instance.ConnectAsync(redis);
        using var listener = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var published = 0;
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, _) => Interlocked.Increment(ref published));
        await redis.WaitForSubscribersAsync(Channel, 3);
        var burstDone = 0;
        using var afterBurst = new SemaphoreSlim(0);
        using var subscription = b.Notifier.Subscribe(Alice, () =>
        {
            if (Volatile.Read(ref burstDone) == 1)
            {
                afterBurst.Release();
            }
        });

        const int Burst = 200;
        for (var i = 0; i < Burst; i++)
        {
            await a.Notifier.NotifyAsync(Alice);
        }

        Volatile.Write(ref burstDone, 1);

        (await afterBurst.WaitAsync(Within)).Should().BeTrue("the trailing publish after the burst is always sent");
        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        Volatile.Read(ref published).Should().BeInRange(2, 10, $"{Burst} notifications of one user are coalesced (leading + trailing publish)");
    }

    [SkippableFact]
    public async Task Without_Redis_notify_returns_at_once_wakes_local_subscribers_and_recovers_when_Redis_returns()
    {
        await using var pair = await Pair.StartAsync();
        var (redis, a, b) = (pair.Redis, pair.A, pair.B);
        var localCalls = 0;
        using var local = a.Notifier.Subscribe(Alice, () => Interlocked.Increment(ref localCalls));

        await redis.StopAsync();
        for (var i = 0; i < 100; i++)
        {
            var pending = a.Notifier.NotifyAsync(Alice);
            pending.IsCompletedSuccessfully.Should().BeTrue("a notification never waits for Redis");
        }

        Volatile.Read(ref localCalls).Should().Be(100, "local wake-ups do not depend on Redis");

        await redis.StartAsync();
        await redis.WaitForSubscribersAsync(Channel, 2);
        using var signal = new SemaphoreSlim(0);
        using var remote = b.Notifier.Subscribe(Bob, () => signal.Release());

        // Until A's own connection is back a publish is dropped; retry as an IMAP session's next change would.
        var woken = false;
        for (var attempt = 0; attempt < 30 && !woken; attempt++)
        {
            await a.Notifier.NotifyAsync(Bob);
            woken = await signal.WaitAsync(TimeSpan.FromSeconds(1));
        }

        woken.Should().BeTrue("after Redis restarts, wake-ups cross instances again");
    }

    [SkippableFact]
    public async Task An_outage_and_its_recovery_are_each_logged_once()
    {
        const int Lost = 7001, Restored = 7002;
        await using var redis = await RedisServer.StartNewAsync();
        var logs = new CollectingLoggerFactory();
        using var a = await Instance.ConnectAsync(redis, loggerFactory: logs);
        await redis.WaitForSubscribersAsync(Channel, 1);

        await redis.StopAsync();
        await WaitUntilAsync(() => logs.Count(Lost) > 0);
        for (var i = 0; i < 50; i++)
        {
            await a.Notifier.NotifyAsync(Alice);
        }

        await redis.StartAsync();
        await WaitUntilAsync(() => logs.Count(Restored) > 0);
        await redis.WaitForSubscribersAsync(Channel, 1);
        await Task.Delay(TimeSpan.FromSeconds(1));

        logs.Count(Lost).Should().Be(1, "every connection and every reconnect attempt fails, but the outage is one");
        logs.Count(Restored).Should().Be(1);
    }

    [SkippableFact]
    public async Task An_instance_started_while_Redis_is_down_joins_when_it_comes_up()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await redis.StopAsync();
        using var a = await Instance.ConnectAsync(redis);
        using var signal = new SemaphoreSlim(0);
        using var local = a.Notifier.Subscribe(Alice, () => signal.Release());

        await a.Notifier.NotifyAsync(Alice);
        signal.CurrentCount.Should().Be(1, "local wake-ups work without Redis");

        await redis.StartAsync();
        using var b = await Instance.ConnectAsync(redis);
        await redis.WaitForSubscribersAsync(Channel, 2);
        await signal.WaitAsync();

        await b.Notifier.NotifyAsync(Alice);

        (await signal.WaitAsync(Within)).Should().BeTrue("A subscribed once Redis came up");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A fresh Redis server and two instances subscribed to it.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private Pair(RedisServer redis, Instance a, Instance b) => (Redis, A, B) = (redis, a, b);

        public RedisServer Redis { get; }

        public Instance A { get; }

        public Instance B { get; }

        public static async Task<Pair> StartAsync()
        {
            var redis = await RedisServer.StartNewAsync();
            var pair = new Pair(redis, await Instance.ConnectAsync(redis), await Instance.ConnectAsync(redis));
            await redis.WaitForSubscribersAsync(Channel, 2);
            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            await Redis.DisposeAsync();
        }
    }

    /// <summary>One "instance": its own connection and notifier.</summary>
    private sealed class Instance : IDisposable
    {
        private readonly ConnectionMultiplexer _connection;

        private Instance(ConnectionMultiplexer connection, TimeSpan debounce, ILoggerFactory? loggerFactory)
        {
            _connection = connection;
            Notifier = new RedisChangeNotifier(connection, Options.Create(new RedisOptions { Configuration = "unused", DebounceInterval = debounce }), loggerFactory: loggerFactory);
        }

        public RedisChangeNotifier Notifier { get; }

        public static async Task<Instance> ConnectAsync(RedisServer redis, TimeSpan? debounce = null, ILoggerFactory? loggerFactory = null) =>
            new(await ConnectionMultiplexer.ConnectAsync(redis.Configuration), debounce ?? TimeSpan.FromMilliseconds(20), loggerFactory);

        public void Dispose()
        {
            Notifier.Dispose();
            _connection.Dispose();
        }
    }
}
