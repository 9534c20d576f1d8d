// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Server;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>The sample host built over a temp data directory (not started), to run admin commands against.</summary>
internal sealed class AdminCliHost : IDisposable
{
    private readonly IDisposable _host;

    public AdminCliHost()
    {
        var host = ServerSetup.CreateBuilder(new[] { "--WildDuck:DataDirectory=" + Directory.Path, "--WildDuck:Sqlite:Durability=Normal" }).Build();
        _host = host;
        Services = host.Services;
    }

    public TempDirectory Directory { get; } = new();

    public IServiceProvider Services { get; }

    public async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminCli.RunAsync(args, Services, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        _host.Dispose();
        Directory.Dispose();
    }
}
