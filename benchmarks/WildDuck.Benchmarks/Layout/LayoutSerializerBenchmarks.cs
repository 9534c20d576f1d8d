// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Benchmarks.Layout;

/// <summary><see cref="MessageLayoutSerializer"/> over the layouts of the whole corpus.</summary>
[MemoryDiagnoser]
public class LayoutSerializerBenchmarks
{
    private List<MessageLayout> _layouts = null!;
    private List<byte[]> _blobs = null!;

    [GlobalSetup]
    public void Setup()
    {
        var indexer = new MessageIndexer(new MessageLimits());
        _layouts = new List<MessageLayout>();
        _blobs = new List<byte[]>();
        long bytes = 0;
        foreach (var raw in Corpus.LoadMessages())
        {
            var layout = indexer.Index(raw).Layout;
            var blob = MessageLayoutSerializer.Serialize(layout);
            _layouts.Add(layout);
            _blobs.Add(blob);
            bytes += blob.Length;
        }

        Console.WriteLine($"// layouts: {_layouts.Count}, {bytes} serialized bytes");
    }

    [Benchmark(Description = "Layout Serialize (corpus)")]
    public int Serialize()
    {
        var n = 0;
        foreach (var layout in _layouts)
        {
            n += MessageLayoutSerializer.Serialize(layout).Length;
        }

        return n;
    }

    [Benchmark(Description = "Layout Deserialize (corpus)")]
    public long Deserialize()
    {
        long n = 0;
        foreach (var blob in _blobs)
        {
            n += MessageLayoutSerializer.Deserialize(blob).Size;
        }

        return n;
    }

    [Benchmark(Description = "Layout round trip (corpus)")]
    public long RoundTrip()
    {
        long n = 0;
        foreach (var layout in _layouts)
        {
            n += MessageLayoutSerializer.Deserialize(MessageLayoutSerializer.Serialize(layout)).Size;
        }

        return n;
    }
}
