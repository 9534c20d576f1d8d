// SPDX-License-Identifier: MIT
using System;
using System.IO.Pipelines;
using System.Threading;

namespace WildDuck.Hosting;

/// <summary>
/// A re-armable deadline for a connection (pre-authentication, idle, IDLE timeouts). When it
/// passes, the pending read of the connection's input is cancelled (Kestrel's lever:
/// <see cref="PipeReader.CancelPendingRead"/>) so the engine's read loop sees
/// <see cref="ReadResult.IsCanceled"/>, checks <see cref="TimedOut"/>, and says goodbye.
/// </summary>
/// <remarks>
/// One <see cref="ITimer"/> is created up front and re-armed with <see cref="ITimer.Change"/>, so
/// <see cref="Arm"/> and <see cref="Disarm"/> do not allocate. Engines choose the durations.
/// </remarks>
public sealed class ConnectionTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly MailConnection? _connection;
    private readonly Action? _onTimeout;
    private readonly ITimer _timer;
    private long _deadline;
    private int _timedOut;

    /// <summary>A timer that cancels the pending read of <paramref name="connection"/>'s current transport input.</summary>
    /// <param name="connection">The connection; its <see cref="MailConnection.Transport"/> is read when the timer fires, so it follows STARTTLS and compression.</param>
    /// <param name="timeProvider">Clock; <see cref="TimeProvider.System"/> when null.</param>
    public ConnectionTimer(MailConnection connection, TimeProvider? timeProvider = null)
        : this(timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>A timer that invokes <paramref name="onTimeout"/> (e.g. cancels a token source) on a thread-pool thread.</summary>
    /// <param name="onTimeout">Called once per expiry; must be quick and thread-safe.</param>
    /// <param name="timeProvider">Clock; <see cref="TimeProvider.System"/> when null.</param>
    public ConnectionTimer(Action onTimeout, TimeProvider? timeProvider = null)
        : this(timeProvider)
    {
        ArgumentNullException.ThrowIfNull(onTimeout);
        _onTimeout = onTimeout;
    }

    private ConnectionTimer(TimeProvider? timeProvider)
    {
        _time = timeProvider ?? TimeProvider.System;
        _timer = _time.CreateTimer(static s => ((ConnectionTimer)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True once the current deadline has passed; reset by <see cref="Arm"/> and <see cref="Disarm"/>.</summary>
    public bool TimedOut => Volatile.Read(ref _timedOut) != 0;

    /// <summary>True while a deadline is set.</summary>
    public bool IsArmed => Volatile.Read(ref _deadline) != 0;

    /// <summary>Sets (or moves) the deadline to <paramref name="timeout"/> from now.</summary>
    /// <param name="timeout">Positive duration.</param>
    public void Arm(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Volatile.Write(ref _timedOut, 0);
        long ticks = (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        Volatile.Write(ref _deadline, _time.GetTimestamp() + Math.Max(1, ticks));
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Clears the deadline.</summary>
    public void Disarm()
    {
        Volatile.Write(ref _deadline, 0);
        Volatile.Write(ref _timedOut, 0);
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Volatile.Write(ref _deadline, 0);
        _timer.Dispose();
    }

    private void OnTimer()
    {
        long deadline = Volatile.Read(ref _deadline);
        if (deadline == 0)
        {
            // Disarmed after the callback was already queued.
            return;
        }

        long remaining = deadline - _time.GetTimestamp();
        if (remaining > 0)
        {
            // Re-armed to a later deadline while this callback was queued, or the clock resolutions differ: wait the rest.
            _timer.Change(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
            return;
        }

        if (Interlocked.CompareExchange(ref _deadline, 0, deadline) != deadline)
        {
            return;
        }

        Volatile.Write(ref _timedOut, 1);
        if (_connection is not null)
        {
            _connection.Transport.Input.CancelPendingRead();
        }
        else
        {
            _onTimeout!();
        }
    }
}
