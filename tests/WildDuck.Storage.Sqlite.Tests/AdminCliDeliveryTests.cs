// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Server;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>The admin CLI's <c>autoreply</c> and <c>forward</c> commands on a real store.</summary>
public sealed class AdminCliDeliveryTests : IDisposable
{
    private readonly AdminCliHost _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task AutoreplySetShowAndOff()
    {
        await CreateAliceAsync();
        var (code, output, error) = await _cli.Run(
            "autoreply", "set", "alice", "--subject", "Away", "--text", "Back on Monday.", "--name", "Alice A.",
            "--start", "2026-12-20T00:00Z", "--end", "2027-01-05T00:00Z");
        code.Should().Be(AdminCli.Ok, error);
        output.Should().Contain("autoreply set");

        var user = (await _cli.Services.GetRequiredService<IUserStore>().FindUserAsync("alice"))!;
        var stored = (await _cli.Services.GetRequiredService<IAutoreplyStore>().GetAutoreplyAsync(user.Id))!;
        stored.Should().Be(new AutoreplySettings
        {
            Enabled = true,
            Subject = "Away",
            Text = "Back on Monday.",
            Name = "Alice A.",
            Start = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero),
            End = new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.Zero),
        });

        (code, output, _) = await _cli.Run("autoreply", "show", "alice");
        code.Should().Be(AdminCli.Ok);
        output.Should().Contain("enabled: yes").And.Contain("2026-12-20 00:00 UTC .. 2027-01-05 00:00 UTC").And.Contain("Back on Monday.");

        (await _cli.Run("autoreply", "off", "alice")).Code.Should().Be(AdminCli.Ok);
        (await _cli.Services.GetRequiredService<IAutoreplyStore>().GetAutoreplyAsync(user.Id)).Should().BeNull();
    }

    [Theory]
    [InlineData("autoreply", "set", "alice", "--subject", "no text")]
    [InlineData("autoreply", "set", "alice", "--text", "x", "--start", "2027-01-02T00:00Z", "--end", "2027-01-01T00:00Z")]
    [InlineData("autoreply", "set", "alice", "--text", "x", "--start", "tomorrow")]
    [InlineData("forward", "set", "alice")]
    [InlineData("forward", "set", "alice", "not an address")]
    [InlineData("forward", "maybe", "alice")]
    public async Task BadArgumentsAreUsageErrors(params string[] args)
    {
        await CreateAliceAsync();
        (await _cli.Run(args)).Code.Should().Be(AdminCli.Usage);
    }

    [Fact]
    public async Task ForwardSetShowAndOff()
    {
        await CreateAliceAsync();
        var (code, _, error) = await _cli.Run("forward", "set", "alice", "copy@example.net", "smtp://relay.example:2525", "https://hooks.example/in");
        code.Should().Be(AdminCli.Ok, error);
        var users = _cli.Services.GetRequiredService<IUserStore>();
        (await users.FindUserAsync("alice"))!.ForwardTargets.Should().Equal("copy@example.net", "smtp://relay.example:2525", "https://hooks.example/in");

        var (_, output, _) = await _cli.Run("forward", "show", "alice");
        output.Should().Contain("smtp://relay.example:2525");

        (await _cli.Run("forward", "off", "alice")).Code.Should().Be(AdminCli.Ok);
        (await users.FindUserAsync("alice"))!.ForwardTargets.Should().BeEmpty();
        (await _cli.Run("forward", "show", "nobody")).Code.Should().Be(AdminCli.Failed);
    }

    private async Task CreateAliceAsync() =>
        (await _cli.Run("user", "create", "alice", "--password", "pw-alice-123")).Code.Should().Be(AdminCli.Ok);
}
