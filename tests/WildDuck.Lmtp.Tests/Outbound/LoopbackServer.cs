// SPDX-License-Identifier: MIT
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Tests.Outbound;

/// <summary>A TCP server on a free loopback port that serves each connection on its own task.</summary>
internal abstract class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _acceptLoop;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            if (_acceptLoop is not null)
            {
                await _acceptLoop;
            }
        }
        catch (Exception)
        {
            // The listener was stopped.
        }

        _stop.Dispose();
    }

    /// <summary>Starts listening; call at the end of the derived constructor.</summary>
    protected void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    protected abstract Task ServeAsync(TcpClient client);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }
}
