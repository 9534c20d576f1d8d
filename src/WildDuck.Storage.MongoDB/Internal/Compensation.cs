// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// The undo steps of a change that runs without a transaction (docs/storage.md, "Compensation
/// order"): each applied step registers its inverse, and on failure they run newest first. Inside
/// a transaction nothing is registered — the abort undoes everything.
/// </summary>
internal sealed class Compensation
{
    private readonly List<Func<Task>> _steps = new();
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
