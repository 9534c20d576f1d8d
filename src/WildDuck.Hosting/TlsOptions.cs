// SPDX-License-Identifier: MIT
using System;
using System.Security.Authentication;

namespace WildDuck.Hosting;

/// <summary>Server certificate and TLS protocol settings (configuration section <c>WildDuck:Tls</c>).</summary>
public sealed class TlsOptions
{
    /// <summary>
    /// Certificate file: PEM (certificate first, then any intermediates; the key in the same file or
    /// in <see cref="KeyPath"/>) or PKCS#12/PFX. The format is detected from the content. Default
    /// null: a self-signed certificate is generated in <see cref="SelfSignedDirectory"/>.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key file, when not in <see cref="CertificatePath"/>. Default null.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of the PFX file or of an encrypted PEM key. Default null.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Where <c>wildduck-selfsigned.pfx</c> is generated (and reused) when no
    /// <see cref="CertificatePath"/> is configured, so STARTTLS works out of the box. Default
    /// <c>data</c> (relative to the working directory, beside the sample host's database).
    /// </summary>
    public string SelfSignedDirectory { get; set; } = "data";

    /// <summary>
    /// Subject CN and DNS name of the generated certificate. Default null: the
    /// <c>WildDuck:Hostname</c> option.
    /// </summary>
    public string? SelfSignedHostname { get; set; }

    /// <summary>
    /// Protocols accepted. Default TLS 1.2 and 1.3 (RFC 8996 deprecates older versions).
    /// </summary>
    public SslProtocols Protocols { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Reload the certificate when its files change. Default true.</summary>
    public bool WatchFiles { get; set; } = true;

    /// <summary>Reload the certificate on SIGHUP (Unix). Default true.</summary>
    public bool ReloadOnSighup { get; set; } = true;

    /// <summary>
    /// Wait after the last file change event before reloading, so a certificate and key written one
    /// after the other are read together. Default 500 ms.
    /// </summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
