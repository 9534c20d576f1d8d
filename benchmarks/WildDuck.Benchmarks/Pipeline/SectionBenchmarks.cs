// SPDX-License-Identifier: MIT
using System.IO;
using System.Text;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Benchmarks.Pipeline;

/// <summary>FETCH section extraction on a typical multipart message with an attachment.</summary>
[MemoryDiagnoser]
public class SectionBenchmarks
{
    private MessageContent _content = null!;
    private readonly SectionSpec _headerFields = new() { Kind = SectionKind.HeaderFields, FieldNames = new[] { "From", "To", "Subject", "Date", "Message-ID" } };
    private readonly SectionSpec _text = new() { Part = new[] { 1 } };
    private readonly SectionSpec _binary = new() { Part = new[] { 2 }, Binary = true };
    private readonly SectionSpec _partial = new() { PartialOffset = 100, PartialLength = 1024 };

    [GlobalSetup]
    public void Setup()
    {
        var raw = Corpus.LargeMessage(64 * 1024);
        var withHeaders = Encoding.ASCII.GetBytes("Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <b@example.org>\r\n").Concat(raw);
        var indexed = new MessageIndexer(new MessageLimits()).Index(withHeaders);
        _content = MessageContent.FromIndexed(indexed);
    }

    [Benchmark(Description = "BODY.PEEK[HEADER.FIELDS (5 fields)]")]
    public async Task HeaderFields() => await (await _content.ResolveSectionAsync(_headerFields)).WriteToAsync(Stream.Null);

    [Benchmark(Description = "BODY[1] (text part)")]
    public async Task TextPart() => await (await _content.ResolveSectionAsync(_text)).WriteToAsync(Stream.Null);

    [Benchmark(Description = "BINARY[2] (64 KiB decoded)")]
    public async Task BinaryPart() => await (await _content.ResolveSectionAsync(_binary)).WriteToAsync(Stream.Null);

    [Benchmark(Description = "BODY[]<100.1024>")]
    public async Task Partial() => await (await _content.ResolveSectionAsync(_partial)).WriteToAsync(Stream.Null);
}

internal static class ByteArrayExtensions
{
    public static byte[] Concat(this byte[] first, byte[] second)
    {
        var result = new byte[first.Length + second.Length];
        first.CopyTo(result, 0);
        second.CopyTo(result, first.Length);
        return result;
    }
}
