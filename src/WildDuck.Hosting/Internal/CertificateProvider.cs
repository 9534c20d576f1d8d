// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Hosting.Internal;

/// <summary>
/// The default <see cref="ICertificateProvider"/>: loads a PEM or PFX file, reloads it when the files
/// change (debounced) or on SIGHUP, and otherwise generates a self-signed certificate once and reuses
/// it until it nears expiry.
/// </summary>
internal sealed partial class CertificateProvider : ICertificateProvider, IDisposable
{
    public const string SelfSignedFileName = "wildduck-selfsigned.pfx";

    private readonly TlsOptions _options;
    private readonly string _hostname;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _debounce;
    private readonly PosixSignalRegistration? _sighup;
    private Loaded _current;

    public CertificateProvider(IOptions<TlsOptions> options, IOptions<WildDuckOptions> wildDuck, TimeProvider time, ILogger<CertificateProvider> logger)
    {
        _options = options.Value;
        _hostname = _options.SelfSignedHostname ?? wildDuck.Value.Hostname;
        _time = time;
        _logger = logger;
        _current = Load();

        if (_options.CertificatePath is not null && _options.WatchFiles)
        {
            _debounce = time.CreateTimer(static s => ((CertificateProvider)s!).Reload(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            string full = Path.GetFullPath(_options.CertificatePath);
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };

            // Watch the directory, not the file: renames (atomic replace, Kubernetes secret symlink swaps) must be seen too.
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }

        if (_options.ReloadOnSighup && !OperatingSystem.IsWindows())
        {
            try
            {
                _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSighup);
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    /// <summary>Incremented on every successful (re)load; for tests and diagnostics.</summary>
    public int Generation { get; private set; }

    public X509Certificate2 GetCertificate(string? serverName) => Volatile.Read(ref _current).Certificate;

    public SslStreamCertificateContext GetCertificateContext(string? serverName) => Volatile.Read(ref _current).Context;

    /// <summary>Reloads now; on failure keeps the current certificate and logs.</summary>
    /// <returns>True when a new certificate was loaded.</returns>
    public bool Reload()
    {
        lock (_reloadLock)
        {
            try
            {
                Loaded next = Load();
                Loaded previous = Interlocked.Exchange(ref _current, next);
                if (previous.Certificate.Thumbprint != next.Certificate.Thumbprint)
                {
                    LogReloaded(next.Certificate.Subject, next.Certificate.Thumbprint, next.Certificate.NotAfter);
                }

                // The previous instance is not disposed: handshakes in flight may still use it; the GC frees it.
                return true;
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
            {
                LogReloadFailed(ex, _options.CertificatePath ?? SelfSignedFileName);
                return false;
            }
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _sighup?.Dispose();
    }

    internal static X509Certificate2 LoadFile(string certificatePath, string? keyPath, string? password)
        => LoadFile(certificatePath, keyPath, password, out _);

    internal static X509Certificate2 LoadFile(string certificatePath, string? keyPath, string? password, out X509Certificate2Collection intermediates)
    {
        intermediates = [];
        byte[] head = new byte[64];
        int n;
        using (var probe = File.OpenRead(certificatePath))
        {
            n = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        bool pem = head.AsSpan(0, n).IndexOf("-----BEGIN"u8) >= 0;
        if (!pem)
        {
            X509Certificate2Collection all = X509CertificateLoader.LoadPkcs12CollectionFromFile(certificatePath, password, X509KeyStorageFlags.DefaultKeySet);
            X509Certificate2? leaf = null;
            foreach (X509Certificate2 c in all)
            {
                if (leaf is null && c.HasPrivateKey)
                {
                    leaf = c;
                }
                else
                {
                    intermediates.Add(c);
                }
            }

            return leaf ?? throw new CryptographicException("The PFX file holds no certificate with a private key.");
        }

        // A PEM file may carry the chain after the leaf (fullchain.pem); send it in the handshake.
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificatePath);
        for (int i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        if (chain.Count > 0)
        {
            chain[0].Dispose();
        }

        using X509Certificate2 fromPem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);

        // PEM keys are ephemeral; SChannel (Windows) cannot use an ephemeral key for server auth, so
        // round-trip through PKCS#12 to get a key set every platform's SslStream accepts.
        return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.DefaultKeySet);
    }

    internal static X509Certificate2 CreateSelfSigned(string hostname, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + hostname, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        if (!string.Equals(hostname, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            san.AddDnsName("localhost");
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }

    private Loaded Load()
    {
        if (_options.CertificatePath is not null)
        {
            X509Certificate2 cert = LoadFile(_options.CertificatePath, _options.KeyPath, _options.Password, out X509Certificate2Collection intermediates);
            if (!cert.HasPrivateKey)
            {
                cert.Dispose();
                throw new CryptographicException("The TLS certificate has no private key (set WildDuck:Tls:KeyPath for a separate PEM key).");
            }

            Generation++;
            return new Loaded(cert, SslStreamCertificateContext.Create(cert, intermediates, offline: true));
        }

        X509Certificate2 selfSigned = LoadOrCreateSelfSigned();
        return new Loaded(selfSigned, SslStreamCertificateContext.Create(selfSigned, additionalCertificates: null, offline: true));
    }

    private X509Certificate2 LoadOrCreateSelfSigned()
    {
        string directory = Path.GetFullPath(_options.SelfSignedDirectory);
        string path = Path.Combine(directory, SelfSignedFileName);
        DateTimeOffset now = _time.GetUtcNow();
        if (File.Exists(path))
        {
            try
            {
                X509Certificate2 existing = X509CertificateLoader.LoadPkcs12FromFile(path, _options.Password, X509KeyStorageFlags.DefaultKeySet);

                // Regenerate a day early so a long-running process never presents an expired certificate at startup.
                if (existing.HasPrivateKey && existing.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(1))
                {
                    Generation++;
                    return existing;
                }

                existing.Dispose();
            }
            catch (CryptographicException ex)
            {
                LogSelfSignedUnreadable(ex, path);
            }
        }

        Directory.CreateDirectory(directory);
        using X509Certificate2 created = CreateSelfSigned(_hostname, now);
        byte[] pfx = created.Export(X509ContentType.Pkcs12, _options.Password);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, pfx);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        LogSelfSignedCreated(path, _hostname);

        // Re-import from PKCS#12: the key of CreateSelfSigned is ephemeral, which SslStream cannot use on every platform.
        Generation++;
        return X509CertificateLoader.LoadPkcs12(pfx, _options.Password, X509KeyStorageFlags.DefaultKeySet);
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        string name = e.Name ?? string.Empty;
        bool relevant = IsSameFile(name, _options.CertificatePath) || IsSameFile(name, _options.KeyPath) || name.StartsWith("..", StringComparison.Ordinal);
        if (relevant)
        {
            _debounce?.Change(_options.ReloadDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnSighup(PosixSignalContext context)
    {
        // Keep the process alive: SIGHUP means "reload", as for most daemons.
        context.Cancel = true;
        LogSighup();
        Reload();
    }

    private static bool IsSameFile(string changedName, string? configured)
        => configured is not null && string.Equals(changedName, Path.GetFileName(configured), StringComparison.Ordinal);

    /// <summary>A certificate and its handshake context (with intermediates), swapped together on reload.</summary>
    private sealed record Loaded(X509Certificate2 Certificate, SslStreamCertificateContext Context);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "TLS certificate reloaded: {Subject} ({Thumbprint}), valid until {NotAfter}")]
    private partial void LogReloaded(string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "TLS certificate reload from {Path} failed; keeping the current certificate")]
    private partial void LogReloadFailed(Exception exception, string path);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Generated a self-signed TLS certificate at {Path} for {Hostname}; configure WildDuck:Tls:CertificatePath for production")]
    private partial void LogSelfSignedCreated(string path, string hostname);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Existing self-signed certificate {Path} is unreadable; generating a new one")]
    private partial void LogSelfSignedUnreadable(Exception exception, string path);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "SIGHUP received: reloading the TLS certificate")]
    private partial void LogSighup();
}
