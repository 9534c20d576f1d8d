// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Server;

/// <summary>Maintenance settings (<c>WildDuck:Maintenance</c>).</summary>
internal sealed class MaintenanceOptions
{
    /// <summary>Journal entries older than this are pruned. Default 1 day (sessions idle longer resync on reconnect).</summary>
    public TimeSpan JournalRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Unreferenced attachments are collected after this grace period. Default 1 hour.</summary>
    public TimeSpan AttachmentGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Threads without messages are forgotten after this long unused. Default 180 days (as WildDuck).</summary>
    public TimeSpan ThreadRetention { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How often maintenance runs. Default 15 minutes (as WildDuck's GC).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Prunes the journal and collects unreferenced attachments periodically (the store is opened before the host starts).</summary>
/// <remarks>
/// Works on any backend through the contracts; thread pruning is SQLite's own (MongoDB expires
/// threads with WildDuck's TTL index).
/// </remarks>
internal sealed partial class StoreMaintenanceService(
    IJournal journal,
    IAttachmentStore attachments,
    IServiceProvider services,
    IOptions<MaintenanceOptions> options,
    TimeProvider time,
    ILogger<StoreMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The store was opened before the host started (Program, MongoStartupService); counting
        // its attachments here only for a log line would scan the whole table at every start.
        var sqlite = services.GetService<SqliteMailStore>();
        LogReady(logger, sqlite?.DatabasePath ?? journal.GetType().Name);

        var interval = options.Value.Interval > TimeSpan.Zero ? options.Value.Interval : TimeSpan.FromMinutes(15);
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var pruned = await journal.PruneAsync(time.GetUtcNow() - options.Value.JournalRetention, stoppingToken).ConfigureAwait(false);
                var collected = await attachments.CollectGarbageAsync(options.Value.AttachmentGracePeriod, stoppingToken).ConfigureAwait(false);
                if (sqlite is not null)
                {
                    await sqlite.PruneThreadsAsync(time.GetUtcNow() - options.Value.ThreadRetention, stoppingToken).ConfigureAwait(false);
                }

                LogMaintenance(logger, pruned, collected);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogMaintenanceFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "WildDuck store ready at {Path}.")]
    private static partial void LogReady(ILogger logger, string path);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Maintenance pruned {Journal} journal entries and collected {Attachments} attachments.")]
    private static partial void LogMaintenance(ILogger logger, long journal, long attachments);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Maintenance failed.")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
