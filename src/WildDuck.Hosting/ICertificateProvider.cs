// SPDX-License-Identifier: MIT
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace WildDuck.Hosting;

/// <summary>
/// Supplies the server certificate for each TLS handshake. The default implementation loads
/// <see cref="TlsOptions.CertificatePath"/> (PEM or PFX), reloads it on file change and SIGHUP, and
/// otherwise generates a self-signed certificate. Register your own (before <c>AddTls</c>) to use a
/// certificate store or ACME.
/// </summary>
public interface ICertificateProvider
{
    /// <summary>Returns the certificate (with private key) to present. Called once per handshake; must be cheap and thread-safe.</summary>
    /// <param name="serverName">The SNI host name the client asked for, if any.</param>
    /// <returns>The certificate.</returns>
    X509Certificate2 GetCertificate(string? serverName);

    /// <summary>
    /// Returns the certificate with the intermediate certificates to send in the handshake. The
    /// default builds a context from <see cref="GetCertificate"/> on every call; implementations
    /// should cache one per certificate (building it resolves the chain).
    /// </summary>
    /// <param name="serverName">The SNI host name the client asked for, if any.</param>
    /// <returns>The certificate context.</returns>
    SslStreamCertificateContext GetCertificateContext(string? serverName)
        => SslStreamCertificateContext.Create(GetCertificate(serverName), additionalCertificates: null, offline: true);
}
