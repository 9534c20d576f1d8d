// SPDX-License-Identifier: MIT
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Tests;

/// <summary>A raw LMTP client over a real socket: sends bytes as given and reads replies line by line.</summary>
public sealed class LmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly IDisposable _owner;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private LmtpClient(Stream stream, IDisposable owner)
    {
        _stream = stream;
        _owner = owner;
    }

    /// <summary>A client over any stream (an in-memory connection), after reading the greeting.</summary>
    public static async Task<LmtpClient> OverStreamAsync(Stream stream)
    {
        var client = new LmtpClient(stream, stream);
        (await client.ReadReplyAsync()).Should().StartWith("220 ");
        return client;
    }

    /// <summary>Replaces the stream after a TLS handshake (no bytes may be buffered).</summary>
    public Stream Stream
    {
        get => _stream;
        set
        {
            (_end - _start).Should().Be(0, "nothing may follow the STARTTLS reply in plaintext");
            _stream = value;
        }
    }

    public static async Task<LmtpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint);
        var client = new LmtpClient(tcp.GetStream(), tcp);
        var greeting = await client.ReadReplyAsync();
        greeting.Should().StartWith("220 " + LmtpTestServer.Hostname + " LMTP WildDuck.Core ready");
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a command line (CRLF appended) and returns its reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one (possibly multi-line) reply; lines joined by LF, without the final CRLF.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new EndOfStreamException("Connection closed; read so far: " + lines);
            if (lines.Length > 0)
            {
                lines.Append('\n');
            }

            lines.Append(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines.ToString();
            }
        }
    }

    /// <summary>Reads <paramref name="count"/> replies.</summary>
    public async Task<string[]> ReadRepliesAsync(int count)
    {
        var replies = new string[count];
        for (var i = 0; i < count; i++)
        {
            replies[i] = await ReadReplyAsync();
        }

        return replies;
    }

    /// <summary>True when the server closed the connection (after any remaining lines).</summary>
    public async Task<bool> IsClosedAsync() => await ReadLineAsync() is null;

    public async Task<string?> ReadLineAsync()
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

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            using var cts = new CancellationTokenSource(Timeout);
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            }
            catch (IOException)
            {
                return null;
            }

            if (n == 0)
            {
                return null;
            }

            _end += n;
        }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _owner.Dispose();
        return ValueTask.CompletedTask;
    }
}
