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
        var options = new SslServerAuthenticationOptions
        {
            // The provider is asked per handshake so a reloaded certificate applies to new connections only.
            ServerCertificateSelectionCallback = SelectCertificate,
            EnabledSslProtocols = _protocols,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        };
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
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

    private X509Certificate2 SelectCertificate(object sender, string? hostName) => _certificates.GetCertificate(hostName);
}
