// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using static WildDuck.LoadTest.Stats;

namespace WildDuck.LoadTest;

/// <summary>
/// LMTP delivery scenarios (RFC 2033): corpus messages sent with a pipelined MAIL/RCPT/DATA group and
/// the dot-stuffed body, the way Postfix's LMTP client does, to any LMTP server.
/// </summary>
internal static class LmtpScenarios
{
    /// <summary><c>lmtp-deliver [N] [C]</c>: N messages over C connections (C=1: one connection, sequential).</summary>
    public static async Task<int> Deliver(Options o)
    {
        var total = o.IntArgument(0, 5000);
        var connections = Math.Max(1, o.IntArgument(1, 1));
        var corpus = Corpus.Load(o.Corpus).Select(Encode).ToList();
        Console.WriteLine($"lmtp-deliver: {total} messages over {connections} connection(s), recipient {o.RecipientFor(0)}{(connections > 1 ? " …" : string.Empty)}, corpus {corpus.Count} messages");
        var started = Stopwatch.GetTimestamp();
        var tasks = new Task<(int Delivered, int Failed, long Bytes)>[connections];
        for (var k = 0; k < connections; k++)
        {
            var share = (total / connections) + (k < total % connections ? 1 : 0);
            var first = k * (total / connections);
            var recipient = o.RecipientFor(k);
            tasks[k] = Task.Run(() => DeliverOn(o, recipient, corpus, first, share));
        }

        var results = await Task.WhenAll(tasks);
        var ms = Ms(started, Stopwatch.GetTimestamp());
        var delivered = results.Sum(r => r.Delivered);
        var failed = results.Sum(r => r.Failed);
        var bytes = results.Sum(r => r.Bytes);
        Console.WriteLine($"RESULT lmtp-deliver n={total} c={connections}: {delivered} delivered, {failed} failed, {bytes} bytes in {F(ms)} ms = {F(delivered / (ms / 1000))} msg/s, {F(bytes / 1e6 / (ms / 1000), "F2")} MB/s");
        return failed == 0 ? 0 : 1;
    }

    private static (int Delivered, int Failed, long Bytes) DeliverOn(Options o, string recipient, List<byte[]> corpus, int first, int count)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(o.Host, o.Port);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new ReplyReader(stream);
        Expect(reader.Read(), "220");
        Send(stream, "LHLO loadtest.example\r\n");
        Expect(reader.Read(), "250");
        var envelope = Encoding.UTF8.GetBytes("MAIL FROM:<loadtest@bench.example>\r\nRCPT TO:<" + recipient + ">\r\nDATA\r\n");
        int delivered = 0, failed = 0;
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var message = corpus[(first + i) % corpus.Count];
            stream.Write(envelope);
            var mail = reader.Read();
            var rcpt = reader.Read();
            var data = reader.Read();
            if (!data.StartsWith("354", StringComparison.Ordinal))
            {
                if (failed++ < 5)
                {
                    Console.WriteLine($"  refused: {mail} / {rcpt} / {data}");
                }

                Send(stream, "RSET\r\n");
                reader.Read();
                continue;
            }

            stream.Write(message);
            var reply = reader.Read();
            if (reply.StartsWith('2'))
            {
                delivered++;
                bytes += message.Length;
            }
            else if (failed++ < 5)
            {
                Console.WriteLine($"  delivery failed: {reply}");
            }
        }

        Send(stream, "QUIT\r\n");
        reader.Read();
        return (delivered, failed, bytes);
    }

    /// <summary>The DATA payload: the message dot-stuffed (RFC 5321 §4.5.2), ending in CRLF, then ".".</summary>
    private static byte[] Encode(byte[] message)
    {
        var output = new List<byte>(message.Length + 16);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == (byte)'.')
            {
                output.Add((byte)'.');
            }

            output.Add(b);
            lineStart = b == (byte)'\n';
        }

        if (!lineStart)
        {
            output.Add((byte)'\r');
            output.Add((byte)'\n');
        }

        output.AddRange(".\r\n"u8.ToArray());
        return [.. output];
    }

    private static void Send(NetworkStream stream, string text) => stream.Write(Encoding.ASCII.GetBytes(text));

    private static void Expect(string reply, string code)
    {
        if (!reply.StartsWith(code, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("unexpected reply: " + reply);
        }
    }

    /// <summary>Reads one reply (the last line of a multi-line one).</summary>
    private sealed class ReplyReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public string Read()
        {
            while (true)
            {
                var line = ReadLine();
                if (line.Length < 4 || line[3] != '-')
                {
                    return line;
                }
            }
        }

        private string ReadLine()
        {
            while (true)
            {
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                    _start = lf + 1;
                    return line;
                }

                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
                var n = stream.Read(_buffer, _end, _buffer.Length - _end);
                if (n == 0)
                {
                    throw new EndOfStreamException("server closed the connection");
                }

                _end += n;
            }
        }
    }
}
