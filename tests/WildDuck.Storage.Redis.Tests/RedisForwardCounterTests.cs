// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>Two counters with their own connections stand for two instances sharing one real Redis.</summary>
public sealed class RedisForwardCounterTests
{
    /// <summary>For a few calls: far above their <see cref="RedisForwardCounter.CallTimeout"/>s, so that a slow machine does not fail the test, far below a hang.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Forwards_counted_on_one_instance_count_on_another_and_the_key_expires_with_the_day()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var user = UserId.NewId();

        (await a.Counter.TryConsumeAsync(user, 2, 5)).Should().BeTrue();
        (await b.Counter.TryConsumeAsync(user, 4, 5)).Should().BeFalse("A's two copies count on B: 2 + 4 passes the limit");
        (await b.Counter.TryConsumeAsync(user, 3, 5)).Should().BeTrue("the refused request counted nothing");
        (await a.Counter.TryConsumeAsync(user, 1, 5)).Should().BeFalse();
        (await b.Counter.TryConsumeAsync(UserId.NewId(), 5, 5)).Should().BeTrue("each user has a counter of their own");

        var db = a.Connection.GetDatabase();
        RedisKey key = "wd:fwd:" + user.ToString();
        ((long)await db.StringGetAsync(key)).Should().Be(5);
        var ttl = await db.KeyTimeToLiveAsync(key);
        ttl.Should().NotBeNull("no counter may live forever");
        ttl!.Value.Should().BeGreaterThan(TimeSpan.FromHours(23)).And.BeLessThanOrEqualTo(TimeSpan.FromDays(1));
    }

    [SkippableFact]
    public async Task Usage_reads_the_shared_count_and_the_key_expiry_without_counting()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var user = UserId.NewId();

        (await b.Counter.GetUsageAsync(user)).Should().Be(CounterUsage.None, "no key before the first forward");
        (await a.Counter.TryConsumeAsync(user, 3, 5)).Should().BeTrue();

        var usage = await b.Counter.GetUsageAsync(user);
        usage.Used.Should().Be(3, "A's copies are read on B");
        usage.TimeToReset.Should().NotBeNull();
        usage.TimeToReset!.Value.Should().BeGreaterThan(TimeSpan.FromHours(23)).And.BeLessThanOrEqualTo(TimeSpan.FromDays(1));
        ((long)await a.Connection.GetDatabase().StringGetAsync("wd:fwd:" + user.ToString())).Should().Be(3, "reading counts nothing");
        (await b.Counter.TryConsumeAsync(user, 2, 5)).Should().BeTrue();
        (await a.Counter.GetUsageAsync(user)).Used.Should().Be(5);
    }

    [SkippableFact]
    public async Task While_Redis_is_down_usage_reads_the_in_process_count()
    {
        await using var pair = await Pair.StartAsync();
        var a = pair.A;
        var user = UserId.NewId();
        (await a.Counter.TryConsumeAsync(user, 2, 5)).Should().BeTrue();

        await pair.Redis.StopAsync();
        var clock = Stopwatch.StartNew();
        (await a.Counter.GetUsageAsync(user)).Should().Be(CounterUsage.None, "nothing was counted in process before the outage");
        (await a.Counter.TryConsumeAsync(user, 1, 5)).Should().BeTrue();
        var usage = await a.Counter.GetUsageAsync(user);
        clock.Elapsed.Should().BeLessThan(Promptly, "a read never hangs on Redis");
        usage.Used.Should().Be(1, "the fallback reports what it counted during the outage");
        usage.TimeToReset.Should().NotBeNull();
    }

    [SkippableFact]
    public async Task Concurrent_requests_on_two_instances_never_pass_the_limit_together()
    {
        await using var pair = await Pair.StartAsync();
        var user = UserId.NewId();

        var requests = Enumerable.Range(0, 100)
            .Select(i => (i % 2 == 0 ? pair.A : pair.B).Counter)
            .Select(counter => Task.Run(async () => await counter.TryConsumeAsync(user, 1, 37)));
        var results = await Task.WhenAll(requests);

        results.Count(r => r).Should().Be(37);
        ((long)await pair.A.Connection.GetDatabase().StringGetAsync("wd:fwd:" + user.ToString())).Should().Be(37);
    }

    [SkippableFact]
    public async Task The_window_starts_at_the_first_forward_and_a_new_one_starts_when_it_ends()
    {
        var window = TimeSpan.FromSeconds(1);
        await using var pair = await Pair.StartAsync(window);
        var (a, b) = (pair.A, pair.B);
        var user = UserId.NewId();
        var db = a.Connection.GetDatabase();
        RedisKey key = "wd:fwd:" + user.ToString();

        (await a.Counter.TryConsumeAsync(user, 1, 2)).Should().BeTrue();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        (await b.Counter.TryConsumeAsync(user, 1, 2)).Should().BeTrue();
        (await db.KeyTimeToLiveAsync(key))!.Value.Should().BeLessThan(TimeSpan.FromMilliseconds(800), "the second forward does not restart the window");
        (await a.Counter.TryConsumeAsync(user, 1, 2)).Should().BeFalse();

        // Wait on Redis itself rather than a fixed sleep: the key goes when the window ends.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (await db.KeyExistsAsync(key))
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        (await b.Counter.TryConsumeAsync(user, 2, 2)).Should().BeTrue("a new window starts");
        (await a.Counter.TryConsumeAsync(user, 1, 2)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task While_Redis_is_down_requests_return_promptly_and_limit_in_process_and_sharing_resumes_when_it_is_back()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var user = UserId.NewId();

        await pair.Redis.StopAsync();
        var clock = Stopwatch.StartNew();
        var first = await a.Counter.TryConsumeAsync(user, 1, 2);
        var second = await a.Counter.TryConsumeAsync(user, 1, 2);
        var third = await a.Counter.TryConsumeAsync(user, 1, 2);
        clock.Elapsed.Should().BeLessThan(Promptly, "a delivery never hangs on Redis");
        first.Should().BeTrue("delivery is never refused for an outage");
        second.Should().BeTrue();
        third.Should().BeFalse("the in-process fallback still limits");
        a.Logs.Count(7030).Should().Be(1, "the fallback is logged once per outage");

        await pair.Redis.StartAsync();
        await RedisServer.WaitConnectedAsync(a.Connection);
        await RedisServer.WaitConnectedAsync(b.Connection);
        var shared = UserId.NewId();
        (await a.Counter.TryConsumeAsync(shared, 1, 1)).Should().BeTrue();
        (await b.Counter.TryConsumeAsync(shared, 1, 1)).Should().BeFalse("A's forward counts on B again");
        a.Logs.Count(7031).Should().Be(1, "the recovery is logged once");
    }

    /// <summary>A fresh redis-server and two instances on it.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private Pair(RedisServer redis, Instance a, Instance b) => (Redis, A, B) = (redis, a, b);

        public RedisServer Redis { get; }

        public Instance A { get; }

        public Instance B { get; }

        public static async Task<Pair> StartAsync(TimeSpan? window = null)
        {
            var redis = await RedisServer.StartNewAsync();
            return new Pair(redis, await Instance.ConnectAsync(redis, window), await Instance.ConnectAsync(redis, window));
        }

        public async ValueTask DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            await Redis.DisposeAsync();
        }
    }

    /// <summary>One instance: its own connection and counter.</summary>
    private sealed class Instance : IDisposable
    {
        private Instance(ConnectionMultiplexer connection, TimeSpan? window)
        {
            Connection = connection;
            Counter = new RedisForwardCounter(connection, Options.Create(new RedisOptions()), loggerFactory: Logs, window: window);
        }

        public ConnectionMultiplexer Connection { get; }

        public CollectingLoggerFactory Logs { get; } = new();

        public RedisForwardCounter Counter { get; }

        public static async Task<Instance> ConnectAsync(RedisServer redis, TimeSpan? window) =>
            new(await ConnectionMultiplexer.ConnectAsync(redis.Configuration), window);

        public void Dispose() => Connection.Dispose();
    }
}
