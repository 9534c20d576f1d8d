// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Outbound;

/// <summary>
/// Wakes this process's relay when something was queued here, so a forward or an autoreply leaves
/// at once instead of at the next poll. Entries queued by other processes are still found by the
/// poll (<see cref="OutboundRelayOptions.PollInterval"/>).
/// </summary>
internal sealed class OutboundWakeup : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Signals that entries were queued (coalesced: many signals wake the relay once).</summary>
    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // The host is shutting down.
        }
    }

    /// <summary>Waits for a signal or for <paramref name="interval"/> on <paramref name="time"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(interval, time, either.Token);
        var signal = _signal.WaitAsync(either.Token);
        await Task.WhenAny(delay, signal).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        // Observe the loser's cancellation so it is not reported as unobserved.
        await Task.WhenAll(delay, signal).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
    }

    public void Dispose() => _signal.Dispose();
}
