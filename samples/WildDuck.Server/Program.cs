// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Server;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

// One binary, two roles: with no arguments it runs the server; "user …" and "check" are admin commands
// against the same configured store.
if (AdminCli.IsCommand(args))
{
    var builder = ServerSetup.CreateBuilder(Array.Empty<string>());
    // Admin commands print their own results; only warnings and errors are logged.
    builder.Configuration["Logging:LogLevel:Default"] = "Warning";
    builder.Configuration["Logging:LogLevel:Microsoft"] = "Warning";
    using var host = builder.Build();
    return await AdminCli.RunAsync(args, host.Services, Console.Out, Console.Error).ConfigureAwait(false);
}

try
{
    using var host = ServerSetup.CreateBuilder(args).Build();

    // Open the embedded store before anything starts, so an unusable one (an unwritable data
    // directory, a directory or a non-database file at the path) ends the start with one clear line.
    // MongoDB is checked by its own start-up service (a bounded ping).
    if (host.Services.GetService<SqliteMailStore>() is { } sqlite)
    {
        await sqlite.InitializeAsync().ConfigureAwait(false);
    }

    await host.RunAsync().ConfigureAwait(false);
}
catch (Exception ex) when (ex is System.Net.Sockets.SocketException or System.IO.IOException or Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException or StorageException)
{
    // The host already logged the cause (a port in use, invalid options, an unreachable MongoDB), or,
    // for the SQLite store, nothing has started yet; this line says it once more, last, without a stack trace.
    await Console.Error.WriteLineAsync("WildDuck.Server could not start: " + ex.Message).ConfigureAwait(false);
    return 1;
}

return 0;
