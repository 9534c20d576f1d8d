// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildDuck.Hosting.Internal;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Hosting.Tests;

public class ConnectionLimiterTests
{
    private static InMemoryConnectionLimiter Create(Action<ConnectionLimitOptions>? configure = null)
    {
        var options = new ConnectionLimitOptions();
        configure?.Invoke(options);
        return new InMemoryConnectionLimiter(Options.Create(options));
    }

    [Fact]
    public void FifteenImapConnectionsPerUserByDefault()
    {
        var limiter = Create();
        var user = UserId.NewId();
        var leases = new List<IDisposable>();
        for (int i = 0; i < 15; i++)
        {
            limiter.TryAcquire("imap", user, out var lease).Should().BeTrue("connection {0} is within the limit", i + 1);
            leases.Add(lease!);
        }

        limiter.TryAcquire("imap", user, out var refused).Should().BeFalse();
        refused.Should().BeNull();
        limiter.GetCount("imap", user).Should().Be(15);
    }

    [Fact]
    public void ReleasingALeaseFreesASlotOnce()
    {
        var limiter = Create(o => o.PerProtocol["imap"] = 2);
        var user = UserId.NewId();
        limiter.TryAcquire("imap", user, out var a).Should().BeTrue();
        limiter.TryAcquire("imap", user, out _).Should().BeTrue();
        limiter.TryAcquire("imap", user, out _).Should().BeFalse();
        a!.Dispose();
        a.Dispose();
        limiter.GetCount("imap", user).Should().Be(1, "a double dispose releases only one slot");
        limiter.TryAcquire("imap", user, out _).Should().BeTrue();
        limiter.TryAcquire("imap", user, out _).Should().BeFalse();
    }

    [Fact]
    public void UsersAreIsolated()
    {
        var limiter = Create(o => o.PerProtocol["imap"] = 1);
        var alice = UserId.NewId();
        var bob = UserId.NewId();
        limiter.TryAcquire("imap", alice, out _).Should().BeTrue();
        limiter.TryAcquire("imap", alice, out _).Should().BeFalse();
        limiter.TryAcquire("imap", bob, out _).Should().BeTrue();
        limiter.GetCount("imap", bob).Should().Be(1);
    }

    [Fact]
    public void ProtocolsAreIsolatedAndCaseInsensitive()
    {
        var limiter = Create(o =>
        {
            o.PerProtocol["imap"] = 1;
            o.DefaultLimit = 3;
        });
        var user = UserId.NewId();
        limiter.TryAcquire("IMAP", user, out _).Should().BeTrue();
        limiter.TryAcquire("imap", user, out _).Should().BeFalse();
        limiter.GetCount("Imap", user).Should().Be(1);
        for (int i = 0; i < 3; i++)
        {
            limiter.TryAcquire("pop3", user, out _).Should().BeTrue();
        }

        limiter.TryAcquire("pop3", user, out _).Should().BeFalse("pop3 uses the default limit");
    }

    [Fact]
    public void UnknownUsersHaveNoConnections()
    {
        Create().GetCount("imap", UserId.NewId()).Should().Be(0);
    }

    [Fact]
    public async Task ConcurrentAcquireAndReleaseNeverExceedTheLimit()
    {
        var limiter = Create(o => o.PerProtocol["imap"] = 15);
        var user = UserId.NewId();
        int peak = 0;
        int violations = 0;
        var tasks = new List<Task>();
        for (int t = 0; t < 8; t++)
        {
            tasks.Add(Task.Run(() =>
            {
                for (int i = 0; i < 5000; i++)
                {
                    if (limiter.TryAcquire("imap", user, out var lease))
                    {
                        int count = limiter.GetCount("imap", user);
                        if (count > 15)
                        {
                            System.Threading.Interlocked.Increment(ref violations);
                        }

                        int seen;
                        while ((seen = System.Threading.Volatile.Read(ref peak)) < count && System.Threading.Interlocked.CompareExchange(ref peak, count, seen) != seen)
                        {
                        }

                        lease!.Dispose();
                    }
                }
            }));
        }

        await Task.WhenAll(tasks);
        violations.Should().Be(0);
        peak.Should().BeLessThanOrEqualTo(15);
        limiter.GetCount("imap", user).Should().Be(0, "every lease was released");
    }

    [Fact]
    public void RegisteredByAddListenerAndConfigurable()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck()
            .ConfigureConnectionLimits(o => o.PerProtocol["imap"] = 1)
            .AddListener(new ListenerOptions { Name = "x", Port = 0 }, _ => new LineHandler());
        using var provider = services.BuildServiceProvider();
        var limiter = provider.GetRequiredService<IConnectionLimiter>();
        var user = UserId.NewId();
        limiter.TryAcquire("imap", user, out _).Should().BeTrue();
        limiter.TryAcquire("imap", user, out _).Should().BeFalse();
    }
}
