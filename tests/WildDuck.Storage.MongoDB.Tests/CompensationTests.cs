// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Undo steps of changes without a transaction.</summary>
public sealed class CompensationTests
{
    [Fact]
    public async Task Steps_run_newest_first_and_a_failing_step_does_not_stop_the_others()
    {
        var order = new List<int>();
        var undo = new Compensation(active: true);
        undo.Add(() => { order.Add(1); return Task.CompletedTask; });
        undo.Add(() => throw new InvalidOperationException("boom"));
        undo.Add(() => { order.Add(3); return Task.CompletedTask; });

        var errors = await undo.RunAsync();

        order.Should().Equal(3, 1);
        errors.Should().ContainSingle().Which.Message.Should().Be("boom");
        undo.Count.Should().Be(0);
    }

    [Fact]
    public async Task Inside_a_transaction_nothing_is_registered()
    {
        var ran = false;
        var undo = new Compensation(active: false);
        undo.Add(() => { ran = true; return Task.CompletedTask; });

        undo.Count.Should().Be(0);
        (await undo.RunAsync()).Should().BeEmpty();
        ran.Should().BeFalse();
    }

    [Fact]
    public async Task Deferred_steps_run_in_order_after_the_commit_and_are_registered_even_inside_a_transaction()
    {
        var order = new List<int>();
        var undo = new Compensation(active: false);
        undo.AfterCommit(() => { order.Add(1); return Task.CompletedTask; });
        undo.AfterCommit(() => throw new InvalidOperationException("lost"));
        undo.AfterCommit(() => { order.Add(3); return Task.CompletedTask; });

        undo.Count.Should().Be(0, "deferred steps are not undo steps");
        undo.DeferredCount.Should().Be(3);
        var errors = await undo.RunAfterCommitAsync();

        order.Should().Equal(1, 3);
        errors.Should().ContainSingle().Which.Message.Should().Be("lost");
        undo.DeferredCount.Should().Be(0);
    }
}
