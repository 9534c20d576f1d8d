// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using WildDuck.Storage;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Benchmarks.Sqlite;

/// <summary>
/// The batch read behind IMAP <c>FETCH 1:* BODY.PEEK[]</c>: <see cref="SqliteMailStore.ListMessagesAsync"/>
/// with <see cref="MessageFields.Content"/> over a mailbox of <see cref="MessageCount"/> copies of one
/// corpus message, and for each message the BODY[] section resolved and streamed (what the IMAP
/// session does per message). Figures are per message (<c>OperationsPerInvoke</c>).
/// </summary>
[MemoryDiagnoser]
public class SqliteFetchBenchmarks
{
    private const int MessageCount = 256;
    private static readonly SectionSpec WholeMessage = new();
    private BenchmarkSqliteStore _bench = null!;

    /// <summary>As in <see cref="SqliteStoreBenchmarks"/>: the median inline message, and the median one with an attachment.</summary>
    [Params("Typical", "WithAttachment")]
    public string Message { get; set; } = "Typical";

    [GlobalSetup]
    public void Setup()
    {
        var message = SqliteStoreBenchmarks.Pick(Message);
        _bench = new BenchmarkSqliteStore();
        for (var i = 0; i < MessageCount; i++)
        {
            _bench.Store.AppendAsync(_bench.User, _bench.Inbox, new AppendRequest { Content = message, EnforceQuota = false }).GetAwaiter().GetResult();
        }

        Console.WriteLine($"// sqlite fetch {Message}: {MessageCount} messages of {message.Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Description = "SQLite ListMessages(Content) + BODY[] per message", OperationsPerInvoke = MessageCount)]
    public async Task<long> FetchAllBodies()
    {
        long total = 0;
        await foreach (var record in _bench.Store.ListMessagesAsync(_bench.User, _bench.Inbox, UidSet.All, MessageFields.Basic | MessageFields.Content).ConfigureAwait(false))
        {
            using var content = record.Content!;
            var section = await content.ResolveSectionAsync(WholeMessage).ConfigureAwait(false);
            await section.WriteToAsync(Stream.Null).ConfigureAwait(false);
            total += section.Length;
        }

        return total;
    }
}
