// SPDX-License-Identifier: MIT
using System.Buffers;
using System.IO;
using BenchmarkDotNet.Attributes;
using WildDuck.Hosting;
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Benchmarks.Lmtp;

/// <summary>
/// The LMTP hot paths (style §3.8): framing and parsing a MAIL FROM line, and dot-unstuffing a
/// 100 KiB DATA stream into the pooled message buffer. Target: 0 B allocated per operation.
/// </summary>
[MemoryDiagnoser]
public class LmtpProtocolBenchmarks
{
    private static readonly byte[] s_mailLine = "MAIL FROM:<bounces+12345@mailer.example.com> SIZE=123456 BODY=8BITMIME SMTPUTF8\r\n"u8.ToArray();
    private readonly MessageBuffer _message = new();
    private ReadOnlySequence<byte> _mail;
    private ReadOnlySequence<byte> _data;

    [GlobalSetup]
    public void Setup()
    {
        _mail = new ReadOnlySequence<byte>(s_mailLine);
        using var body = new MemoryStream();
        var line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt\r\n"u8;
        var stuffed = "..a line that starts with a dot\r\n"u8;
        for (var i = 0; body.Length < 100 * 1024; i++)
        {
            body.Write(i % 10 == 0 ? stuffed : line);
        }

        body.Write(".\r\n"u8);
        _data = new ReadOnlySequence<byte>(body.ToArray());
    }

    [Benchmark(Description = "Frame and parse a MAIL FROM line")]
    public long FrameAndParseMail()
    {
        var framer = default(LineFramer);
        var buffer = _mail;
        framer.TryRead(ref buffer, 1024, out var line);
        var span = line.FirstSpan;
        LmtpCommandParser.ParseVerb(span, out var arguments);
        LmtpCommandParser.ParseMail(arguments, out _, out var parameters);
        return parameters.Size;
    }

    [Benchmark(Description = "Dot-unstuff 100 KiB of DATA")]
    public long DecodeData()
    {
        var decoder = default(DataDecoder);
        _message.Reset(64L * 1024 * 1024);
        decoder.Decode(_data, _message);
        return _message.TotalLength;
    }
}
