// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Hosting.Internal;

namespace WildDuck.Hosting;

/// <summary>
/// One client connection as a protocol engine sees it: a duplex pipe plus connection features
/// (endpoints, TLS state, the STARTTLS upgrade). Engines never touch sockets, so the same engine
/// runs over a socket listener or <see cref="InMemoryConnection"/>.
/// </summary>
/// <remarks>
/// Not thread-safe except for <see cref="Abort"/>: the engine owns the connection for the duration of
/// <see cref="IMailProtocolHandler.RunAsync"/>, and reads and writes it from one logical flow.
/// </remarks>
public abstract class MailConnection : IAsyncDisposable
{
    // Created on first use: most connections never store a feature, and idle ones should cost little.
    private Dictionary<Type, object>? _features;

    /// <summary>Creates a connection with a fresh <see cref="Id"/>.</summary>
    /// <param name="tlsMode">The listener's TLS mode.</param>
    protected MailConnection(TlsMode tlsMode)
    {
        Id = ConnectionIds.Next();
        TlsMode = tlsMode;
    }

    /// <summary>A short random base32 id (13 characters) for correlating log lines.</summary>
    public string Id { get; }

    /// <summary>
    /// The client's address. When PROXY protocol is enabled on the listener this is the address the
    /// proxy reported, not the proxy's own.
    /// </summary>
    public EndPoint? RemoteEndPoint { get; protected set; }

    /// <summary>The address the client connected to (after PROXY protocol: the one the proxy reported).</summary>
    public EndPoint? LocalEndPoint { get; protected set; }

    /// <summary>The name of the listener that accepted the connection, if any.</summary>
    public string? ListenerName { get; protected set; }

    /// <summary>
    /// The bytes to and from the client. Changes after <see cref="StartTlsAsync(CancellationToken)"/>
    /// and <see cref="UseTransport"/>; always read the property, never cache it across those calls.
    /// </summary>
    public abstract IDuplexPipe Transport { get; }

    /// <summary>True once TLS is established (implicit TLS or after STARTTLS).</summary>
    public bool IsSecure { get; protected set; }

    /// <summary>The negotiated TLS protocol; <see cref="SslProtocols.None"/> while plaintext.</summary>
    public SslProtocols TlsProtocol { get; protected set; }

    /// <summary>The negotiated cipher suite name (e.g. <c>TLS_AES_256_GCM_SHA384</c>); null while plaintext.</summary>
    public string? TlsCipher { get; protected set; }

    /// <summary>The SNI host name the client sent in its TLS handshake, if any.</summary>
    public string? TlsServerName { get; protected set; }

    /// <summary>The listener's TLS mode.</summary>
    public TlsMode TlsMode { get; }

    /// <summary>
    /// True when the engine may advertise STARTTLS: the mode is <see cref="TlsMode.StartTls"/> or
    /// <see cref="TlsMode.StartTlsRequired"/> and the connection is not secure yet.
    /// </summary>
    public virtual bool CanStartTls => (TlsMode is TlsMode.StartTls or TlsMode.StartTlsRequired) && !IsSecure;

    /// <summary>Cancelled when the connection is aborted or disposed.</summary>
    public abstract CancellationToken ConnectionClosed { get; }

    /// <summary>
    /// Per-connection extensibility: engines and middleware may store features keyed by type
    /// (Kestrel's feature collection, simplified).
    /// </summary>
    public IDictionary<Type, object> Features => _features ??= new Dictionary<Type, object>();

    /// <summary>
    /// Swaps the transport for TLS (STARTTLS). Call it after the go-ahead response
    /// (<c>OK Begin TLS negotiation now</c>) has been written and flushed, and with no read pending.
    /// </summary>
    /// <remarks>
    /// First checks that no bytes remain buffered in <see cref="Transport"/>'s input after the
    /// STARTTLS command the engine consumed. Plaintext pipelined after STARTTLS would otherwise be
    /// processed as if it had arrived over TLS (command injection, CVE-2011-0411), so the upgrade is
    /// refused and false is returned; the engine should then close the connection. Prefer
    /// <see cref="StartTlsAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, which checks before the
    /// go-ahead is sent so the engine can still answer with an error.
    /// Then runs the server handshake bounded by the listener's handshake timeout.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>True when TLS is established; false when refused (not offered, already secure, transport replaced, or plaintext pipelined).</returns>
    /// <exception cref="System.IO.IOException">The handshake failed or timed out; the connection has been aborted.</exception>
    public ValueTask<bool> StartTlsAsync(CancellationToken cancellationToken) => StartTlsAsync(ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>
    /// Checks that STARTTLS is possible and that no plaintext was pipelined after the command; only
    /// then writes and flushes <paramref name="goAhead"/> (e.g. <c>a1 OK Begin TLS negotiation now\r\n</c>)
    /// and performs the handshake. When this returns false nothing has been written, so the engine
    /// can answer with its own error and close.
    /// </summary>
    /// <param name="goAhead">The plaintext response that tells the client to start its handshake; may be empty.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>True when TLS is established; false when refused.</returns>
    /// <exception cref="System.IO.IOException">The handshake failed or timed out; the connection has been aborted.</exception>
    public abstract ValueTask<bool> StartTlsAsync(ReadOnlyMemory<byte> goAhead, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces <see cref="Transport"/> with a wrapper the engine built over the current one, e.g. a
    /// COMPRESS=DEFLATE layer (RFC 4978). The wrapper owns the inner transport from then on; STARTTLS
    /// is no longer possible.
    /// </summary>
    /// <param name="transport">The new transport.</param>
    public abstract void UseTransport(IDuplexPipe transport);

    /// <summary>Closes the connection immediately without flushing; pending reads and writes fail or end. Thread-safe.</summary>
    public abstract void Abort();

    /// <summary>Flushes and completes the transport and closes the connection.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public abstract ValueTask DisposeAsync();
}
