// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.Hosting;
using WildDuck.Server;

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
    await host.RunAsync().ConfigureAwait(false);
}
catch (Exception ex) when (ex is System.Net.Sockets.SocketException or System.IO.IOException or Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException)
{
    // The host already logged the cause (a port in use, invalid options, an unreadable store or an
    // unreachable MongoDB); this line says it once more, last, without a stack trace.
    await Console.Error.WriteLineAsync("WildDuck.Server could not start: " + ex.Message).ConfigureAwait(false);
    return 1;
}

return 0;
