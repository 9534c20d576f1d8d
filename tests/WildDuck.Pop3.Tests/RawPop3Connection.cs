// SPDX-License-Identifier: MIT
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace WildDuck.Pop3.Tests;

/// <summary>A scripted, line-oriented POP3 client over a real TCP socket.</summary>
public sealed class RawPop3Connection : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    private RawPop3Connection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public string Greeting { get; private set; } = string.Empty;

    /// <summary>Connects to the plain port, reads the greeting and optionally logs in with USER/PASS.</summary>
    public static async Task<RawPop3Connection> OpenAsync(Pop3TestServer server, bool login = true)
    {
        var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        var connection = new RawPop3Connection(client);
        connection.Greeting = await connection.ReadLineAsync();
        connection.Greeting.Should().StartWith("+OK ");
        if (login)
        {
            (await connection.CommandAsync("USER " + Pop3TestServer.User)).Should().StartWith("+OK");
            (await connection.CommandAsync("PASS " + Pop3TestServer.Password)).Should().StartWith("+OK");
        }

        return connection;
    }

    public async Task SendAsync(string text) => await SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one command line and returns the first response line.</summary>
    public async Task<string> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ReadLineAsync();
    }

    /// <summary>Sends a command whose positive answer is multi-line; returns the status line and the (unstuffed) lines.</summary>
    public async Task<(string Status, List<string> Lines)> MultiLineAsync(string command)
    {
        var status = await CommandAsync(command);
        return (status, status.StartsWith("+OK", StringComparison.Ordinal) ? await ReadLinesUntilDotAsync() : new List<string>());
    }

    /// <summary>Reads the rest of a multi-line response (unstuffed) up to its terminator.</summary>
    public async Task<List<string>> ReadLinesUntilDotAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is var line && line != ".")
        {
            lines.Add(line.StartsWith('.') ? line[1..] : line);
        }

        return lines;
    }

    /// <summary>Reads a multi-line body as raw bytes up to and including the terminating ".CRLF", still stuffed.</summary>
    public async Task<byte[]> ReadMultiLineBytesAsync()
    {
        var result = new MemoryStream();
        using var cts = new CancellationTokenSource(s_timeout);
        while (true)
        {
            result.WriteByte(await ReadByteAsync(cts.Token));
            var bytes = result.GetBuffer();
            var length = (int)result.Length;

            // The body follows the status line's CRLF, so the terminator is ".CRLF" at a line start.
            if (length >= 3 && bytes[length - 1] == (byte)'\n' && bytes[length - 2] == (byte)'\r' && bytes[length - 3] == (byte)'.'
                && (length == 3 || bytes[length - 4] == (byte)'\n'))
            {
                return result.ToArray();
            }
        }
    }

    /// <summary>Undoes the stuffing of a raw multi-line body and drops the terminator (RFC 1939 §3).</summary>
    public static byte[] Unstuff(byte[] raw)
    {
        var output = new MemoryStream();
        var body = raw.AsSpan(0, raw.Length - 3);
        var lineStart = true;
        foreach (var b in body)
        {
            if (lineStart && b == (byte)'.')
            {
                lineStart = false;
                continue;
            }

            output.WriteByte(b);
            lineStart = b == (byte)'\n';
        }

        return output.ToArray();
    }

    /// <summary>Reads one line without its CRLF; null at end of stream.</summary>
    public async Task<string?> TryReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? s_timeout);
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cts.Token))
            {
                return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
            }

            var b = _buffer[_start++];
            if (b == (byte)'\n' && line.Count > 0 && line[^1] == (byte)'\r')
            {
                line.RemoveAt(line.Count - 1);
                return Encoding.UTF8.GetString(line.ToArray());
            }

            line.Add(b);
        }
    }

    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
        => await TryReadLineAsync(timeout) ?? throw new EndOfStreamException("Connection closed");

    /// <summary>True when the server closed the connection (reads until end of stream).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            while (await TryReadLineAsync() is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Runs STLS and the client handshake (accepting the self-signed test certificate).</summary>
    public async Task StartTlsAsync()
    {
        (await CommandAsync("STLS")).Should().StartWith("+OK");
        _start.Should().Be(_end, "nothing may follow the STLS go-ahead in plaintext");
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        });
        _stream = ssl;
    }

    /// <summary>Closes the sending side only (TCP half-close); responses can still be read.</summary>
    public void ShutdownSend() => _client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Drops the connection without QUIT.</summary>
    public void Abort() => _client.Client.Close(0);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<byte> ReadByteAsync(CancellationToken cancellationToken)
    {
        if (_start == _end && !await FillAsync(cancellationToken))
        {
            throw new EndOfStreamException("Connection closed");
        }

        return _buffer[_start++];
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, cancellationToken);
        return _end > 0;
    }
}
