// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Security;
using WildDuck.Storage.Sqlite;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>The registration: UseRedis wins over the in-process default whatever the call order.</summary>
public sealed class UseRedisTests
{
    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UseRedis_replaces_the_notifier_the_rate_limiter_and_the_connection_and_forward_counters_in_either_order_and_keeps_the_journal_watcher(bool redisFirst)
    {
        await using var redis = await RedisServer.StartNewAsync();
        var services = new ServiceCollection();
        var builder = services.AddWildDuck(o => o.Hostname = "mail.example.test");
        var path = Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N"), "wildduck.db");
        if (redisFirst)
        {
            builder.UseRedis(o => o.Configuration = redis.Configuration).UseSqliteStorage(o => o.Path = path);
        }
        else
        {
            builder.UseSqliteStorage(o => o.Path = path).UseRedis(o => o.Configuration = redis.Configuration);
        }

        services.Should().ContainSingle(d => d.ServiceType == typeof(IChangeNotifier));
        services.Should().ContainSingle(d => d.ServiceType == typeof(IAuthenticationRateLimiter));
        services.Should().ContainSingle(d => d.ServiceType == typeof(IConnectionCounter));
        services.Should().ContainSingle(d => d.ServiceType == typeof(IForwardCounter) && !d.IsKeyedService);
        services.Should().ContainSingle(d => d.ServiceType == typeof(IForwardCounter) && d.IsKeyedService && Equals(d.ServiceKey, CounterKeys.SubmittedRecipients));
        services.Should().ContainSingle(d => d.ServiceType == typeof(IUserSessions));
        services.Should().Contain(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType!.Name == "SqliteJournalWatcher",
            "the journal watcher stays the fallback while Redis is down");

        IConnectionMultiplexer connection;
        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IChangeNotifier>().Should().BeOfType<RedisChangeNotifier>()
                .And.BeSameAs(provider.GetRequiredService<RedisChangeNotifier>());
            provider.GetRequiredService<IAuthenticationRateLimiter>().Should().BeOfType<RedisAuthenticationRateLimiter>()
                .And.BeSameAs(provider.GetRequiredService<RedisAuthenticationRateLimiter>());
            provider.GetRequiredService<IConnectionCounter>().Should().BeOfType<RedisConnectionCounter>()
                .And.BeSameAs(provider.GetRequiredService<RedisConnectionCounter>());
            provider.GetRequiredService<IForwardCounter>().Should().BeOfType<RedisForwardCounter>()
                .And.BeSameAs(provider.GetRequiredService<RedisForwardCounter>());
            provider.GetRequiredKeyedService<IForwardCounter>(CounterKeys.SubmittedRecipients).Should().BeOfType<RedisForwardCounter>()
                .And.NotBeSameAs(provider.GetRequiredService<IForwardCounter>(), "submitted recipients have a counter of their own");
            provider.GetRequiredService<IUserSessions>().Should().BeOfType<RedisUserSessions>()
                .And.BeSameAs(provider.GetRequiredService<RedisUserSessions>());
            connection = provider.GetRequiredService<IConnectionMultiplexer>();
            connection.IsConnected.Should().BeTrue();
        }

        connection.IsConnected.Should().BeFalse("the container disposes the connection it created");
    }

    [Theory]
    [InlineData("", "wd:", 20)]
    [InlineData("127.0.0.1:6379", "wd:", -1)]
    [InlineData("127.0.0.1:6379", "wd:", 60_000)]
    [InlineData("127.0.0.1:6379", "w d:", 20)]
    [InlineData("127.0.0.1:6379", "wd:", 20, 999)]
    [InlineData("127.0.0.1:6379", "wd:", 20, 3_600_001)]
    public void Invalid_options_are_rejected(string configuration, string prefix, int debounceMs, int leaseTtlMs = 120_000)
    {
        var services = new ServiceCollection();
        services.AddWildDuck().UseRedis(o =>
        {
            o.Configuration = configuration;
            o.ChannelPrefix = prefix;
            o.DebounceInterval = TimeSpan.FromMilliseconds(debounceMs);
            o.ConnectionLeaseTtl = TimeSpan.FromMilliseconds(leaseTtlMs);
        });
        using var provider = services.BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<RedisOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle();
    }

    [Fact]
    public void The_defaults_are_valid_once_a_configuration_is_given()
    {
        var services = new ServiceCollection();
        services.AddWildDuck().UseRedis(o => o.Configuration = "127.0.0.1:6379,serviceName=mymaster");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RedisOptions>>().Value;

        options.ChannelPrefix.Should().Be("wd:");
        options.DebounceInterval.Should().Be(TimeSpan.FromMilliseconds(20));
        options.ConnectionLeaseTtl.Should().Be(TimeSpan.FromMinutes(2));
        _ = services.Single(d => d.ServiceType == typeof(IConnectionMultiplexer));
    }
}
