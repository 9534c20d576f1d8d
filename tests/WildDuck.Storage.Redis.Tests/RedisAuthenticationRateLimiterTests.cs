// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Security;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>Two limiters with their own connections stand for two instances sharing one real Redis.</summary>
public sealed class RedisAuthenticationRateLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>For four calls: far above four <see cref="RedisAuthenticationRateLimiter.CallTimeout"/>s, so that a slow machine does not fail the test, far below a hang.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Failures_recorded_on_one_instance_count_on_another_and_reach_the_limit()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var key = NewKey();

        (await a.RateLimiter.RecordFailureAsync(key, 3, Window)).Should().Be(new RateLimitStatus(false, 1, null));
        (await b.RateLimiter.RecordFailureAsync(key, 3, Window)).Should().Be(new RateLimitStatus(false, 2, null));
        (await b.RateLimiter.CheckAsync(key, 3, Window)).Failures.Should().Be(2);
        var third = await a.RateLimiter.RecordFailureAsync(key, 3, Window);

        third.Limited.Should().BeTrue();
        third.Failures.Should().Be(3);
        third.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(Window);
        var seenByB = await b.RateLimiter.CheckAsync(key, 3, Window);
        seenByB.Limited.Should().BeTrue("B sees the failures counted on A");
        seenByB.Failures.Should().Be(3);
        (await b.RateLimiter.CheckAsync(NewKey(), 3, Window)).Should().Be(new RateLimitStatus(false, 0, null));
    }

    [SkippableFact]
    public async Task The_window_starts_at_the_first_failure_and_is_not_extended_by_later_ones()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var key = NewKey();
        var window = TimeSpan.FromSeconds(2);

        await a.RateLimiter.RecordFailureAsync(key, 2, window);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var second = await b.RateLimiter.RecordFailureAsync(key, 2, window);

        second.Limited.Should().BeTrue();
        second.RetryAfter.Should().BeLessThan(window, "the second failure does not restart the window");
        await Task.Delay(window + TimeSpan.FromSeconds(1));
        (await b.RateLimiter.CheckAsync(key, 2, window)).Should().Be(new RateLimitStatus(false, 0, null), "the window ended");
        (await a.RateLimiter.RecordFailureAsync(key, 2, window)).Should().Be(new RateLimitStatus(false, 1, null), "a new window starts");
    }

    [SkippableFact]
    public async Task Reset_on_one_instance_clears_the_counter_for_all()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var key = NewKey();
        await a.RateLimiter.RecordFailureAsync(key, 2, Window);
        await a.RateLimiter.RecordFailureAsync(key, 2, Window);

        await b.RateLimiter.ResetAsync(key);

        (await a.RateLimiter.CheckAsync(key, 2, Window)).Should().Be(new RateLimitStatus(false, 0, null));
    }

    [SkippableFact]
    public async Task While_Redis_is_down_calls_return_promptly_and_limit_in_process_and_sharing_resumes_when_it_is_back()
    {
        await using var pair = await Pair.StartAsync();
        var (a, b) = (pair.A, pair.B);
        var key = NewKey();

        await pair.Redis.StopAsync();
        var clock = Stopwatch.StartNew();
        await a.RateLimiter.RecordFailureAsync(key, 2, Window);
        var second = await a.RateLimiter.RecordFailureAsync(key, 2, Window);
        var check = await a.RateLimiter.CheckAsync(key, 2, Window);
        await a.RateLimiter.ResetAsync(NewKey());
        clock.Elapsed.Should().BeLessThan(Promptly, "a login never hangs on Redis");
        second.Limited.Should().BeTrue("the in-process fallback still limits");
        check.Limited.Should().BeTrue();
        a.Logs.Count(7010).Should().Be(1, "the fallback is logged once per outage");

        await pair.Redis.StartAsync();
        await RedisServer.WaitConnectedAsync(a.Connection);
        await RedisServer.WaitConnectedAsync(b.Connection);
        var shared = NewKey();
        await a.RateLimiter.RecordFailureAsync(shared, 2, Window);
        await b.RateLimiter.RecordFailureAsync(shared, 2, Window);

        var seenByA = await a.RateLimiter.CheckAsync(shared, 2, Window);
        seenByA.Limited.Should().BeTrue("B's failure counted on A again");
        seenByA.Failures.Should().Be(2);
        a.Logs.Count(7011).Should().Be(1, "the recovery is logged once");
    }

    private static string NewKey() => "test:" + Guid.NewGuid().ToString("N");


    /// <summary>A fresh redis-server and two instances on it.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private Pair(RedisServer redis, Limiter a, Limiter b) => (Redis, A, B) = (redis, a, b);

        public RedisServer Redis { get; }

        public Limiter A { get; }

        public Limiter B { get; }

        public static async Task<Pair> StartAsync()
        {
            var redis = await RedisServer.StartNewAsync();
            return new Pair(redis, await Limiter.ConnectAsync(redis), await Limiter.ConnectAsync(redis));
        }

        public async ValueTask DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            await Redis.DisposeAsync();
        }
    }

    /// <summary>One instance: its own connection and limiter.</summary>
    private sealed class Limiter : IDisposable
    {
        private Limiter(ConnectionMultiplexer connection)
        {
            Connection = connection;
            RateLimiter = new RedisAuthenticationRateLimiter(connection, Options.Create(new RedisOptions()), loggerFactory: Logs);
        }

        public ConnectionMultiplexer Connection { get; }

        public CollectingLoggerFactory Logs { get; } = new();

        public RedisAuthenticationRateLimiter RateLimiter { get; }

        public static async Task<Limiter> ConnectAsync(RedisServer redis)
        {
            var limiter = new Limiter(await ConnectionMultiplexer.ConnectAsync(redis.Configuration));

            // Each call waits at most RedisOutage.CallTimeout (500 ms) before it falls back to the
            // in-process counter. The first calls of a process pay for JIT and script loading, which
            // on a loaded machine can take longer: take them here, on a key no test uses, so that
            // the tests' own calls measure the shared counter rather than the warm-up.
            var warmUp = "warm-up-" + Guid.NewGuid().ToString("N");
            await limiter.RateLimiter.RecordFailureAsync(warmUp, 3, Window);
            await limiter.RateLimiter.CheckAsync(warmUp, 3, Window);
            await limiter.RateLimiter.ResetAsync(warmUp);
            return limiter;
        }

        public void Dispose() => Connection.Dispose();
    }
}
