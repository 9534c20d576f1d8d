// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Benchmarks.Pipeline;

/// <summary>
/// Ingest (normalise + index + metadata) and full recomposition over the whole corpus, and the same
/// for one 10 MiB message. Divide the corpus bytes (printed in setup) by the mean to get MB/s.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private List<byte[]> _corpus = null!;
    private MessageIndexer _indexer = null!;
    private List<MessageContent> _stored = null!;
    private byte[] _large = null!;
    private MessageContent _largeStored = null!;
    private MemoryStream _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = Corpus.LoadMessages();
        _indexer = new MessageIndexer(new MessageLimits());
        _stored = new List<MessageContent>(_corpus.Count);
        long bytes = 0;
        foreach (var raw in _corpus)
        {
            _stored.Add(Store(_indexer.Index(raw)));
            bytes += raw.Length;
        }

        _large = Corpus.LargeMessage();
        _largeStored = Store(_indexer.Index(_large));
        _sink = new MemoryStream(capacity: _large.Length * 2);
        System.Console.WriteLine($"// corpus: {_corpus.Count} messages, {bytes} bytes; large message {_large.Length} bytes");
    }

    [Benchmark(Description = "Ingest+index whole corpus")]
    public int IngestCorpus()
    {
        var n = 0;
        foreach (var raw in _corpus)
        {
            n += (int)_indexer.Index(raw).Size;
        }

        return n;
    }

    [Benchmark(Description = "Ingest+index 10 MiB message")]
    public long IngestLarge() => _indexer.Index(_large).Size;

    [Benchmark(Description = "Recompose whole corpus (BODY[])")]
    public async Task RecomposeCorpus()
    {
        foreach (var content in _stored)
        {
            // A reused, pre-sized MemoryStream: every byte is really copied, nothing is allocated.
            _sink.Position = 0;
            await content.WriteToAsync(_sink, 0, content.Size);
        }
    }

    [Benchmark(Description = "Recompose 10 MiB message (BODY[])")]
    public ValueTask RecomposeLarge()
    {
        _sink.Position = 0;
        return _largeStored.WriteToAsync(_sink, 0, _largeStored.Size);
    }

    private static MessageContent Store(IndexedMessage indexed)
    {
        // Copies of the bodies, so the "store" owns its bytes as a real one would.
        var attachments = new InMemoryAttachmentSource();
        foreach (var body in indexed.ExternalBodies)
        {
            attachments.Add(body.Hash, body.EncodedBytes.ToArray());
        }

        var layout = MessageLayoutSerializer.Deserialize(MessageLayoutSerializer.Serialize(indexed.Layout));
        return new MessageContent(layout, indexed.InlineContent.ToArray(), attachments);
    }
}
