// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB;

/// <summary>
/// Carries change notifications between instances sharing one MongoDB: a change stream on the
/// journal's inserts wakes this instance's sessions of the users the entries belong to. Changes
/// made here woke them already (a second wake-up only makes them read the journal once more). Runs
/// on replica sets and sharded clusters (change streams need an oplog); a standalone server has
/// none, and then only Redis carries wake-ups between instances.
/// </summary>
internal sealed partial class MongoJournalWatcher(MongoMailStore store, IChangeNotifier notifier, ILogger<MongoJournalWatcher>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// Inserts only, and of each only the user (the resume token <c>_id</c> stays): the watcher needs
    /// nothing else, and the stream stays small.
    /// </summary>
    internal static PipelineDefinition<ChangeStreamDocument<JournalDocument>, ChangeStreamDocument<JournalDocument>> Pipeline() =>
        new BsonDocument[]
        {
            new("$match", new BsonDocument("operationType", "insert")),
            new("$project", new BsonDocument { { "operationType", 1 }, { "ns", 1 }, { "documentKey", 1 }, { "fullDocument.user", 1 } }),
        };

    private const int InvalidResumeToken = 260;
    private const int ChangeStreamFatalError = 280;
    private const int ChangeStreamHistoryLost = 286;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!store.Context.Options.WatchJournal)
        {
            return;
        }

        try
        {
            await store.InitializeAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            // Start-up reports an unreachable server; nothing to watch.
            return;
        }

        if (!store.Context.ChangeStreamsAvailable)
        {
            LogNoChangeStreams(_logger);
            return;
        }

        BsonDocument? resumeAfter = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var options = new ChangeStreamOptions { ResumeAfter = resumeAfter, MaxAwaitTime = TimeSpan.FromSeconds(1) };
                using var cursor = await store.Context.Journal.WatchAsync(Pipeline(), options, stoppingToken).ConfigureAwait(false);
                while (await cursor.MoveNextAsync(stoppingToken).ConfigureAwait(false))
                {
                    var users = new HashSet<ObjectId>();
                    foreach (var change in cursor.Current)
                    {
                        if (change.FullDocument is { } entry)
                        {
                            users.Add(entry.User);
                        }

                        resumeAfter = change.ResumeToken;
                    }

                    // The batch's resume point (also after an empty batch): after a quiet spell the
                    // last event's token may have left the oplog, this one has not.
                    resumeAfter = cursor.GetResumeToken() ?? resumeAfter;

                    foreach (var user in users)
                    {
                        // Another instance's change: wake our sessions without publishing it again.
                        var id = Internal.MongoIds.ToUserId(user);
                        var wake = notifier is IRelayingChangeNotifier relaying
                            ? relaying.NotifyLocalAsync(id, stoppingToken)
                            : notifier.NotifyAsync(id, stoppingToken);
                        await wake.ConfigureAwait(false);
                    }
                }
            }
            catch (MongoCommandException ex) when (ex.Code is ChangeStreamHistoryLost or ChangeStreamFatalError or InvalidResumeToken)
            {
                // The resume point left the oplog (a long outage) or cannot be resumed from (the
                // journal was dropped): start from now. Sessions that missed a wake-up meanwhile
                // catch up at their next command.
                LogWatchFailed(_logger, ex);
                resumeAfter = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWatchFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "MongoDB is a standalone server without change streams: other instances' changes reach this one's IDLE sessions only through Redis.")]
    private static partial void LogNoChangeStreams(ILogger logger);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Watching the MongoDB journal for other instances' changes failed; resuming.")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
