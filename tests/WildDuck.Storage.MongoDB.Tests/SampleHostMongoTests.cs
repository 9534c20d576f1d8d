// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.IO;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Server;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The sample host selects MongoDB with <c>WildDuck:Storage:Provider=MongoDB</c>.</summary>
public sealed class SampleHostMongoTests : IDisposable
{
    private const string Unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=2000";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Provider_MongoDB_binds_the_MongoDB_section_and_registers_the_MongoDB_store()
    {
        using var host = ServerSetup.CreateBuilder(
        [
            "--WildDuck:DataDirectory=" + _directory,
            "--WildDuck:Storage:Provider=MongoDB",
            "--WildDuck:Storage:MongoDB:ConnectionString=" + Unreachable,
            "--WildDuck:Storage:MongoDB:Database=mail",
            "--WildDuck:Storage:MongoDB:UsersDatabase=mail-users",
            "--WildDuck:Storage:MongoDB:AttachmentsDatabase=mongodb://127.0.0.1:2/files",
        ]).Build();

        var store = host.Services.GetRequiredService<IUserStore>().Should().BeOfType<MongoMailStore>().Subject;
        host.Services.GetRequiredService<IMessageStore>().Should().BeSameAs(store);
        store.Context.Database.DatabaseNamespace.DatabaseName.Should().Be("mail");
        store.Context.UsersDatabase.DatabaseNamespace.DatabaseName.Should().Be("mail-users");
        store.Context.AttachmentsDatabase.DatabaseNamespace.DatabaseName.Should().Be("files");
    }

    [Fact]
    public void The_default_provider_stays_SQLite()
    {
        using var host = ServerSetup.CreateBuilder(["--WildDuck:DataDirectory=" + _directory]).Build();

        host.Services.GetRequiredService<IUserStore>().Should().BeOfType<Sqlite.SqliteMailStore>();
        host.Services.GetService<MongoMailStore>().Should().BeNull();
    }

    [Fact]
    public async Task A_missing_connection_string_fails_start_up_naming_the_setting()
    {
        using var host = ServerSetup.CreateBuilder(["--WildDuck:DataDirectory=" + _directory, "--WildDuck:Storage:Provider=MongoDB"]).Build();

        var failure = await FluentActions.Awaiting(() => host.StartAsync()).Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>();

        failure.Which.Message.Should().Contain("WildDuck:Storage:MongoDB:ConnectionString must be set");
    }

    [Fact]
    public void An_unknown_provider_is_refused_by_name()
    {
        FluentActions.Invoking(() => ServerSetup.CreateBuilder(["--WildDuck:Storage:Provider=Cassandra"]))
            .Should().Throw<InvalidOperationException>().WithMessage("*Provider must be Sqlite or MongoDB, not 'Cassandra'*");
    }

    [Fact]
    public async Task The_sample_host_exits_non_zero_with_one_clear_line_when_MongoDB_is_unreachable()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WildDuck.Server.dll");
        File.Exists(dll).Should().BeTrue("the sample host is built next to the tests");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        start.Environment["WildDuck__DataDirectory"] = _directory;
        start.Environment["WildDuck__Storage__Provider"] = "MongoDB";
        start.Environment["WildDuck__Storage__MongoDB__ConnectionString"] = Unreachable;
        start.Environment["WildDuck__Imap__Port"] = "0";
        start.Environment["WildDuck__Imap__TlsPort"] = "0";
        start.Environment["WildDuck__Pop3__Port"] = "0";
        start.Environment["WildDuck__Pop3__TlsPort"] = "0";
        start.Environment["WildDuck__Api__Enabled"] = "false"; // never depend on port 8080 being free
        start.Environment["WildDuck__Lmtp__Port"] = "0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var errors = (await stderr).TrimEnd();
        process.ExitCode.Should().NotBe(0, "output: {0}{1}", await stdout, errors);
        errors.Split('\n').Last().TrimEnd('\r').Should().Be("WildDuck.Server could not start: MongoDB is unreachable at 127.0.0.1:1: no server answered within 2 s.");
        (await stdout + errors).Should().NotContain("MongoDB.Driver.", "the driver's inner exceptions stay in the debug log");
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
