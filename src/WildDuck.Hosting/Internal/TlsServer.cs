// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Hosting.Internal;

/// <summary>Runs server TLS handshakes with a certificate provider, bounded by a timeout.</summary>
internal sealed class TlsServer
{
    private static readonly ServerOptionsSelectionCallback s_selectOptions = SelectOptions;

    private readonly ICertificateProvider _certificates;
    private readonly SslProtocols _protocols;

    public TlsServer(ICertificateProvider certificates, SslProtocols protocols, TimeSpan handshakeTimeout)
    {
        _certificates = certificates;
        _protocols = protocols;
        HandshakeTimeout = handshakeTimeout;
    }

    public TimeSpan HandshakeTimeout { get; }

    /// <summary>
    /// Authenticates as server over <paramref name="inner"/>. On failure or timeout the SslStream is
    /// disposed (the inner stream is left open: the caller closes the connection) and
    /// <see cref="IOException"/> is thrown, unless <paramref name="cancellationToken"/> was cancelled.
    /// </summary>
    public async Task<SslStream> AuthenticateAsync(Stream inner, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(s_selectOptions, this, timeout.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException("The TLS handshake timed out.");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException("The TLS handshake failed.", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static ValueTask<SslServerAuthenticationOptions> SelectOptions(SslStream stream, SslClientHelloInfo clientHello, object? state, CancellationToken cancellationToken)
    {
        var self = (TlsServer)state!;

        // Asked per handshake (after the ClientHello, so SNI is known): a reloaded certificate applies to new connections.
        return new ValueTask<SslServerAuthenticationOptions>(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = self._certificates.GetCertificateContext(string.IsNullOrEmpty(clientHello.ServerName) ? null : clientHello.ServerName),
            EnabledSslProtocols = self._protocols,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        });
    }
}
