// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WildDuck.Storage.MongoDB;

/// <summary>
/// Checks the MongoDB backend at host start: pings the server(s), decides on transactions and
/// creates the indexes. An unreachable server fails start-up with one clear line rather than
/// failing the first client later.
/// </summary>
internal sealed partial class MongoStartupService(MongoMailStore store, ILogger<MongoStartupService>? logger = null) : IHostedService
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            // One line for the operator: the host logs and reports the exception it gets, so it
            // carries the message only; the driver's detail (cluster state, socket errors) goes to
            // the debug log instead of burying that line under pages of inner stack traces.
            LogStartFailed(_logger, ex);
            throw new InvalidOperationException(ex.Message);
        }

        LogReady(_logger, store.Context.Options.Database, store.TransactionsEnabled ? "with" : "without");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "MongoDB start-up check failed.")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "MongoDB storage ready: database {Database}, changes run {Mode} multi-document transactions.")]
    private static partial void LogReady(ILogger logger, string database, string mode);
}
