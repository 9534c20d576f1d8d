// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Opens the database when the host starts, before the listeners (it is registered first), so an
/// unusable database fails the start with <see cref="SqliteMailStore.InitializeAsync"/>'s one-line
/// reason instead of failing every later request.
/// </summary>
internal sealed class SqliteStartup(SqliteMailStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
