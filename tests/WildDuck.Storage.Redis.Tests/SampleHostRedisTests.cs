// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Server;
using WildDuck.Storage.Notifications;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>The sample host turns Redis on only when <c>WildDuck:Redis:Configuration</c> is set.</summary>
public sealed class SampleHostRedisTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public async Task The_sample_host_uses_the_Redis_notifier_when_configured()
    {
        await using var redis = await RedisServer.StartNewAsync();
        using var host = ServerSetup.CreateBuilder(new[]
        {
            "--WildDuck:DataDirectory=" + _directory,
            "--WildDuck:Redis:Configuration=" + redis.Configuration,
            "--WildDuck:Redis:ChannelPrefix=sample:",
        }).Build();

        host.Services.GetRequiredService<IChangeNotifier>().Should().BeOfType<RedisChangeNotifier>();
    }

    [Fact]
    public void The_sample_host_keeps_the_in_process_notifier_without_Redis()
    {
        using var host = ServerSetup.CreateBuilder(new[] { "--WildDuck:DataDirectory=" + _directory }).Build();

        host.Services.GetRequiredService<IChangeNotifier>().Should().BeOfType<InProcessChangeNotifier>();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
