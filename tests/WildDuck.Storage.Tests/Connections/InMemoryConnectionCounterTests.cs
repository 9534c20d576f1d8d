// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Connections;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class InMemoryConnectionCounterTests
{
    [Fact]
    public async Task Refuses_once_the_limit_is_reached()
    {
        var counter = new InMemoryConnectionCounter();
        var user = UserId.NewId();
        var leases = new List<ConnectionLease>();
        for (int i = 0; i < 15; i++)
        {
            var lease = await counter.TryAcquireAsync("imap", user, 15);
            lease.Should().NotBeNull("connection {0} is within the limit", i + 1);
            leases.Add(lease!);
        }

        (await counter.TryAcquireAsync("imap", user, 15)).Should().BeNull();
        (await counter.GetCountAsync("imap", user)).Should().Be(15);
    }

    [Fact]
    public async Task Releasing_a_lease_frees_a_slot_once()
    {
        var counter = new InMemoryConnectionCounter();
        var user = UserId.NewId();
        var a = await counter.TryAcquireAsync("imap", user, 2);
        (await counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull();
        (await counter.TryAcquireAsync("imap", user, 2)).Should().BeNull();

        await a!.DisposeAsync();
        await a.DisposeAsync();

        (await counter.GetCountAsync("imap", user)).Should().Be(1, "a double dispose releases only one slot");
        (await counter.TryAcquireAsync("imap", user, 2)).Should().NotBeNull();
        (await counter.TryAcquireAsync("imap", user, 2)).Should().BeNull();
    }

    [Fact]
    public void Users_are_isolated()
    {
        var counter = new InMemoryConnectionCounter();
        var (alice, bob) = (UserId.NewId(), UserId.NewId());
        counter.TryAcquire("imap", alice, 1).Should().NotBeNull();
        counter.TryAcquire("imap", alice, 1).Should().BeNull();
        counter.TryAcquire("imap", bob, 1).Should().NotBeNull();
        counter.GetCount("imap", bob).Should().Be(1);
    }

    [Fact]
    public void Protocols_are_isolated_and_case_insensitive()
    {
        var counter = new InMemoryConnectionCounter();
        var user = UserId.NewId();
        counter.TryAcquire("IMAP", user, 1).Should().NotBeNull();
        counter.TryAcquire("imap", user, 1).Should().BeNull();
        counter.GetCount("Imap", user).Should().Be(1);
        counter.TryAcquire("pop3", user, 1).Should().NotBeNull("another protocol has its own slots");
    }

    [Fact]
    public void A_limit_of_zero_refuses_and_a_negative_one_is_an_error()
    {
        var counter = new InMemoryConnectionCounter();
        counter.TryAcquire("imap", UserId.NewId(), 0).Should().BeNull();
        var negative = () => counter.TryAcquire("imap", UserId.NewId(), -1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Completes_synchronously_and_unknown_users_have_no_connections()
    {
        var counter = new InMemoryConnectionCounter();
        counter.TryAcquireAsync("imap", UserId.NewId(), 1).AsTask().IsCompletedSuccessfully.Should().BeTrue();
        (await counter.GetCountAsync("imap", UserId.NewId())).Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_acquire_and_release_never_exceed_the_limit()
    {
        var counter = new InMemoryConnectionCounter();
        var user = UserId.NewId();
        int peak = 0;
        var tasks = new List<Task>();
        for (int t = 0; t < 8; t++)
        {
            tasks.Add(Task.Run(async () =>
            {
                for (int i = 0; i < 5000; i++)
                {
                    if (counter.TryAcquire("imap", user, 15) is { } lease)
                    {
                        int count = counter.GetCount("imap", user);
                        int seen;
                        while ((seen = Volatile.Read(ref peak)) < count && Interlocked.CompareExchange(ref peak, count, seen) != seen)
                        {
                        }

                        await lease.DisposeAsync();
                    }
                }
            }));
        }

        await Task.WhenAll(tasks);
        peak.Should().BeInRange(1, 15);
        counter.GetCount("imap", user).Should().Be(0, "every lease was released");
    }
}
