// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Hosting.Internal;

namespace WildDuck.Hosting;

/// <summary>
/// Binds every listener registered with <c>AddListener</c> at start, accepts connections, applies
/// connection limits, reads PROXY headers, runs implicit TLS handshakes, and calls each listener's
/// <see cref="IMailProtocolHandler"/> on its own task. On stop it stops accepting, cancels
/// <c>serverStopping</c>, waits up to <see cref="HostingOptions.ShutdownTimeout"/>, then aborts the rest.
/// </summary>
public sealed partial class ListenerHostedService : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<ListenerRegistration> _registrations;
    private readonly HostingOptions _options;
    private readonly TlsOptions _tlsOptions;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Tracked> _connections = new();
    private readonly List<Listener> _listeners = [];
    private ICertificateProvider? _certificates;
    private long _nextConnection;
    private int _active;

    internal ListenerHostedService(
        IServiceProvider services,
        IEnumerable<ListenerRegistration> registrations,
        IOptions<HostingOptions> options,
        IOptions<TlsOptions> tlsOptions,
        ILogger<ListenerHostedService> logger)
    {
        _services = services;
        _registrations = [.. registrations];
        _options = options.Value;
        _tlsOptions = tlsOptions.Value;
        _logger = logger;
    }

    /// <summary>Connections currently tracked (from accept to the end of the handler), across all listeners.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>The endpoint a listener is bound to (useful with port 0), or null when it is not bound.</summary>
    /// <param name="name">The <see cref="ListenerOptions.Name"/>.</param>
    /// <returns>The bound endpoint.</returns>
    public IPEndPoint? GetBoundEndPoint(string name)
    {
        foreach (var listener in _listeners)
        {
            if (string.Equals(listener.Options.Name, name, StringComparison.Ordinal))
            {
                return listener.BoundEndPoint;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Validate();
        foreach (var registration in _registrations)
        {
            if (registration.Options.TlsMode != TlsMode.None)
            {
                // Resolve (and load or generate) the certificate now so a bad path fails the start, not the first client.
                _certificates ??= (ICertificateProvider)(_services.GetService(typeof(ICertificateProvider))
                    ?? throw new InvalidOperationException("A TLS listener needs an ICertificateProvider; call AddTls()."));
                _certificates.GetCertificate(null);
            }
        }

        try
        {
            foreach (var registration in _registrations)
            {
                ListenerOptions o = registration.Options;
                IMailProtocolHandler handler = registration.HandlerFactory(_services);
                IPNetwork[] trusted = ParseTrustedProxies(o);
                Socket socket = Bind(o);
                var tls = o.TlsMode == TlsMode.None ? null : new TlsServer(_certificates!, _tlsOptions.Protocols, o.HandshakeTimeout);
                var listener = new Listener(o, socket, handler, tls, (IPEndPoint)socket.LocalEndPoint!, trusted);
                _listeners.Add(listener);
                LogListening(o.Name, o.Protocol, listener.BoundEndPoint, o.TlsMode, o.ProxyProtocol);
            }
        }
        catch
        {
            foreach (var listener in _listeners)
            {
                listener.Socket.Dispose();
            }

            _listeners.Clear();
            throw;
        }

        foreach (var listener in _listeners)
        {
            listener.AcceptLoop = Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in _listeners)
        {
            listener.Socket.Dispose();
        }

        foreach (var listener in _listeners)
        {
            if (listener.AcceptLoop is not null)
            {
                await listener.AcceptLoop.ConfigureAwait(false);
            }
        }

        int count = _connections.Count;
        if (count > 0)
        {
            LogDraining(count, _options.ShutdownTimeout);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (!await WaitForConnectionsAsync(_options.ShutdownTimeout, cancellationToken).ConfigureAwait(false))
        {
            int aborted = 0;
            foreach (var tracked in _connections.Values)
            {
                tracked.Abort();
                aborted++;
            }

            LogAbortedAtShutdown(aborted);

            // Handlers see their reads end after an abort; give them a moment to unwind and dispose.
            await WaitForConnectionsAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // _stopping is deliberately not disposed: a late connection task may still read its token.
    }

    private static IPAddress Resolve(string host)
    {
        var addresses = Dns.GetHostAddresses(host);
        return addresses.Length > 0
            ? addresses[0]
            : throw new InvalidOperationException($"Listener host '{host}' resolves to no address; set Host to an IP address or a resolvable name.");
    }

    private static Socket Bind(ListenerOptions o)
    {
        IPAddress address = o.Host switch
        {
            "*" or "::" => IPAddress.IPv6Any,
            "0.0.0.0" => IPAddress.Any,
            _ => IPAddress.TryParse(o.Host, out IPAddress? parsed) ? parsed : Resolve(o.Host),
        };
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT as well, which would let a second
            // server bind the same port and silently take half the connections. The runtime already
            // sets SO_REUSEADDR on Unix listeners, so a restart does not wait for TIME_WAIT.
            socket.Bind(new IPEndPoint(address, o.Port));
            socket.Listen(o.Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(Listener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.Socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException ex)
            {
                // ECONNABORTED, EMFILE and friends: log and keep accepting.
                LogAcceptFailed(ex, listener.Options.Name);
                continue;
            }

            if (_stopping.IsCancellationRequested)
            {
                client.Close(0);
                return;
            }

            if (Interlocked.Increment(ref listener.Active) > listener.Options.MaxConnections)
            {
                Interlocked.Decrement(ref listener.Active);
                LogRefused(listener.Options.Name, client.RemoteEndPoint, "listener", listener.Options.MaxConnections);
                HostingMetrics.Refused(listener.Options.Name, "listener_limit");
                client.Dispose();
                continue;
            }

            if (Interlocked.Increment(ref _active) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _active);
                Interlocked.Decrement(ref listener.Active);
                LogRefused(listener.Options.Name, client.RemoteEndPoint, "global", _options.MaxConnections);
                HostingMetrics.Refused(listener.Options.Name, "global_limit");
                client.Dispose();
                continue;
            }

            HostingMetrics.Accepted(listener.Options.Name);
            long key = Interlocked.Increment(ref _nextConnection);
            var tracked = new Tracked(client);
            _connections[key] = tracked;
            tracked.Task = Task.Run(() => RunConnectionAsync(listener, tracked, key), CancellationToken.None);
        }
    }

    private async Task RunConnectionAsync(Listener listener, Tracked tracked, long key)
    {
        ListenerOptions o = listener.Options;
        Socket socket = tracked.Socket;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        SslStream? ssl = null;
        StreamMailConnection? connection = null;
        EndPoint? remote = null;
        try
        {
            socket.NoDelay = true;
            remote = Normalize(socket.RemoteEndPoint);
            EndPoint? local = Normalize(socket.LocalEndPoint);
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                handshake.CancelAfter(o.HandshakeTimeout);
                if (o.ProxyProtocol)
                {
                    (ProxyHeader header, ReadOnlyMemory<byte> rest) = await ReadProxyHeaderAsync(listener, stream, remote, handshake.Token).ConfigureAwait(false);
                    if (header.Source is not null)
                    {
                        remote = header.Source;
                        local = header.Destination;
                    }

                    if (!rest.IsEmpty)
                    {
                        stream = new PrefixedStream(stream, rest);
                    }
                }

                if (o.TlsMode == TlsMode.Implicit)
                {
                    ssl = await listener.Tls!.AuthenticateAsync(stream, handshake.Token).ConfigureAwait(false);
                }
            }

            connection = new StreamMailConnection(stream, socket, ssl, listener.Tls, o.TlsMode, o.Name, remote, local);
            tracked.Connection = connection;
            if (tracked.IsAborted)
            {
                connection.Abort();
                return;
            }

            LogConnected(connection.Id, o.Name, remote, connection.IsSecure);
            await listener.Handler.RunAsync(connection, _stopping.Token).ConfigureAwait(false);
        }
        catch (ProxyHeaderException)
        {
            LogBadProxyHeader(o.Name, remote);
            HostingMetrics.Refused(o.Name, "proxy_header");
        }
        catch (OperationCanceledException)
        {
            // Handshake timeout or server stop before the session started, or the handler honouring serverStopping.
            if (connection is null && !_stopping.IsCancellationRequested)
            {
                HostingMetrics.Refused(o.Name, "handshake_timeout");
            }
        }
        catch (IOException ex)
        {
            LogConnectionIoError(ex, connection?.Id, o.Name, remote);
            if (connection is null)
            {
                HostingMetrics.Refused(o.Name, "handshake");
            }
        }
        catch (SocketException ex)
        {
            LogConnectionIoError(ex, connection?.Id, o.Name, remote);
        }
        catch (ObjectDisposedException ex)
        {
            LogConnectionIoError(ex, connection?.Id, o.Name, remote);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(ex, connection?.Id, o.Name);
        }
        finally
        {
            try
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    LogDisconnected(connection.Id, o.Name);
                }
                else
                {
                    if (ssl is not null)
                    {
                        await ssl.DisposeAsync().ConfigureAwait(false);
                    }

                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
            }

            _connections.TryRemove(key, out _);
            HostingMetrics.Closed(o.Name);
            Interlocked.Decrement(ref listener.Active);
            Interlocked.Decrement(ref _active);
        }
    }

    private static async Task<(ProxyHeader Header, ReadOnlyMemory<byte> Remainder)> ReadProxyHeaderAsync(Listener listener, Stream stream, EndPoint? remote, CancellationToken cancellationToken)
    {
        if (listener.TrustedProxies.Length > 0
            && (remote is not IPEndPoint peer || !IsTrusted(listener.TrustedProxies, peer.Address)))
        {
            throw new ProxyHeaderException();
        }

        // At most one header plus whatever arrived with it; the remainder is handed to the session.
        byte[] buffer = new byte[ProxyProtocolParser.MaxHeaderLength];
        int filled = 0;
        while (true)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ProxyHeaderException();
            }

            filled += read;
            switch (ProxyProtocolParser.TryParse(buffer.AsSpan(0, filled), out ProxyHeader header, out int consumed))
            {
                case ProxyParseStatus.Done:
                    return (header, buffer.AsMemory(consumed, filled - consumed));
                case ProxyParseStatus.Invalid:
                    throw new ProxyHeaderException();
                default:
                    if (filled == buffer.Length)
                    {
                        throw new ProxyHeaderException();
                    }

                    break;
            }
        }
    }

    /// <summary>Dual-mode sockets report IPv4 clients as ::ffff:a.b.c.d; logs and rate limits want a.b.c.d.</summary>
    private static EndPoint? Normalize(EndPoint? endPoint)
        => endPoint is IPEndPoint ip && ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;

    private static bool IsTrusted(IPNetwork[] trusted, IPAddress address)
    {
        IPAddress normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (IPNetwork network in trusted)
        {
            if (network.Contains(normalized))
            {
                return true;
            }
        }

        return false;
    }

    private static IPNetwork[] ParseTrustedProxies(ListenerOptions o)
    {
        var networks = new IPNetwork[o.TrustedProxies.Count];
        for (int i = 0; i < networks.Length; i++)
        {
            string text = o.TrustedProxies[i].Trim();
            if (IPNetwork.TryParse(text, out IPNetwork network))
            {
                networks[i] = network;
            }
            else if (IPAddress.TryParse(text, out IPAddress? address))
            {
                networks[i] = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            }
            else
            {
                throw new InvalidOperationException("Listener " + o.Name + ": TrustedProxies entry '" + text + "' is not an IP address or CIDR network.");
            }
        }

        return networks;
    }

    private void Validate()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var registration in _registrations)
        {
            ListenerOptions o = registration.Options;
            string prefix = "Listener " + o.Name + ": ";
            if (string.IsNullOrWhiteSpace(o.Name) || !names.Add(o.Name))
            {
                throw new InvalidOperationException(prefix + "Name must be non-empty and unique.");
            }

            if (o.Port is < 0 or > 65535)
            {
                throw new InvalidOperationException(prefix + "Port must be between 0 and 65535.");
            }

            if (o.HandshakeTimeout <= TimeSpan.Zero || o.MaxConnections < 1 || o.Backlog < 1)
            {
                throw new InvalidOperationException(prefix + "HandshakeTimeout, MaxConnections and Backlog must be positive.");
            }
        }

        if (_options.ShutdownTimeout < TimeSpan.Zero || _options.MaxConnections < 1)
        {
            throw new InvalidOperationException("WildDuck:Hosting: ShutdownTimeout must not be negative and MaxConnections must be positive.");
        }
    }

    private async Task<bool> WaitForConnectionsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tasks = new List<Task>();
        foreach (var tracked in _connections.Values)
        {
            if (tracked.Task is not null)
            {
                tasks.Add(tracked.Task);
            }
        }

        if (tasks.Count == 0)
        {
            return true;
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Listener {Name} ({Protocol}) bound to {EndPoint}, TLS {TlsMode}, PROXY protocol {ProxyProtocol}")]
    private partial void LogListening(string name, string protocol, IPEndPoint endPoint, TlsMode tlsMode, bool proxyProtocol);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Listener {Name} refused a connection from {RemoteEndPoint}: {Scope} connection limit {Limit} reached")]
    private partial void LogRefused(string name, EndPoint? remoteEndPoint, string scope, int limit);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "[{ConnectionId}] Connection on {Name} from {RemoteEndPoint} (secure: {IsSecure})")]
    private partial void LogConnected(string connectionId, string name, EndPoint? remoteEndPoint, bool isSecure);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "[{ConnectionId}] Connection on {Name} closed")]
    private partial void LogDisconnected(string connectionId, string name);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Listener {Name}: invalid, untrusted or missing PROXY header from {RemoteEndPoint}; connection closed")]
    private partial void LogBadProxyHeader(string name, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "[{ConnectionId}] Connection on {Name} from {RemoteEndPoint} ended with a transport error")]
    private partial void LogConnectionIoError(Exception exception, string? connectionId, string name, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "[{ConnectionId}] Protocol handler of {Name} failed")]
    private partial void LogHandlerFailed(Exception exception, string? connectionId, string name);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Stopping: waiting up to {Timeout} for {Count} connections to close")]
    private partial void LogDraining(int count, TimeSpan timeout);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Stopping: aborted {Count} connections that did not close in time")]
    private partial void LogAbortedAtShutdown(int count);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Listener {Name}: accept failed")]
    private partial void LogAcceptFailed(Exception exception, string name);

    // Highest event id used in WildDuck.Hosting: 3104 (CertificateProvider).

    private sealed class Listener(ListenerOptions options, Socket socket, IMailProtocolHandler handler, TlsServer? tls, IPEndPoint boundEndPoint, IPNetwork[] trustedProxies)
    {
        public IPNetwork[] TrustedProxies { get; } = trustedProxies;

        public int Active;

        public ListenerOptions Options { get; } = options;

        public Socket Socket { get; } = socket;

        public IMailProtocolHandler Handler { get; } = handler;

        public TlsServer? Tls { get; } = tls;

        public IPEndPoint BoundEndPoint { get; } = boundEndPoint;

        public Task? AcceptLoop { get; set; }
    }

    private sealed class Tracked(Socket socket)
    {
        private int _aborted;

        public Socket Socket { get; } = socket;

        public Task? Task { get; set; }

        public MailConnection? Connection { get; set; }

        public bool IsAborted => Volatile.Read(ref _aborted) != 0;

        public void Abort()
        {
            Volatile.Write(ref _aborted, 1);
            if (Connection is { } connection)
            {
                connection.Abort();
            }
            else
            {
                Socket.Close(0);
            }
        }
    }

    private sealed class ProxyHeaderException : Exception
    {
    }
}
