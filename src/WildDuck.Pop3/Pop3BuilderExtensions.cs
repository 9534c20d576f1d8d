// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildDuck.Hosting;
using WildDuck.Pop3.Session;
using WildDuck.Storage;

namespace WildDuck.Pop3;

/// <summary>Registers the POP3 server.</summary>
public static class Pop3BuilderExtensions
{
    /// <summary>
    /// Adds the POP3 engine and its listeners: <see cref="Pop3Options.Port"/> with STLS (USER, PASS
    /// and AUTH refused until TLS unless <c>WildDuck:Security:AllowInsecureAuth</c>) and
    /// <see cref="Pop3Options.TlsPort"/> with implicit TLS. Needs a storage backend.
    /// </summary>
    /// <remarks>
    /// <paramref name="configure"/> runs once now, to know which listeners to open, and again when
    /// the options are first resolved. Invalid options fail at that first resolution.
    /// </remarks>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="configure">Sets <see cref="Pop3Options"/>.</param>
    /// <returns>The builder.</returns>
    public static IWildDuckBuilder AddPop3(this IWildDuckBuilder builder, Action<Pop3Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new Pop3Options();
        configure?.Invoke(options);
        var services = builder.Services;
        var registration = services.AddOptions<Pop3Options>();
        if (configure is not null)
        {
            registration.Configure(configure);
        }

        registration.Validate(static o => o.MaxMessages > 0, "Pop3:MaxMessages must be positive.")
            .Validate(static o => o.MaxCommandLength >= 64 && o.MaxAuthResponseLength >= o.MaxCommandLength, "Pop3:MaxCommandLength must be at least 64 and Pop3:MaxAuthResponseLength at least as large.")
            .Validate(static o => o.IdleTimeout > TimeSpan.Zero, "Pop3:IdleTimeout must be positive.")
            .Validate(static o => o.PreAuthTimeout > TimeSpan.Zero, "Pop3:PreAuthTimeout must be positive.")
            .Validate(static o => o.Port is >= 0 and <= 65535 && o.TlsPort is >= 0 and <= 65535, "Pop3:Port and Pop3:TlsPort must be 0..65535.");

        services.TryAddSingleton<Pop3Server>();

        // The maildrop lock (RFC 1939 §4) is a connection-limiter slot with a limit of one, so a
        // shared limiter (Redis) makes it hold across server instances too.
        builder.ConfigureConnectionLimits(static limits => limits.PerProtocol[Pop3Server.LockProtocol] = 1);
        AddListener(builder, options, "pop3", options.Port, options.RequireStartTls ? TlsMode.StartTlsRequired : TlsMode.StartTls);
        AddListener(builder, options, "pop3s", options.TlsPort, TlsMode.Implicit);
        return builder;
    }

    /// <summary>
    /// The POP3 engine as a protocol handler, for hosts that bring their own listeners or drive it
    /// over an in-memory connection (tests, benchmarks).
    /// </summary>
    /// <param name="services">The built service provider.</param>
    /// <returns>The handler.</returns>
    public static IMailProtocolHandler GetPop3Handler(this IServiceProvider services) => services.GetRequiredService<Pop3Server>();

    /// <summary>Adds one listener served by the POP3 engine; port 0 leaves it out.</summary>
    private static void AddListener(IWildDuckBuilder builder, Pop3Options options, string name, int port, TlsMode mode)
    {
        if (port > 0)
        {
            var listener = new ListenerOptions { Name = name, Protocol = "pop3", Host = options.Host, Port = port, TlsMode = mode, ProxyProtocol = options.ProxyProtocol };
            builder.AddListener(listener, static sp => sp.GetRequiredService<Pop3Server>());
        }
    }
}
