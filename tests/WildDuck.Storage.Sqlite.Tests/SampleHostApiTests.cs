// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WildDuck.Api;
using WildDuck.Server;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>The sample host serves the HTTP API on WildDuck:Api:Host/Port (loopback:8080 by default).</summary>
public sealed class SampleHostApiTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void The_api_is_served_on_loopback_8080_by_default()
    {
        using var host = ServerSetup.CreateBuilder(new[] { "--WildDuck:DataDirectory=" + _directory.Path }).Build();
        var options = host.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        options.Host.Should().Be("127.0.0.1");
        options.Port.Should().Be(8080);
        options.AccessToken.Should().BeNull("root access over HTTP needs a configured token");
        host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).Should().Contain("ApiServer");
    }

    [Fact]
    public void Host_port_and_token_come_from_configuration_and_the_api_can_be_switched_off()
    {
        using (var host = ServerSetup.CreateBuilder(new[]
        {
            "--WildDuck:DataDirectory=" + _directory.Path,
            "--WildDuck:Api:Host=0.0.0.0",
            "--WildDuck:Api:Port=9090",
            "--WildDuck:Api:AccessToken=a-long-enough-root-token",
        }).Build())
        {
            var options = host.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
            options.Host.Should().Be("0.0.0.0");
            options.Port.Should().Be(9090);
            options.AccessToken.Should().Be("a-long-enough-root-token");
        }

        using var off = ServerSetup.CreateBuilder(new[] { "--WildDuck:DataDirectory=" + _directory.Path, "--WildDuck:Api:Enabled=false" }).Build();
        off.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).Should().NotContain("ApiServer");
    }

    public void Dispose() => _directory.Dispose();
}
