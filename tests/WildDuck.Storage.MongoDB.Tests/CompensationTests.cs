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

/// <summary>
/// Where a step on a database that may be on another connection runs: in the transaction, after
/// the commit, or at once (<c>MongoMailStore.StepAsync</c>, used by append, COPY, EXPUNGE and the
/// mailbox and user deletion hooks).
/// </summary>
public sealed class StepPlacementTests
{
    private static readonly IClientSessionHandle Transaction = FakeSession.Create();

    [Fact]
    public async Task Inside_a_transaction_a_step_on_another_connection_runs_only_after_the_commit()
    {
        var sessions = new List<IClientSessionHandle?>();
        var undo = new Compensation(active: false);

        await MongoMailStore.StepAsync(Transaction, undo, sessionForStep: null, s => { sessions.Add(s); return Task.CompletedTask; }, inverse: null);

        sessions.Should().BeEmpty("a retried attempt would apply it twice");
        undo.DeferredCount.Should().Be(1);
        (await undo.RunAfterCommitAsync()).Should().BeEmpty();
        sessions.Should().Equal(new IClientSessionHandle?[] { null });
    }

    [Fact]
    public async Task Inside_a_transaction_a_step_on_the_same_connection_runs_in_it()
    {
        var sessions = new List<IClientSessionHandle?>();
        var undo = new Compensation(active: false);

        await MongoMailStore.StepAsync(Transaction, undo, sessionForStep: Transaction, s => { sessions.Add(s); return Task.CompletedTask; }, inverse: () => Task.CompletedTask);

        sessions.Should().Equal(Transaction);
        undo.DeferredCount.Should().Be(0);
        undo.Count.Should().Be(0, "the abort undoes it");
    }

    [Fact]
    public async Task Without_a_transaction_a_step_runs_now_and_registers_its_inverse()
    {
        var ran = 0;
        var undone = 0;
        var undo = new Compensation(active: true);

        await MongoMailStore.StepAsync(null, undo, sessionForStep: null, _ => { ran++; return Task.CompletedTask; }, inverse: () => { undone++; return Task.CompletedTask; });

        ran.Should().Be(1);
        undo.Count.Should().Be(1);
        undo.DeferredCount.Should().Be(0);
        await undo.RunAsync();
        undone.Should().Be(1);
    }

    /// <summary>A session handle that only stands for "inside a transaction" (no member is called).</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time: it must not be sealed.
    internal class FakeSession : System.Reflection.DispatchProxy
#pragma warning restore CA1852
    {
        public static IClientSessionHandle Create() => Create<IClientSessionHandle, FakeSession>();

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new NotSupportedException(targetMethod?.Name);
    }
}

/// <summary>The answer of the autoreply sender log's upsert.</summary>
public sealed class AutoreplyRecordedTests
{
    [Fact]
    public void An_inserted_or_renewed_entry_is_recorded_even_when_the_renewal_writes_identical_values()
    {
        MongoMailStore.AutoreplyRecorded(new UpdateResult.Acknowledged(0, 0, new BsonObjectId(ObjectId.GenerateNewId()))).Should().BeTrue("a new sender");
        MongoMailStore.AutoreplyRecorded(new UpdateResult.Acknowledged(1, 1, null)).Should().BeTrue("due again, renewed");
        MongoMailStore.AutoreplyRecorded(new UpdateResult.Acknowledged(1, 0, null)).Should().BeTrue("due again with a zero interval at the same instant: matched, nothing modified");
        MongoMailStore.AutoreplyRecorded(new UpdateResult.Acknowledged(0, 0, null)).Should().BeFalse();
    }
}

/// <summary>When an append's attachment references are released after a failure.</summary>
public sealed class CommitOutcomeTests
{
    [Fact]
    public void A_commit_of_unknown_outcome_may_have_stored_the_message_also_when_translated()
    {
        var unknown = new MongoClientException("commit: no answer");
        unknown.AddErrorLabel("UnknownTransactionCommitResult");

        MongoMailStore.MayHaveCommitted(unknown).Should().BeTrue();
        MongoMailStore.MayHaveCommitted(new StorageException(StorageError.Unavailable, "MongoDB is unavailable; retry.", unknown)).Should().BeTrue();
    }

    [Fact]
    public void Other_failures_committed_nothing()
    {
        var transient = new MongoClientException("write conflict");
        transient.AddErrorLabel("TransientTransactionError");

        MongoMailStore.MayHaveCommitted(transient).Should().BeFalse();
        MongoMailStore.MayHaveCommitted(new StorageException(StorageError.OverQuota, "Quota exceeded.")).Should().BeFalse();
        MongoMailStore.MayHaveCommitted(new InvalidOperationException("bug")).Should().BeFalse();
    }
}
