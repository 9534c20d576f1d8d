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
            // One line for the operator; the host's start-up failure carries it.
            throw new InvalidOperationException(ex.Message, ex);
        }

        LogReady(_logger, store.Context.Options.Database, store.TransactionsEnabled ? "with" : "without");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "MongoDB storage ready: database {Database}, changes run {Mode} multi-document transactions.")]
    private static partial void LogReady(ILogger logger, string database, string mode);
}
