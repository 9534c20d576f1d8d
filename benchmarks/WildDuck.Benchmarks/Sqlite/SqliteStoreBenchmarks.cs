// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using WildDuck.Storage;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;
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
    private string _directory = null!;
    private SqliteMailStore _store = null!;
    private UserId _user;
    private MailboxId _inbox;
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
        _directory = Path.Combine(Path.GetTempPath(), "wildduck-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var options = new WildDuckOptions { Hostname = "bench.test" };
        _store = new SqliteMailStore(
            Options.Create(new SqliteStorageOptions { Path = Path.Combine(_directory, "wildduck.db"), Durability = SqliteDurability.Normal }),
            Options.Create(options),
            new InProcessChangeNotifier(),
            new PasswordHasher(Options.Create(options)),
            TimeProvider.System);
        _user = _store.CreateUserAsync(new CreateUserRequest { Username = "bench", PasswordHash = "x" }).GetAwaiter().GetResult().Id;
        _inbox = _store.FindMailboxAsync(_user, "INBOX").GetAwaiter().GetResult()!.Id;
        _storedUid = AppendAsync().GetAwaiter().GetResult().Uid;
        Console.WriteLine($"// sqlite {Message}: message {_message.Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "SQLite APPEND (Durability=Normal)")]
    public Task<AppendResult> Append() => AppendAsync();

    [Benchmark(Description = "SQLite OpenContent + WriteToAsync")]
    public async Task<long> OpenAndRead()
    {
        var content = (await _store.OpenContentAsync(_user, _inbox, _storedUid).ConfigureAwait(false))!;
        await content.WriteToAsync(Stream.Null, 0, content.Size).ConfigureAwait(false);
        return content.Size;
    }

    private Task<AppendResult> AppendAsync() =>
        _store.AppendAsync(_user, _inbox, new AppendRequest { Content = _message, EnforceQuota = false });

    private static byte[] Pick(string which)
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
