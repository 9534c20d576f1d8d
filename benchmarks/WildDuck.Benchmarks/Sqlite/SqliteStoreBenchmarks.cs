// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using WildDuck.Storage;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Benchmarks.Sqlite;

/// <summary>
/// End to end through <see cref="SqliteMailStore"/> on a temp file (WAL, <c>Durability=Normal</c>):
/// APPEND of one corpus message (normalise + index + metadata + one write transaction) and
/// OpenContent + WriteToAsync of a stored one (layout row read + inline bytes + attachment blob I/O).
/// This is the cost an embedder sees, not the in-memory pipeline figures.
/// </summary>
[MemoryDiagnoser]
public class SqliteStoreBenchmarks
{
    private BenchmarkSqliteStore _bench = null!;
    private byte[] _message = null!;
    private uint _storedUid;

    /// <summary>
    /// <c>Typical</c>: the corpus message of median size (text only, stored inline).
    /// <c>WithAttachment</c>: the median-size corpus message among those with an externalised body,
    /// so reading goes through the attachment table's blob I/O too.
    /// </summary>
    [Params("Typical", "WithAttachment")]
    public string Message { get; set; } = "Typical";

    [GlobalSetup]
    public void Setup()
    {
        _message = Pick(Message);
        _bench = new BenchmarkSqliteStore();
        _storedUid = AppendAsync().GetAwaiter().GetResult().Uid;
        Console.WriteLine($"// sqlite {Message}: message {_message.Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Description = "SQLite APPEND (Durability=Normal)")]
    public Task<AppendResult> Append() => AppendAsync();

    [Benchmark(Description = "SQLite OpenContent + WriteToAsync")]
    public async Task<long> OpenAndRead()
    {
        using var content = (await _bench.Store.OpenContentAsync(_bench.User, _bench.Inbox, _storedUid).ConfigureAwait(false))!;
        await content.WriteToAsync(Stream.Null, 0, content.Size).ConfigureAwait(false);
        return content.Size;
    }

    private Task<AppendResult> AppendAsync() =>
        _bench.Store.AppendAsync(_bench.User, _bench.Inbox, new AppendRequest { Content = _message, EnforceQuota = false });

    internal static byte[] Pick(string which)
    {
        var indexer = new MessageIndexer(new MessageLimits());
        var candidates = new List<byte[]>();
        foreach (var raw in Corpus.LoadMessages())
        {
            var external = indexer.Index(raw).ExternalBodies.Count > 0;
            if (which == "Typical" ? !external : external)
            {
                candidates.Add(raw);
            }
        }

        candidates.Sort((a, b) => a.Length.CompareTo(b.Length));
        return candidates[candidates.Count / 2];
    }
}
