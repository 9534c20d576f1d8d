// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Connections;
using Xunit;

namespace WildDuck.Hosting.Tests;

/// <summary>The limiter the engines use: the limits of <see cref="ConnectionLimitOptions"/>, counted by the registered <see cref="IConnectionCounter"/>.</summary>
public class ConnectionLimiterTests
{
    [Fact]
    public async Task Uses_the_configured_limits_and_the_in_process_counter_by_default()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck()
            .ConfigureConnectionLimits(o =>
            {
                o.PerProtocol["imap"] = 1;
                o.DefaultLimit = 2;
            })
            .AddListener(new ListenerOptions { Name = "x", Port = 0 }, _ => new LineHandler());
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IConnectionCounter>().Should().BeOfType<InMemoryConnectionCounter>();
        var limiter = provider.GetRequiredService<ConnectionLimiter>();
        var user = UserId.NewId();

        (await limiter.TryAcquireAsync("IMAP", user, CancellationToken.None)).Should().NotBeNull();
        (await limiter.TryAcquireAsync("imap", user, CancellationToken.None)).Should().BeNull("imap is limited to one");
        (await limiter.TryAcquireAsync("pop3", user, CancellationToken.None)).Should().NotBeNull();
        (await limiter.TryAcquireAsync("pop3", user, CancellationToken.None)).Should().NotBeNull();
        (await limiter.TryAcquireAsync("pop3", user, CancellationToken.None)).Should().BeNull("pop3 uses the default limit");
    }

    [Fact]
    public async Task A_counter_registered_first_replaces_the_default()
    {
        var mine = new InMemoryConnectionCounter();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConnectionCounter>(mine);
        services.AddWildDuck().ConfigureConnectionLimits(o => o.PerProtocol["imap"] = 3);
        using var provider = services.BuildServiceProvider();
        var user = UserId.NewId();

        await using var lease = await provider.GetRequiredService<ConnectionLimiter>().TryAcquireAsync("imap", user, CancellationToken.None);

        lease.Should().NotBeNull();
        mine.GetCount("imap", user).Should().Be(1);
    }
}
