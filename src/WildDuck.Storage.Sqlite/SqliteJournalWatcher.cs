// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Carries change notifications between processes that share one database file: it polls the
/// journal for entries written since its last look and wakes the local sessions of the users they
/// belong to. Changes made in this process already woke them directly; the watcher only adds the
/// other processes' changes, with at most <see cref="SqliteStorageOptions.CrossProcessNotifyInterval"/>
/// of delay. (With Redis, the Redis notifier replaces this.)
/// </summary>
internal sealed partial class SqliteJournalWatcher : BackgroundService
{
    private readonly SqliteMailStore _store;
    private readonly IChangeNotifier _notifier;
    private readonly SqliteStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteJournalWatcher> _logger;
    private readonly TaskCompletionSource _watching = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SqliteJournalWatcher(SqliteMailStore store, IChangeNotifier notifier, IOptions<SqliteStorageOptions> options, TimeProvider time, ILogger<SqliteJournalWatcher> logger)
    {
        _store = store;
        _notifier = notifier;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Completes once the watcher has read its starting point in the journal: every change
    /// committed after that is relayed. (Changes before it need no relay — no session of this
    /// process existed to miss them.) Tests wait on it instead of guessing a delay.
    /// </summary>
    internal Task Watching => _watching.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.CrossProcessNotifyInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CrossProcessNotifyInterval, _time);
        long last;
        while (true)
        {
            try
            {
                last = await _store.GetLastJournalIdAsync(stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (StorageException ex) when (ex.Error == StorageError.Unavailable)
            {
                // A store that is briefly unavailable must not end the watcher (nor the host with it).
                LogPollFailed(_logger, ex);
                if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }

        _watching.TrySetResult();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var (users, upTo) = await _store.GetUsersChangedSinceAsync(last, stoppingToken).ConfigureAwait(false);
                foreach (var user in users)
                {
                    // Another process's change: wake our sessions, but do not publish it again
                    // (a relaying notifier has already carried it, or will miss nothing by not).
                    var wake = _notifier is IRelayingChangeNotifier relaying
                        ? relaying.NotifyLocalAsync(user, stoppingToken)
                        : _notifier.NotifyAsync(user, stoppingToken);
                    await wake.ConfigureAwait(false);
                }

                last = upTo;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Polling the journal for other processes' changes failed; retrying.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
