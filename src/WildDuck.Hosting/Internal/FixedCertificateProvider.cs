// SPDX-License-Identifier: MIT
using System.Security.Cryptography.X509Certificates;

namespace WildDuck.Hosting.Internal;

/// <summary>Always the same certificate (in-memory connections, tests).</summary>
internal sealed class FixedCertificateProvider(X509Certificate2 certificate) : ICertificateProvider
{
    public X509Certificate2 GetCertificate(string? serverName) => certificate;
}
