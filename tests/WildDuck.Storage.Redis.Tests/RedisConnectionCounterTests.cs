// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>Counters with their own connections stand for instances sharing one real Redis.</summary>
public sealed class RedisConnectionCounterTests
{
    /// <summary>Far above the 500 ms a call may wait for Redis, so that a slow machine does not fail the test, far below a hang.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    /// <summary>How long a test polls for something that happens by itself (an expiry, a reconnect).</summary>
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task The_limit_counts_the_sessions_of_every_instance()
    {
        await using var redis = await RedisServer.StartNewAsync();
        using var a = await Instance.ConnectAsync(redis);
        using var b = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();

        (await a.Counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull();
        (await b.Counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull();

        (await a.Counter.TryAcquireAsync("imap", user, 2)).Should().BeNull("B's session counts on A");
        (await b.Counter.TryAcquireAsync("IMAP", user, 2)).Should().BeNull("protocol names are case-insensitive");
        (await b.Counter.GetCountAsync("imap", user)).Should().Be(2);
        (await b.Counter.TryAcquireAsync("pop3", user, 2)).Should().NotBeNull("each protocol has its own count");
        (await a.Counter.TryAcquireAsync("imap", UserId.NewId(), 2)).Should().NotBeNull("each user has its own count");
        (a.Logs.Count(7020) + b.Logs.Count(7020)).Should().Be(0, "every call reached Redis");
    }

    [SkippableFact]
    public async Task Releasing_a_lease_frees_its_slot_for_the_other_instance_once()
    {
        await using var redis = await RedisServer.StartNewAsync();
        using var a = await Instance.ConnectAsync(redis);
        using var b = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();
        var first = await a.Counter.TryAcquireAsync("imap", user, 2);
        (await a.Counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull();
        (await b.Counter.TryAcquireAsync("imap", user, 2)).Should().BeNull();

        await first!.DisposeAsync();
        await first.DisposeAsync();

        (await b.Counter.GetCountAsync("imap", user)).Should().Be(1, "a double dispose releases one slot");
        (await b.Counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull();
        (await b.Counter.TryAcquireAsync("imap", user, 2)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Concurrent_acquires_on_two_instances_never_exceed_the_limit()
    {
        await using var redis = await RedisServer.StartNewAsync();
        using var a = await Instance.ConnectAsync(redis);
        using var b = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();

        var attempts = Enumerable.Range(0, 40)
            .Select(i => (i % 2 == 0 ? a : b).Counter.TryAcquireAsync("imap", user, 5).AsTask());
        var leases = await Task.WhenAll(attempts);

        leases.Count(l => l is not null).Should().Be(5);
        (await a.Counter.GetCountAsync("imap", user)).Should().Be(5);
    }

    [SkippableFact]
    public async Task The_lease_of_an_instance_that_died_expires_after_its_TTL()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var ttl = TimeSpan.FromSeconds(5);
        using var b = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();
        var crashed = await Instance.ConnectAsync(redis, ttl);
        var acquired = Stopwatch.StartNew();
        (await crashed.Counter.TryAcquireAsync("pop3-maildrop", user, 1)).Should().NotBeNull();

        // Killed: it neither refreshes nor releases its lease any more.
        crashed.Dispose();

        (await b.Counter.TryAcquireAsync("pop3-maildrop", user, 1)).Should().BeNull("the lease is still live");
        ConnectionLease? lease;
        while ((lease = await b.Counter.TryAcquireAsync("pop3-maildrop", user, 1)) is null)
        {
            acquired.Elapsed.Should().BeLessThan(Eventually, "the dead instance's lease expires");
            await Task.Delay(100);
        }

        acquired.Elapsed.Should().BeGreaterThanOrEqualTo(ttl - TimeSpan.FromMilliseconds(100), "the slot frees only when the lease expires");
    }

    [SkippableFact]
    public async Task Live_leases_are_refreshed_and_outlive_their_TTL()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var ttl = TimeSpan.FromSeconds(7.5);
        using var a = await Instance.ConnectAsync(redis, ttl);
        using var b = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();
        (await a.Counter.TryAcquireAsync("imap", user, 1)).Should().NotBeNull();
        RedisKey key = "wd:conn:IMAP:" + user;
        var firstExpiry = await ExpiryAsync(a.Connection, key);

        // Wait on Redis's clock, not by sleeping, until the lease would have expired twice over without refreshes.
        var until = Stopwatch.StartNew();
        while (await ServerTimeMsAsync(a.Connection) < firstExpiry + ttl.TotalMilliseconds)
        {
            until.Elapsed.Should().BeLessThan(Eventually);
            await Task.Delay(100);
        }

        (await ExpiryAsync(a.Connection, key)).Should().BeGreaterThan(firstExpiry + ttl.TotalMilliseconds, "A refreshed it every TTL/3");
        (await b.Counter.TryAcquireAsync("imap", user, 1)).Should().BeNull("the refreshed lease still counts");
        (await b.Counter.GetCountAsync("imap", user)).Should().Be(1);
    }

    [SkippableFact]
    public async Task While_Redis_is_down_acquires_are_prompt_and_counted_in_process_and_shared_again_when_it_is_back()
    {
        await using var redis = await RedisServer.StartNewAsync();
        using var a = await Instance.ConnectAsync(redis, TimeSpan.FromSeconds(3));
        using var b = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();
        var beforeOutage = await a.Counter.TryAcquireAsync("imap", user, 2);
        beforeOutage.Should().NotBeNull();

        await redis.StopAsync();
        var clock = Stopwatch.StartNew();
        var duringOutage = await a.Counter.TryAcquireAsync("imap", user, 2);
        var refused = await a.Counter.TryAcquireAsync("imap", user, 2);
        var count = await a.Counter.GetCountAsync("imap", user);
        var onB = await b.Counter.TryAcquireAsync("imap", user, 2);
        clock.Elapsed.Should().BeLessThan(Promptly, "a login never hangs on Redis");
        duringOutage.Should().NotBeNull("a login is never refused because Redis is down");
        refused.Should().BeNull("the in-process count still limits this instance");
        count.Should().Be(2);
        onB.Should().NotBeNull("B counts only its own sessions while Redis is down");
        await onB!.DisposeAsync();
        a.Logs.Count(7020).Should().Be(1, "the fallback is logged once per outage");

        // Redis comes back empty (no persistence): A writes its live leases, both of them, back by itself.
        await redis.StartAsync();
        await RedisServer.WaitConnectedAsync(a.Connection);
        await RedisServer.WaitConnectedAsync(b.Connection);
        var until = Stopwatch.StartNew();
        while (await b.Counter.GetCountAsync("imap", user) < 2)
        {
            until.Elapsed.Should().BeLessThan(Eventually, "A registers its sessions again");
            await Task.Delay(100);
        }

        (await b.Counter.TryAcquireAsync("imap", user, 2)).Should().BeNull("A's sessions count on B again");
        await duringOutage!.DisposeAsync();
        (await b.Counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull("releases reach Redis again");
        a.Logs.Count(7021).Should().Be(1, "the recovery is logged once");
    }

    [SkippableFact]
    public async Task The_set_expires_with_its_last_lease_and_goes_with_the_last_release()
    {
        await using var redis = await RedisServer.StartNewAsync();
        using var a = await Instance.ConnectAsync(redis);
        var user = UserId.NewId();
        var lease = await a.Counter.TryAcquireAsync("imap", user, 3);
        RedisKey key = "wd:conn:IMAP:" + user;
        var ttl = await a.Connection.GetDatabase().KeyTimeToLiveAsync(key);
        ttl.Should().NotBeNull().And.BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(new RedisOptions().ConnectionLeaseTtl);

        await lease!.DisposeAsync();

        (await a.Connection.GetDatabase().KeyExistsAsync(key)).Should().BeFalse("the last release removes the set");
    }

    /// <summary>The single lease's expiry in the set at <paramref name="key"/>, in Redis milliseconds.</summary>
    private static async Task<double> ExpiryAsync(ConnectionMultiplexer connection, RedisKey key)
    {
        var entries = await connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(key);
        entries.Should().ContainSingle();
        return entries[0].Score;
    }

    private static async Task<double> ServerTimeMsAsync(ConnectionMultiplexer connection)
    {
        var now = await connection.GetServer(connection.GetEndPoints()[0]).TimeAsync();
        return (now - DateTime.UnixEpoch).TotalMilliseconds;
    }


    /// <summary>One instance: its own connection and counter.</summary>
    private sealed class Instance : IDisposable
    {
        private Instance(ConnectionMultiplexer connection, TimeSpan ttl)
        {
            Connection = connection;
            Counter = new RedisConnectionCounter(connection, Options.Create(new RedisOptions { ConnectionLeaseTtl = ttl }), loggerFactory: Logs);
        }

        public ConnectionMultiplexer Connection { get; }

        public CollectingLoggerFactory Logs { get; } = new();

        public RedisConnectionCounter Counter { get; }

        public static async Task<Instance> ConnectAsync(RedisServer redis, TimeSpan? ttl = null) =>
            new(await ConnectionMultiplexer.ConnectAsync(redis.Configuration), ttl ?? new RedisOptions().ConnectionLeaseTtl);

        public void Dispose()
        {
            Counter.Dispose();
            Connection.Dispose();
        }
    }
}
