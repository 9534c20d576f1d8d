// SPDX-License-Identifier: MIT
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Pop3.Tests;

public class OptionsTests
{
    [Fact]
    public void Defaults_follow_the_documentation()
    {
        var options = new Pop3Options();
        (options.Port, options.TlsPort, options.MaxMessages, options.DeleteBehavior, options.ExclusiveLock).Should().Be((1110, 1995, 250, Pop3DeleteBehavior.Trash, true));
        (options.MaxCommandLength, options.IdleTimeout).Should().Be((255, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void AddPop3_binds_from_configuration_as_the_sample_host_does()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WildDuck:Pop3:Port"] = "0",
            ["WildDuck:Pop3:TlsPort"] = "0",
            ["WildDuck:Pop3:MaxMessages"] = "7",
            ["WildDuck:Pop3:DeleteBehavior"] = "Expunge",
            ["WildDuck:Pop3:IdleTimeout"] = "00:20:00",
        }).Build();
        var section = configuration.GetSection("WildDuck");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck().AddPop3(o => section.GetSection("Pop3").Bind(o));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<Pop3Options>>().Value;
        (options.MaxMessages, options.DeleteBehavior, options.IdleTimeout).Should().Be((7, Pop3DeleteBehavior.Expunge, TimeSpan.FromMinutes(20)));
    }

    [Theory]
    [InlineData(0, 255, 10)]
    [InlineData(250, 10, 10)]
    [InlineData(250, 255, 0)]
    public void Invalid_options_fail_when_resolved(int maxMessages, int maxCommandLength, int idleMinutes)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck().AddPop3(o =>
        {
            o.Port = 0;
            o.TlsPort = 0;
            o.MaxMessages = maxMessages;
            o.MaxCommandLength = maxCommandLength;
            o.IdleTimeout = TimeSpan.FromMinutes(idleMinutes);
        });
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IOptions<Pop3Options>>().Value;
        act.Should().Throw<OptionsValidationException>();
    }
}
