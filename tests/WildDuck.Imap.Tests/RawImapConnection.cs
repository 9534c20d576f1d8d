// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Imap.Tests;

/// <summary>A scripted, line-oriented IMAP client over a raw in-memory connection.</summary>
public sealed class RawImapConnection : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public RawImapConnection(Stream stream)
    {
        _stream = stream;
    }

    public Task Session { get; private init; } = Task.CompletedTask;

    public static async Task<RawImapConnection> OpenAsync(ImapTestServer server, bool login = true)
    {
        var (stream, session) = server.Connect();
        var connection = new RawImapConnection(stream) { Session = session };
        var greeting = await connection.ReadLineAsync();
        if (!greeting.StartsWith("* OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Unexpected greeting: " + greeting);
        }

        if (login)
        {
            await connection.CommandAsync("L0", $"LOGIN {ImapTestServer.User} {ImapTestServer.Password}");
        }

        return connection;
    }

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public async Task SendBytesAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one line without its CRLF; null at end of stream.</summary>
    public async Task<string?> TryReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? s_timeout);
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, cts.Token);
                if (_end == 0)
                {
                    return line.Count == 0 ? null : Encoding.UTF8.GetString(line.ToArray());
                }
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

    /// <summary>Reads exactly <paramref name="count"/> bytes (a literal's content).</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var cts = new CancellationTokenSource(s_timeout);
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, cts.Token);
                if (_end == 0)
                {
                    throw new EndOfStreamException("Connection closed");
                }
            }

            var n = Math.Min(count - filled, _end - _start);
            Array.Copy(_buffer, _start, result, filled, n);
            _start += n;
            filled += n;
        }

        return result;
    }

    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
        => await TryReadLineAsync(timeout) ?? throw new EndOfStreamException("Connection closed");

    /// <summary>Sends "tag command" and returns every line up to and including the tagged completion.</summary>
    public async Task<List<string>> CommandAsync(string tag, string command)
    {
        await SendAsync(tag + " " + command + "\r\n");
        return await ReadUntilTaggedAsync(tag);
    }

    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
    }
}
