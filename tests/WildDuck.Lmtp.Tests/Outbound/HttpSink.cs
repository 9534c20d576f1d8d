// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Tests.Outbound;

/// <summary>One HTTP request as the sink received it.</summary>
internal sealed record HttpSinkRequest(string Method, string Path, IReadOnlyDictionary<string, List<string>> Headers, byte[] Body);

/// <summary>A minimal HTTP/1.1 server on loopback (one request per connection) that records POSTs.</summary>
internal sealed class HttpSink : LoopbackServer
{
    private readonly List<HttpSinkRequest> _received = new();

    public HttpSink()
    {
        Start();
    }

    /// <summary>The status line's code and reason.</summary>
    public string Status { get; set; } = "200 OK";

    public IReadOnlyList<HttpSinkRequest> Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToArray();
            }
        }
    }

    protected override async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon];
            if (!headers.TryGetValue(name, out var values))
            {
                headers[name] = values = new List<string>();
            }

            values.Add(line[(colon + 1)..].Trim());
        }

        var length = headers.TryGetValue("Content-Length", out var lengths) ? int.Parse(lengths[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        lock (_received)
        {
            _received.Add(new HttpSinkRequest(requestLine[0], requestLine[1], headers, body));
        }

        var location = Status.StartsWith('3') ? "Location: /moved\r\n" : string.Empty;
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 " + Status + "\r\n" + location + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
    }
}
