// SPDX-License-Identifier: MIT
using System.Net.Sockets;
using System.Text;

namespace WildDuck.LoadTest;

/// <summary>
/// A minimal raw-socket POP3 client (plain TCP, USER/PASS): blocking reads into one reused buffer;
/// multi-line bodies are scanned for their terminator and counted, never kept.
/// </summary>
internal sealed class Pop3Connection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    private Pop3Connection(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Connects, reads the greeting and logs in with USER/PASS.</summary>
    public static Pop3Connection Open(string host, int port, string user, string password)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 1 << 20 };
        socket.Connect(host, port);
        var connection = new Pop3Connection(socket);
        Expect(connection.ReadLine(), "greeting");
        Expect(connection.Command("USER " + user), "USER");
        Expect(connection.Command("PASS " + password), "PASS");
        return connection;
    }

    public static void Expect(string status, string what)
    {
        if (!status.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(what + " failed: " + status);
        }
    }

    public void Send(string text)
    {
        ReadOnlySpan<byte> bytes = Encoding.ASCII.GetBytes(text);
        while (!bytes.IsEmpty)
        {
            bytes = bytes[_socket.Send(bytes)..];
        }
    }

    public string Command(string line)
    {
        Send(line + "\r\n");
        return ReadLine();
    }

    /// <summary>Reads one response line (without CRLF).</summary>
    public string ReadLine()
    {
        while (true)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, lf).TrimEnd('\r');
                _start += lf + 1;
                return line;
            }

            FillMore();
        }
    }

    /// <summary>Skips a multi-line body up to its ".CRLF" terminator; returns the body's bytes on the wire (stuffing included).</summary>
    public long SkipMultiLine()
    {
        long bytes = 0;
        var atLineStart = true;
        while (true)
        {
            if (_start == _end)
            {
                FillMore();
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            if (atLineStart && span[0] == (byte)'.')
            {
                if (span.Length < 3)
                {
                    FillMore();
                    continue;
                }

                if (span[1] == (byte)'\r' && span[2] == (byte)'\n')
                {
                    _start += 3;
                    return bytes;
                }
            }

            var lf = span.IndexOf((byte)'\n');
            if (lf < 0)
            {
                bytes += span.Length;
                _start = _end;
                atLineStart = false;
                continue;
            }

            bytes += lf + 1;
            _start += lf + 1;
            atLineStart = true;
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Moves unread bytes to the front and reads more after them.</summary>
    private void FillMore()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("response line longer than the buffer");
        }

        var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0)
        {
            throw new EndOfStreamException("connection closed");
        }

        _end += read;
    }
}
