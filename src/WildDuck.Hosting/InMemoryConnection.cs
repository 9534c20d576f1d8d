// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
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
    /// <see cref="TlsMode.StartTlsRequired"/> (for implicit TLS use <see cref="CreateImplicitTlsAsync"/>).
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
            throw new ArgumentException("Use CreateImplicitTlsAsync for implicit TLS.", nameof(mode));
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

    /// <summary>
    /// Creates a connected pair with implicit TLS already established on both ends (the in-memory
    /// counterpart of a <see cref="TlsMode.Implicit"/> listener): the server handshake and
    /// <paramref name="clientHandshake"/> run concurrently before this returns.
    /// </summary>
    /// <param name="certificate">Server certificate (with private key).</param>
    /// <param name="clientHandshake">
    /// Wraps the raw client stream in TLS and returns the secure stream. Default: an
    /// <see cref="SslStream"/> for target host <c>localhost</c> that accepts exactly
    /// <paramref name="certificate"/> (pinned by thumbprint).
    /// </param>
    /// <param name="remoteEndPoint">What the server reports as the client address. Default 127.0.0.1:50000.</param>
    /// <param name="handshakeTimeout">Server handshake bound. Default 30 s.</param>
    /// <param name="protocols">TLS protocols. Default TLS 1.2 and 1.3.</param>
    /// <param name="cancellationToken">Cancels the handshakes.</param>
    /// <returns>The secure server connection and the client's secure stream.</returns>
    public static async Task<(MailConnection Server, Stream Client)> CreateImplicitTlsAsync(
        X509Certificate2 certificate,
        Func<Stream, CancellationToken, Task<Stream>>? clientHandshake = null,
        EndPoint? remoteEndPoint = null,
        TimeSpan? handshakeTimeout = null,
        SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverStream = new PipeStream(toServer.Reader, toClient.Writer);
        var clientStream = new PipeStream(toClient.Reader, toServer.Writer);
        var tls = new TlsServer(new FixedCertificateProvider(certificate), protocols, handshakeTimeout ?? TimeSpan.FromSeconds(30));
        Task<SslStream> server = tls.AuthenticateAsync(serverStream, cancellationToken);
        Task<Stream> client = (clientHandshake ?? PinnedClientHandshake(certificate))(clientStream, cancellationToken);
        try
        {
            await Task.WhenAll(server, client).ConfigureAwait(false);
        }
        catch
        {
            serverStream.Abort();
            clientStream.Abort();
            throw;
        }

        var connection = new StreamMailConnection(
            serverStream,
            socket: null,
            await server.ConfigureAwait(false),
            tls,
            TlsMode.Implicit,
            listenerName: "memory",
            remoteEndPoint ?? new IPEndPoint(IPAddress.Loopback, 50000),
            new IPEndPoint(IPAddress.Loopback, 993));
        return (connection, await client.ConfigureAwait(false));
    }

    private static Func<Stream, CancellationToken, Task<Stream>> PinnedClientHandshake(X509Certificate2 expected)
        => async (stream, cancellationToken) =>
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == expected.GetCertHashString(),
                },
                cancellationToken).ConfigureAwait(false);
            return ssl;
        };
}
