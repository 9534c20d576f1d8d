// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using BenchmarkDotNet.Attributes;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;

namespace WildDuck.Benchmarks.Imap;

/// <summary>
/// The IMAP hot paths with allocation budgets (style §3.8): framing a command line, parsing it (cold,
/// and repeated on one session, where the body comes from the session's command cache), and
/// writing a FLAGS FETCH response line.
/// </summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private static readonly byte[] s_fetchLine = "A123 UID FETCH 1:4000 (UID FLAGS MODSEQ) (CHANGEDSINCE 1234)\r\n"u8.ToArray();
    private static readonly byte[] s_searchLine = "A124 UID SEARCH CHARSET UTF-8 UNDELETED SINCE 1-Feb-2024 OR FROM alice SUBJECT \"quarterly report\"\r\n"u8.ToArray();
    private static readonly string[] s_keywords = { "$Forwarded", "$Junk" };
    private readonly ImapFramer _framer = new(new ImapLimits());
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly ImapCommandCache _cache = new();
    private ReadOnlySequence<byte> _fetch;

    [GlobalSetup]
    public void Setup() => _fetch = new ReadOnlySequence<byte>(s_fetchLine);

    [Benchmark(Description = "Frame a UID FETCH line")]
    public int FrameFetch()
    {
        var state = new ImapFrameState { IsAuthenticated = true };
        return (int)_framer.TryFrame(ref state, _fetch, out _, out _, out _);
    }

    [Benchmark(Description = "Parse a UID FETCH line")]
    public object? ParseFetch() => ImapCommandParser.Parse(s_fetchLine.AsSpan(0, s_fetchLine.Length - 2), new ImapParserContext(false, true)).Command;

    [Benchmark(Description = "Parse a UID SEARCH line")]
    public object? ParseSearch() => ImapCommandParser.Parse(s_searchLine.AsSpan(0, s_searchLine.Length - 2), new ImapParserContext(false, true)).Command;

    [Benchmark(Description = "Parse a repeated UID FETCH line (session)")]
    public object? ParseFetchRepeated() => ImapCommandParser.Parse(s_fetchLine.AsSpan(0, s_fetchLine.Length - 2), new ImapParserContext(false, true), _cache, out _).Command;

    [Benchmark(Description = "Parse a repeated UID SEARCH line (session)")]
    public object? ParseSearchRepeated() => ImapCommandParser.Parse(s_searchLine.AsSpan(0, s_searchLine.Length - 2), new ImapParserContext(false, true), _cache, out _).Command;

    [Benchmark(Description = "Write 100 FLAGS FETCH lines", OperationsPerInvoke = 100)]
    public int WriteFlagsFetch()
    {
        _output.ResetWrittenCount();
        var w = new ImapResponseWriter(_output);
        for (uint i = 1; i <= 100; i++)
        {
            w.BeginFetch(i);
            w.WriteFetchUid(i + 1000);
            w.WriteFetchFlags(MessageFlags.Seen | MessageFlags.Flagged, s_keywords);
            w.WriteFetchModSeq(12345 + i);
            w.EndFetch();
        }

        w.Commit();
        return _output.WrittenCount;
    }
}
