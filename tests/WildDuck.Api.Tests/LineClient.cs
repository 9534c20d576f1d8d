// SPDX-License-Identifier: MIT
using System.IO;
using System.Net.Sockets;

namespace WildDuck.Api.Tests;

/// <summary>A line-based client on a real socket.</summary>
internal sealed class LineClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private StreamReader? _reader;
    private StreamWriter? _writer;

    public async Task ConnectAsync(IPEndPoint endPoint)
    {
        await _tcp.ConnectAsync(endPoint);
        var stream = _tcp.GetStream();
        _reader = new StreamReader(stream, Encoding.ASCII);
        _writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
    }

    public Task SendAsync(string line) => _writer!.WriteLineAsync(line);

    public async Task<string> ReadLineAsync()
    {
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await _reader!.ReadLineAsync(timeout.Token) ?? "<closed>";
    }

    /// <summary>Reads until a line starting with <paramref name="prefix"/> and returns it.</summary>
    public async Task<string> ReadUntilAsync(string prefix)
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (line.StartsWith(prefix, StringComparison.Ordinal) || line == "<closed>")
            {
                return line;
            }
        }
    }

    public void Dispose() => _tcp.Dispose();
}
