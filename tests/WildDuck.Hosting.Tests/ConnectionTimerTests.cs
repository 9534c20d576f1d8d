// SPDX-License-Identifier: MIT
using System;
using System.IO.Pipelines;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace WildDuck.Hosting.Tests;

public class ConnectionTimerTests
{
    [Fact]
    public async Task CancelsThePendingReadWhenTheDeadlinePasses()
    {
        var time = new FakeTimeProvider();
        var (server, _) = InMemoryConnection.Create();
        using var timer = new ConnectionTimer(server, time);
        timer.Arm(TimeSpan.FromMinutes(30));
        ValueTask<ReadResult> read = server.Transport.Input.ReadAsync();
        read.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromMinutes(29));
        read.IsCompleted.Should().BeFalse();
        timer.TimedOut.Should().BeFalse();
        time.Advance(TimeSpan.FromMinutes(1));
        ReadResult result = await read.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        result.IsCanceled.Should().BeTrue();
        timer.TimedOut.Should().BeTrue();
        timer.IsArmed.Should().BeFalse();
        await server.DisposeAsync();
    }

    [Fact]
    public void ReArmingMovesTheDeadline()
    {
        var time = new FakeTimeProvider();
        int fired = 0;
        using var timer = new ConnectionTimer(() => fired++, time);
        timer.Arm(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(8));
        timer.Arm(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(8));
        fired.Should().Be(0, "activity re-armed the timer");
        time.Advance(TimeSpan.FromSeconds(2));
        fired.Should().Be(1);
        time.Advance(TimeSpan.FromMinutes(5));
        fired.Should().Be(1, "a deadline fires once");
    }

    [Fact]
    public void DisarmPreventsTheTimeout()
    {
        var time = new FakeTimeProvider();
        int fired = 0;
        using var timer = new ConnectionTimer(() => fired++, time);
        timer.Arm(TimeSpan.FromSeconds(1));
        timer.IsArmed.Should().BeTrue();
        timer.Disarm();
        time.Advance(TimeSpan.FromSeconds(5));
        fired.Should().Be(0);
        timer.TimedOut.Should().BeFalse();
    }

    [Fact]
    public void ArmingAgainAfterATimeoutResetsTheFlagAndFiresAgain()
    {
        var time = new FakeTimeProvider();
        int fired = 0;
        using var timer = new ConnectionTimer(() => fired++, time);
        timer.Arm(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        timer.TimedOut.Should().BeTrue();
        timer.Arm(TimeSpan.FromSeconds(3));
        timer.TimedOut.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(3));
        fired.Should().Be(2);
    }

    [Fact]
    public async Task FollowsTheTransportAfterItIsReplaced()
    {
        var time = new FakeTimeProvider();
        var (server, _) = InMemoryConnection.Create();
        using var timer = new ConnectionTimer(server, time);
        var replacement = new Pipe();
        server.UseTransport(new DuplexPipeForTest(replacement.Reader, server.Transport.Output));
        ValueTask<ReadResult> read = server.Transport.Input.ReadAsync();
        timer.Arm(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        (await read.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).IsCanceled.Should().BeTrue();
        await server.DisposeAsync();
    }

    [Fact]
    public void RejectsANonPositiveTimeout()
    {
        using var timer = new ConnectionTimer(() => { }, new FakeTimeProvider());
        var act = () => timer.Arm(TimeSpan.Zero);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private sealed class DuplexPipeForTest(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
