// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Counters;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class InMemoryForwardCounterTests
{
    [Fact]
    public async Task Counts_copies_up_to_the_limit_and_a_refused_request_counts_nothing()
    {
        var counter = new InMemoryForwardCounter(new ManualTimeProvider());
        var user = UserId.NewId();

        (await counter.TryConsumeAsync(user, 2, 5)).Should().BeTrue();
        (await counter.TryConsumeAsync(user, 4, 5)).Should().BeFalse("2 + 4 passes the limit");
        (await counter.TryConsumeAsync(user, 3, 5)).Should().BeTrue("the refused request counted nothing");
        (await counter.TryConsumeAsync(user, 1, 5)).Should().BeFalse();
        (await counter.TryConsumeAsync(UserId.NewId(), 5, 5)).Should().BeTrue("each user has a counter of their own");
    }

    [Fact]
    public async Task Usage_reads_the_count_and_the_time_left_without_counting()
    {
        var time = new ManualTimeProvider();
        var counter = new InMemoryForwardCounter(time);
        var user = UserId.NewId();

        (await counter.GetUsageAsync(user)).Should().Be(CounterUsage.None, "no window is open before the first forward");
        (await counter.TryConsumeAsync(user, 3, 5)).Should().BeTrue();
        time.Advance(TimeSpan.FromHours(10));
        (await counter.GetUsageAsync(user)).Should().Be(new CounterUsage(3, TimeSpan.FromHours(14)));
        (await counter.GetUsageAsync(user)).Used.Should().Be(3, "reading counts nothing");
        (await counter.TryConsumeAsync(user, 2, 5)).Should().BeTrue("reading left the whole remainder");
        (await counter.GetUsageAsync(UserId.NewId())).Should().Be(CounterUsage.None, "each user has a counter of their own");

        time.Advance(TimeSpan.FromHours(14));
        (await counter.GetUsageAsync(user)).Should().Be(CounterUsage.None, "the window ended");
    }

    [Fact]
    public async Task More_copies_than_the_limit_and_a_limit_of_zero_are_refused()
    {
        var counter = new InMemoryForwardCounter(new ManualTimeProvider());
        var user = UserId.NewId();

        (await counter.TryConsumeAsync(user, 3, 2)).Should().BeFalse();
        (await counter.TryConsumeAsync(user, 1, 0)).Should().BeFalse();
        (await counter.TryConsumeAsync(user, 2, 2)).Should().BeTrue();
    }

    [Fact]
    public async Task The_window_is_fixed_from_the_first_forward_and_a_new_one_starts_when_it_ends()
    {
        var time = new ManualTimeProvider();
        var counter = new InMemoryForwardCounter(time);
        var user = UserId.NewId();
        counter.Window.Should().Be(TimeSpan.FromDays(1), "WildDuck counts forwards per 24 hours");

        (await counter.TryConsumeAsync(user, 1, 2)).Should().BeTrue();
        time.Advance(TimeSpan.FromHours(23));
        (await counter.TryConsumeAsync(user, 1, 2)).Should().BeTrue();
        (await counter.TryConsumeAsync(user, 1, 2)).Should().BeFalse();
        time.Advance(TimeSpan.FromHours(1));
        (await counter.TryConsumeAsync(user, 2, 2)).Should().BeTrue("the window opened by the first forward ended; later forwards did not extend it");
        (await counter.TryConsumeAsync(user, 1, 2)).Should().BeFalse();
    }

    [Fact]
    public async Task A_custom_window_applies_and_ended_windows_are_swept()
    {
        var time = new ManualTimeProvider();
        var counter = new InMemoryForwardCounter(time, TimeSpan.FromMinutes(1));
        foreach (var user in Enumerable.Range(0, 10).Select(_ => UserId.NewId()))
        {
            (await counter.TryConsumeAsync(user, 1, 1)).Should().BeTrue();
        }

        counter.Count.Should().Be(10);
        time.Advance(TimeSpan.FromMinutes(11));
        (await counter.TryConsumeAsync(UserId.NewId(), 1, 1)).Should().BeTrue();
        counter.Count.Should().Be(1, "opening a window swept the ended ones");
    }

    [Fact]
    public async Task Concurrent_requests_never_pass_the_limit_together()
    {
        var counter = new InMemoryForwardCounter(new ManualTimeProvider());
        var user = UserId.NewId();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await counter.TryConsumeAsync(user, 1, 50))));

        results.Count(r => r).Should().Be(50);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var counter = new InMemoryForwardCounter();

        FluentActions.Invoking(() => counter.TryConsume(UserId.NewId(), -1, 5)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => counter.TryConsume(UserId.NewId(), 1, -1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new InMemoryForwardCounter(window: TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
