// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>
/// Kills a child process (the sample host's <c>user import</c>) in the middle of a bulk ingest and
/// verifies that no partial message and no leaked attachment reference remain.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillingTheProcessDuringBulkIngestLeavesAConsistentStore()
    {
        using var dir = new TempDirectory();
        var mailDir = Path.Combine(dir.Path, "mail");
        Directory.CreateDirectory(mailDir);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 3000; i++)
        {
            // Every third message shares its attachment with others, to exercise dedup under a crash.
            var text = TestMessages.WithAttachment("bulk " + i.ToString(System.Globalization.CultureInfo.InvariantCulture), 6000, i % 3 == 0 ? 7 : i);
            await File.WriteAllTextAsync(Path.Combine(mailDir, i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + ".eml"), text);
            expected.Add(text);
        }

        var create = await RunServer(dir.Path, TimeSpan.FromMinutes(2), null, "user", "create", "alice", "--password", "pw-alice-123");
        create.ExitCode.Should().Be(0, create.Output);

        // Start the import and kill the process tree once it has stored a few dozen messages.
        var stored = 0;
        var killed = false;
        var import = await RunServer(dir.Path, TimeSpan.FromMinutes(3), line =>
        {
            if (line.Contains("stored as UID", StringComparison.Ordinal) && Interlocked.Increment(ref stored) == 40)
            {
                return true;
            }

            return false;
        }, "user", "import", "alice", mailDir);
        killed = import.Killed;
        output.WriteLine($"import killed={killed} after {stored} acknowledged messages");
        killed.Should().BeTrue("the import must still have been running when it was killed");

        SqliteConnection.ClearAllPools();
        using var store = SqliteTestStore.Create(Path.Combine(dir.Path, "wildduck.db"));
        var report = await store.CheckAsync();
        report.Problems.Should().BeEmpty();

        var user = (await store.FindUserAsync("alice"))!;
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        inbox.MessageCount.Should().BeGreaterThanOrEqualTo(40, "every acknowledged message survives");
        inbox.MessageCount.Should().BeLessThan(3000);
        var snapshot = (await store.OpenAsync(user.Id, inbox.Id))!;
        foreach (var uid in snapshot.Uids)
        {
            var content = (await store.OpenContentAsync(user.Id, inbox.Id, uid))!;
            using var ms = new MemoryStream();
            await content.WriteToAsync(ms, 0, content.Size, CancellationToken.None);
            expected.Should().Contain(Encoding.UTF8.GetString(ms.ToArray()), "a stored message is complete, never partial");
        }

        var stats = await store.GetStatisticsAsync();
        stats.Unreferenced.Should().Be(0, "no attachment reference leaked or dangles");

        var check = await RunServer(dir.Path, TimeSpan.FromMinutes(2), null, "check");
        check.ExitCode.Should().Be(0, check.Output);
    }

    [Fact]
    public async Task TwoProcessesImportingIntoOneMailboxAtOnceGetDistinctUidsAndAConsistentStore()
    {
        using var dir = new TempDirectory();
        var folders = new[] { Path.Combine(dir.Path, "a"), Path.Combine(dir.Path, "b") };
        for (var f = 0; f < folders.Length; f++)
        {
            Directory.CreateDirectory(folders[f]);
            for (var i = 0; i < 60; i++)
            {
                var text = TestMessages.WithAttachment($"proc{f} msg{i}", 3000, i % 5);
                await File.WriteAllTextAsync(Path.Combine(folders[f], i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + ".eml"), text);
            }
        }

        (await RunServer(dir.Path, TimeSpan.FromMinutes(2), null, "user", "create", "alice", "--password", "pw-alice-123")).ExitCode.Should().Be(0);

        // Both writers run at the same time against the same file and the same mailbox.
        var first = RunServer(dir.Path, TimeSpan.FromMinutes(3), null, "user", "import", "alice", folders[0]);
        var second = RunServer(dir.Path, TimeSpan.FromMinutes(3), null, "user", "import", "alice", folders[1]);
        var results = await Task.WhenAll(first, second);
        results[0].ExitCode.Should().Be(0, results[0].Output);
        results[1].ExitCode.Should().Be(0, results[1].Output);

        SqliteConnection.ClearAllPools();
        using var store = SqliteTestStore.Create(Path.Combine(dir.Path, "wildduck.db"));
        (await store.CheckAsync()).Problems.Should().BeEmpty();
        var user = (await store.FindUserAsync("alice"))!;
        var inbox = (await store.FindMailboxAsync(user.Id, "INBOX"))!;
        var snapshot = (await store.OpenAsync(user.Id, inbox.Id))!;
        snapshot.Uids.Should().Equal(Enumerable.Range(1, 120).Select(i => (uint)i), "UIDs are allocated once each, across processes");
        inbox.UidNext.Should().Be(121);
        var stats = await store.GetStatisticsAsync();
        stats.Attachments.Should().Be(5, "five distinct attachments, shared across both imports");
        output.WriteLine($"two processes stored 120 messages; {stats.StoredBytes} attachment bytes for {stats.ReferencedBytes} referenced");
    }

    private static async Task<(int ExitCode, string Output, bool Killed)> RunServer(string dataDirectory, TimeSpan timeout, Func<string, bool>? killWhen, params string[] args)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "WildDuck.Server.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["WildDuck__DataDirectory"] = dataDirectory;
        info.Environment["WildDuck__Sqlite__Durability"] = "Full";
        using var process = Process.Start(info)!;
        var text = new StringBuilder();
        var killed = false;
        var readError = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            text.AppendLine(line);
            if (!killed && killWhen is not null && killWhen(line))
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
        }

        await process.WaitForExitAsync(cts.Token);
        text.Append(await readError);
        return (process.ExitCode, text.ToString(), killed);
    }
}
