// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Benchmarks;

/// <summary>
/// A quick Stopwatch harness (<c>-- --stages</c>) timing each ingest stage over the corpus, to see
/// where ingest time goes without a profiler. Not a BenchmarkDotNet benchmark: rough, relative
/// figures only (one process, no outlier handling; sensitive to machine load).
/// </summary>
internal static class StageProfiler
{
    public static void Run()
    {
        var corpus = Corpus.LoadMessages();
        long bytes = 0;
        foreach (var raw in corpus)
        {
            bytes += raw.Length;
        }

        var limits = new MessageLimits();
        var indexer = new MessageIndexer(limits);
        var roots = new List<(ReadOnlyMemory<byte> Message, MimePartNode Root)>();
        foreach (var raw in corpus)
        {
            var indexed = indexer.Index(raw);
            roots.Add((MessageNormalizer.Normalize(raw, long.MaxValue), indexed.Layout.Root));
        }

        Console.WriteLine($"corpus: {corpus.Count} messages, {bytes} bytes");
        Time("normalize", bytes, () =>
        {
            foreach (var raw in corpus)
            {
                MessageNormalizer.Normalize(raw, long.MaxValue);
            }
        });
        Time("MimeTreeReader.Parse", bytes, () =>
        {
            foreach (var (message, _) in roots)
            {
                var array = message.ToArray();
                MimeTreeReader.Parse(array, 0, array.Length, 36);
            }
        });
        Time("header blocks", bytes, () =>
        {
            foreach (var (message, root) in roots)
            {
                var view = new MessageView(message);
                Walk(root, node => view.Headers(node));
            }
        });
        Time("envelope", bytes, () =>
        {
            foreach (var (message, root) in roots)
            {
                EnvelopeBuilder.Build(new MessageView(message).Headers(root));
            }
        });
        Time("bodystructure+body", bytes, () =>
        {
            foreach (var (message, root) in roots)
            {
                var view = new MessageView(message);
                BodyStructureBuilder.Build(view, root, extensible: true);
                BodyStructureBuilder.Build(view, root, extensible: false);
            }
        });
        Time("text extraction", bytes, () =>
        {
            foreach (var (message, root) in roots)
            {
                MessageTextExtractor.Extract(new MessageView(message), root, limits);
            }
        });
        Time("metadata (all)", bytes, () =>
        {
            foreach (var (message, root) in roots)
            {
                MessageMetadataBuilder.Build(message, root, limits, Array.Empty<AttachmentDescriptor>(), false);
            }
        });
        Time("Index (all)", bytes, () =>
        {
            foreach (var raw in corpus)
            {
                indexer.Index(raw);
            }
        });
        TopMessages(corpus, indexer);
    }

    /// <summary>The messages that take longest to index (where the time goes per message).</summary>
    private static void TopMessages(List<byte[]> corpus, MessageIndexer indexer)
    {
        var times = new List<(double Us, int Index, int Length)>();
        for (var k = 0; k < corpus.Count; k++)
        {
            for (var i = 0; i < 3; i++)
            {
                indexer.Index(corpus[k]); // the whole corpus was already indexed 60+ times above
            }

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++)
            {
                indexer.Index(corpus[k]);
            }

            times.Add((watch.Elapsed.TotalMicroseconds / 20, k, corpus[k].Length));
        }

        times.Sort((a, b) => b.Us.CompareTo(a.Us));
        for (var i = 0; i < Math.Min(8, times.Count); i++)
        {
            Console.WriteLine($"  message #{times[i].Index,3}: {times[i].Length,8} bytes {times[i].Us,9:F1} us");
        }
    }

    private static void Walk(MimePartNode node, Action<MimePartNode> visit)
    {
        visit(node);
        foreach (var child in node.Children)
        {
            Walk(child, visit);
        }

        if (node.Message is { } inner)
        {
            Walk(inner, visit);
        }
    }

    private static void Time(string name, long bytes, Action pass)
    {
        // Enough calls for tiered compilation to promote the hot methods (30 calls, then a
        // background recompile), and a pause for it to finish: otherwise this times Tier-0 code.
        for (var i = 0; i < 40; i++)
        {
            pass();
        }

        System.Threading.Thread.Sleep(300);

        const int Passes = 20;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Passes; i++)
        {
            pass();
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        double ms = watch.Elapsed.TotalMilliseconds / Passes;
        Console.WriteLine($"{name,-22} {ms,9:F2} ms/corpus  {bytes / (ms / 1000) / 1e6,8:F1} MB/s  {allocated / Passes / 1024,8} KiB alloc/corpus");
    }
}
