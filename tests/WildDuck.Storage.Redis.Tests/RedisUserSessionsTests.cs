// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

public sealed class RedisUserSessionsTests
{
    [Fact]
    public async Task Without_Redis_a_logout_still_ends_this_instances_sessions_of_the_user_only()
    {
        // Port 1 on loopback refuses connections: Redis is down from the start.
        var configuration = ConfigurationOptions.Parse("127.0.0.1:1");
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 200;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        using var sessions = new RedisUserSessions(redis, Options.Create(new RedisOptions { Configuration = "127.0.0.1:1" }));
        var (alice, bob) = (UserId.NewId(), UserId.NewId());
        var told = new List<string>();
        using var first = sessions.Register(alice, reason => told.Add("alice 1: " + reason));
        using (sessions.Register(alice, reason => told.Add("alice 2: " + reason)))
        {
        }

        using var other = sessions.Register(bob, reason => told.Add("bob: " + reason));

        sessions.Logout(alice, "Bye: now").Should().Be(1, "the second session of alice ended before");
        told.Should().Equal("alice 1: Bye: now");
    }
}
