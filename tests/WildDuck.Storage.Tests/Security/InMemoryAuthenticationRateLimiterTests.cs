// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Security;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class InMemoryAuthenticationRateLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Counts_failures_in_a_window_that_starts_at_the_first_failure()
    {
        var time = new ManualTimeProvider();
        var limiter = new InMemoryAuthenticationRateLimiter(time);

        (await limiter.CheckAsync("k", 2, Window)).Should().Be(new RateLimitStatus(false, 0, null));
        (await limiter.RecordFailureAsync("k", 2, Window)).Limited.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(100));
        RateLimitStatus second = await limiter.RecordFailureAsync("k", 2, Window);
        second.Limited.Should().BeTrue();
        second.RetryAfter.Should().Be(TimeSpan.FromSeconds(20));
        time.Advance(TimeSpan.FromSeconds(20));
        (await limiter.CheckAsync("k", 2, Window)).Limited.Should().BeFalse();
    }

    [Fact]
    public async Task Reset_clears_a_key()
    {
        var limiter = new InMemoryAuthenticationRateLimiter(new ManualTimeProvider());
        await limiter.RecordFailureAsync("k", 1, Window);

        await limiter.ResetAsync("k");

        (await limiter.CheckAsync("k", 1, Window)).Failures.Should().Be(0);
    }

    [Fact]
    public async Task Memory_stays_bounded()
    {
        var time = new ManualTimeProvider();
        var limiter = new InMemoryAuthenticationRateLimiter(time, maxKeys: 100);

        for (int i = 0; i < 1000; i++)
        {
            await limiter.RecordFailureAsync("key" + i, 5, Window);
        }

        limiter.Count.Should().BeLessThanOrEqualTo(100);
        time.Advance(TimeSpan.FromMinutes(5));
        await limiter.RecordFailureAsync("fresh", 5, Window);
        limiter.Count.Should().Be(1, "expired windows are swept");
    }

    [Fact]
    public async Task Is_thread_safe()
    {
        var limiter = new InMemoryAuthenticationRateLimiter(new ManualTimeProvider());

        await Parallel.ForAsync(0, 1000, async (_, ct) => await limiter.RecordFailureAsync("shared", 10_000, Window, ct));

        (await limiter.CheckAsync("shared", 10_000, Window)).Failures.Should().Be(1000);
    }
}
