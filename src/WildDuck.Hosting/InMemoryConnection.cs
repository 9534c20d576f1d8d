// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using WildDuck.Hosting.Internal;

namespace WildDuck.Hosting;

/// <summary>
/// Connects an engine to a client without sockets, for tests and benchmarks (Bedrock's memory
/// transport). The client side is a <see cref="Stream"/>, so MailKit's
/// <c>ImapClient.Connect(Stream, host, port, SecureSocketOptions)</c> can drive an engine, STARTTLS
/// included.
/// </summary>
public static class InMemoryConnection
{
    /// <summary>Creates a connected pair.</summary>
    /// <param name="mode">
    /// TLS mode of the server side: <see cref="TlsMode.None"/>, <see cref="TlsMode.StartTls"/> or
    /// <see cref="TlsMode.StartTlsRequired"/> (implicit TLS needs a handshake before the engine runs;
    /// use a listener for it).
    /// </param>
    /// <param name="certificate">Server certificate for STARTTLS (with private key); required for the STARTTLS modes.</param>
    /// <param name="remoteEndPoint">What the server reports as the client address. Default 127.0.0.1:50000.</param>
    /// <param name="handshakeTimeout">STARTTLS handshake bound. Default 30 s.</param>
    /// <param name="protocols">TLS protocols. Default TLS 1.2 and 1.3.</param>
    /// <returns>The server connection to pass to an engine, and the client's stream.</returns>
    public static (MailConnection Server, Stream Client) Create(
        TlsMode mode = TlsMode.None,
        X509Certificate2? certificate = null,
        EndPoint? remoteEndPoint = null,
        TimeSpan? handshakeTimeout = null,
        SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        if (mode == TlsMode.Implicit)
        {
            throw new ArgumentException("Implicit TLS is not available in memory; use TlsMode.StartTls or a socket listener.", nameof(mode));
        }

        if (mode != TlsMode.None && certificate is null)
        {
            throw new ArgumentNullException(nameof(certificate), "STARTTLS modes need a server certificate.");
        }

        // No pause threshold beyond the defaults: the client and server run concurrently in tests.
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverStream = new PipeStream(toServer.Reader, toClient.Writer);
        var clientStream = new PipeStream(toClient.Reader, toServer.Writer);
        TlsServer? tls = certificate is null ? null : new TlsServer(new FixedCertificateProvider(certificate), protocols, handshakeTimeout ?? TimeSpan.FromSeconds(30));
        var server = new StreamMailConnection(
            serverStream,
            socket: null,
            implicitTls: null,
            tls,
            mode,
            listenerName: "memory",
            remoteEndPoint ?? new IPEndPoint(IPAddress.Loopback, 50000),
            new IPEndPoint(IPAddress.Loopback, 143));
        return (server, clientStream);
    }
}
