// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildDuck.Hosting;
using WildDuck.Imap.Session;
using WildDuck.Storage;

namespace WildDuck.Imap;

/// <summary>Registers the IMAP server.</summary>
public static class ImapBuilderExtensions
{
    /// <summary>
    /// Adds the IMAP engine and its listeners: <see cref="ImapOptions.Port"/> with STARTTLS (plain
    /// LOGIN refused until TLS unless <c>WildDuck:Security:AllowInsecureAuth</c>) and
    /// <see cref="ImapOptions.TlsPort"/> with implicit TLS. Needs a storage backend.
    /// </summary>
    /// <remarks>
    /// <paramref name="configure"/> runs once now, to know which listeners to open, and again when
    /// the options are first resolved.
    /// </remarks>
    public static IWildDuckBuilder AddImap(this IWildDuckBuilder builder, Action<ImapOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ImapOptions();
        configure?.Invoke(options);
        var services = builder.Services;
        var registration = services.AddOptions<ImapOptions>();
        if (configure is not null)
        {
            registration.Configure(configure);
        }

        // LITERAL+ is advertised, so the framer takes non-synchronising literals up to the APPEND
        // limit; the session still decides, before reading a byte, whether to stream, accept or skip.
        registration.PostConfigure(static o =>
        {
            if (o.Limits.MaxNonSyncLiteral < o.AppendLimit)
            {
                o.Limits.MaxNonSyncLiteral = o.AppendLimit;
            }
        });

        services.TryAddSingleton<ImapServer>();
        builder.ConfigureConnectionLimits(limits => limits.PerProtocol["imap"] = options.MaxConnectionsPerUser);
        if (options.Port > 0)
        {
            builder.AddListener(
                new ListenerOptions
                {
                    Name = "imap",
                    Protocol = "imap",
                    Host = options.Host,
                    Port = options.Port,
                    TlsMode = options.RequireStartTls ? TlsMode.StartTlsRequired : TlsMode.StartTls,
                    ProxyProtocol = options.ProxyProtocol,
                },
                static sp => sp.GetRequiredService<ImapServer>());
        }

        if (options.TlsPort > 0)
        {
            builder.AddListener(
                new ListenerOptions
                {
                    Name = "imaps",
                    Protocol = "imap",
                    Host = options.Host,
                    Port = options.TlsPort,
                    TlsMode = TlsMode.Implicit,
                    ProxyProtocol = options.ProxyProtocol,
                },
                static sp => sp.GetRequiredService<ImapServer>());
        }

        return builder;
    }

    /// <summary>
    /// The IMAP engine as a protocol handler, for hosts that bring their own listeners or drive it
    /// over an in-memory connection (tests, benchmarks).
    /// </summary>
    public static IMailProtocolHandler GetImapHandler(this IServiceProvider services) => services.GetRequiredService<ImapServer>();
}
