// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>
/// The sample host as a real process: an unusable store fails the start with one clear line, and
/// killing the process (SIGKILL) in the middle of LMTP deliveries loses no acknowledged message.
/// </summary>
public sealed class SampleHostFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    public static TheoryData<string, string> UnusableStores => new()
    {
        { "directory", "the path is a directory, not a database file" },
        { "garbage", "the file is not an SQLite database" },
        { "under-a-file", "is a file" },
    };

    [Theory]
    [MemberData(nameof(UnusableStores))]
    public async Task An_unusable_store_fails_the_start_with_one_line_and_a_non_zero_exit_code(string kind, string reason)
    {
        using var dir = new TempDirectory();
        var dataDirectory = dir.Path;
        switch (kind)
        {
            case "directory":
                Directory.CreateDirectory(dir.File("wildduck.db"));
                break;
            case "garbage":
                await File.WriteAllBytesAsync(dir.File("wildduck.db"), Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray());
                break;
            default:
                await File.WriteAllTextAsync(dir.File("plain"), "not a directory");
                dataDirectory = Path.Combine(dir.File("plain"), "data");
                break;
        }

        using var process = Process.Start(StartInfo(dataDirectory, lmtpPort: 0))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Generous))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        var error = await stderr;
        var all = await stdout + error;
        output.WriteLine(all);
        process.ExitCode.Should().Be(1);
        error.TrimEnd().Split('\n').Should().ContainSingle()
            .Which.Should().StartWith("WildDuck.Server could not start: The SQLite database " + Path.Combine(dataDirectory, "wildduck.db") + " is unavailable: ")
            .And.Contain(reason);
        all.Should().NotContain("   at ", "no stack trace");
    }

    [Fact]
    public async Task Killing_the_process_during_LMTP_deliveries_loses_no_acknowledged_message()
    {
        using var dir = new TempDirectory();
        var database = dir.File("wildduck.db");
        using (var store = SqliteTestStore.Create(database))
        {
            await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "pw-alice-123", Address = "alice@example.org" });
        }

        SqliteConnection.ClearAllPools();
        var port = FreePort();
        var log = new StringBuilder();
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var sent = new ConcurrentDictionary<string, bool>();
        using var process = Process.Start(StartInfo(dir.Path, port))!;
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilListeningAsync(process, port, log);

            // Three MTAs deliver in loops; each records what it sent and what was acknowledged with 250.
            using var enough = new SemaphoreSlim(0);
            var clients = Enumerable.Range(0, 3).Select(c => Task.Run(() => DeliverUntilGoneAsync(port, c, sent, acknowledged, enough))).ToArray();

            // Kill once 60 deliveries were acknowledged, with the others still mid-transaction.
            (await enough.WaitAsync(Generous)).Should().BeTrue("deliveries must be acknowledged.\n" + Log(log));
            process.Kill(entireProcessTree: true);
            await Task.WhenAll(clients).WaitAsync(Generous);
            output.WriteLine($"killed after {acknowledged.Count} acknowledged of {sent.Count} sent");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(Generous);
        }

        SqliteConnection.ClearAllPools();
        var check = await RunAsync(dir.Path, "check");
        check.ExitCode.Should().Be(0, check.Output);
        using var reopened = SqliteTestStore.Create(database);
        (await reopened.CheckAsync()).Problems.Should().BeEmpty();
        var user = (await reopened.FindUserAsync("alice"))!;
        var inbox = (await reopened.FindMailboxAsync(user.Id, "INBOX"))!;
        var subjects = new List<string>();
        await foreach (var message in reopened.ListMessagesAsync(user.Id, inbox.Id, UidSet.All))
        {
            subjects.Add(message.Subject);
        }

        subjects.Should().OnlyHaveUniqueItems("a delivery is stored once or not at all");
        subjects.Should().Contain(acknowledged.Keys, "every acknowledged message survives the kill");
        subjects.Should().OnlyContain(s => sent.ContainsKey(s), "nothing else is stored");
    }

    private static async Task DeliverUntilGoneAsync(int port, int client, ConcurrentDictionary<string, bool> sent, ConcurrentDictionary<string, bool> acknowledged, SemaphoreSlim enough)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            using var stream = tcp.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            await ExpectAsync(reader, "220");
            await writer.WriteLineAsync("LHLO mta" + client + ".example.org");
            await ExpectAsync(reader, "250");
            for (var i = 0; ; i++)
            {
                var subject = $"kill {client}-{i}";
                await writer.WriteLineAsync("MAIL FROM:<bob@example.net>");
                await ExpectAsync(reader, "250");
                await writer.WriteLineAsync("RCPT TO:<alice@example.org>");
                await ExpectAsync(reader, "250");
                await writer.WriteLineAsync("DATA");
                await ExpectAsync(reader, "354");
                sent[subject] = true;
                await writer.WriteAsync($"From: bob@example.net\r\nTo: alice@example.org\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@example.net>\r\n\r\n{new string('x', 2000)}\r\n.\r\n");
                await ExpectAsync(reader, "250");
                if (acknowledged.TryAdd(subject, true) && acknowledged.Count == 60)
                {
                    enough.Release();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The server was killed.
        }
    }

    private static async Task ExpectAsync(StreamReader reader, string code)
    {
        string line;
        do
        {
            line = await reader.ReadLineAsync() ?? throw new IOException("closed");
        }
        while (line.Length > 3 && line[3] == '-');

        if (!line.StartsWith(code, StringComparison.Ordinal))
        {
            // Anything but the expected reply (a 4xx) means "not acknowledged"; stop like a dead server.
            throw new IOException("LMTP expected " + code + ", got: " + line);
        }
    }

    private static async Task WaitUntilListeningAsync(Process process, int port, StringBuilder log)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            process.HasExited.Should().BeFalse("the sample host must keep running.\n" + Log(log));
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < Generous)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string Log(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The sample host (copied next to the tests) on <paramref name="dataDirectory"/>: LMTP only, every commit fsynced.</summary>
    private static ProcessStartInfo StartInfo(string dataDirectory, int lmtpPort)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WildDuck.Server.dll"));
        info.Environment["WildDuck__DataDirectory"] = dataDirectory;
        info.Environment["WildDuck__Sqlite__Durability"] = "Full";
        info.Environment["WildDuck__Imap__Port"] = "0";
        info.Environment["WildDuck__Imap__TlsPort"] = "0";
        info.Environment["WildDuck__Pop3__Port"] = "0";
        info.Environment["WildDuck__Pop3__TlsPort"] = "0";
        info.Environment["WildDuck__Api__Enabled"] = "false"; // never depend on port 8080 being free
        info.Environment["WildDuck__Lmtp__Host"] = "127.0.0.1";
        info.Environment["WildDuck__Lmtp__Port"] = lmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return info;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string dataDirectory, params string[] args)
    {
        var info = StartInfo(dataDirectory, 0);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Generous);
        return (process.ExitCode, await stdout + await stderr);
    }
}
