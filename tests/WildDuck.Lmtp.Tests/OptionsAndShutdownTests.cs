// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildDuck.Hosting;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Lmtp.Tests;

public sealed class OptionsAndShutdownTests
{
    [Fact]
    public void Defaults_follow_wildduck()
    {
        var options = new LmtpOptions();
        options.Host.Should().Be("127.0.0.1");
        options.Port.Should().Be(2424);
        options.EnableStartTls.Should().BeFalse();
        options.MaxMessageSize.Should().Be(64L * 1024 * 1024);
        options.Vrfy.Should().Be(LmtpVrfyMode.CannotVerify);
    }

    [Theory]
    [InlineData("MaxMessageSize")]
    [InlineData("MaxRecipients")]
    [InlineData("InactivityTimeout")]
    [InlineData("Port")]
    [InlineData("MaxBadCommands")]
    public void Invalid_options_fail_when_resolved(string which)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck().UseSqliteStorage(o => o.Path = ":memory:").AddLmtp(o =>
        {
            switch (which)
            {
                case "MaxMessageSize": o.MaxMessageSize = 10; break;
                case "MaxRecipients": o.MaxRecipients = 5; break;
                case "InactivityTimeout": o.InactivityTimeout = TimeSpan.Zero; break;
                case "Port": o.Port = 70000; break;
                default: o.MaxBadCommands = 0; break;
            }
        });
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IOptions<LmtpOptions>>().Value;
        act.Should().Throw<OptionsValidationException>().WithMessage("*" + which + "*");
    }

    [Fact]
    public async Task Server_stopping_says_421_and_ends_the_session()
    {
        await using var server = await LmtpTestServer.StartAsync();
        using var stopping = new CancellationTokenSource();
        var (stream, session) = server.ConnectInMemory(TlsMode.None, null, stopping.Token);
        await using var client = await LmtpClient.OverStreamAsync(stream);
        (await client.CommandAsync("LHLO mx")).Should().StartWith("250-");
        await stopping.CancelAsync();
        (await client.ReadReplyAsync()).Should().StartWith("421 4.3.2");
        await session.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
