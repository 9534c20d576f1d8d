// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// The undo steps of a change that runs without a transaction (docs/storage.md, "Operations and
/// their order"): each applied step registers its inverse, and on failure they run newest first.
/// Inside a transaction nothing is registered — the abort undoes everything — but writes to a
/// database on another connection (users or attachments given as a URL) are deferred until the
/// transaction has committed, so a retried attempt never applies them twice.
/// </summary>
internal sealed class Compensation
{
    private readonly List<Func<Task>> _steps = new();
    private readonly List<Func<Task>> _afterCommit = new();
    private readonly bool _active;

    /// <summary>Compensation is active only for work without a session.</summary>
    public Compensation(bool active) => _active = active;

    public int Count => _steps.Count;

    /// <summary>Registers the inverse of a step that has just been applied.</summary>
    public void Add(Func<Task> undo)
    {
        if (_active)
        {
            _steps.Add(undo);
        }
    }

    /// <summary>Steps deferred until the transaction has committed (writes to a database on another connection).</summary>
    public int DeferredCount => _afterCommit.Count;

    /// <summary>Defers a step until the change has committed (it must not run in an attempt that may be retried).</summary>
    public void AfterCommit(Func<Task> step) => _afterCommit.Add(step);

    /// <summary>Runs the deferred steps in order; a failing step does not stop the others. Returns the errors.</summary>
    public async Task<List<Exception>> RunAfterCommitAsync()
    {
        var errors = new List<Exception>();
        foreach (var step in _afterCommit)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        _afterCommit.Clear();
        return errors;
    }

    /// <summary>
    /// Runs the registered steps newest first; a failing step does not stop the others. Returns the
    /// errors (for logging; the original failure is what the caller reports).
    /// </summary>
    public async Task<List<Exception>> RunAsync()
    {
        var errors = new List<Exception>();
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            try
            {
                await _steps[i]().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        _steps.Clear();
        return errors;
    }
}
