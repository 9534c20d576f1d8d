// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WildDuck.Hosting;
using WildDuck.Lmtp.Protocol;
using WildDuck.Lmtp.Session;
using WildDuck.Storage;

namespace WildDuck.Lmtp;

/// <summary>Registers the LMTP server.</summary>
public static class LmtpBuilderExtensions
{
    /// <summary>
    /// Adds the LMTP engine (RFC 2033), the default <see cref="IMailDeliveryAgent"/> (unless one is
    /// registered already) and a plain listener on <see cref="LmtpOptions.Host"/>:<see cref="LmtpOptions.Port"/>,
    /// offering STARTTLS only when <see cref="LmtpOptions.EnableStartTls"/> is set. Needs a storage backend.
    /// </summary>
    /// <remarks>
    /// <paramref name="configure"/> runs once now, to know which listener to open, and again when the
    /// options are first resolved. Options are validated when first resolved.
    /// </remarks>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="configure">Sets <see cref="LmtpOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IWildDuckBuilder AddLmtp(this IWildDuckBuilder builder, Action<LmtpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new LmtpOptions();
        configure?.Invoke(options);
        var services = builder.Services;
        var registration = services.AddOptions<LmtpOptions>();
        if (configure is not null)
        {
            registration.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LmtpOptions>, LmtpOptionsValidator>());
        builder.AddDelivery();
        services.TryAddSingleton<LmtpServer>();
        if (options.Port > 0)
        {
            builder.AddListener(
                new ListenerOptions
                {
                    Name = "lmtp",
                    Protocol = "lmtp",
                    Host = options.Host,
                    Port = options.Port,
                    TlsMode = options.EnableStartTls ? TlsMode.StartTls : TlsMode.None,
                    ProxyProtocol = options.ProxyProtocol,
                },
                static sp => sp.GetRequiredService<LmtpServer>());
        }

        return builder;
    }

    /// <summary>
    /// The LMTP engine as a protocol handler, for hosts that bring their own listeners or drive it over
    /// an in-memory connection (tests, benchmarks).
    /// </summary>
    /// <param name="services">The service provider.</param>
    /// <returns>The handler.</returns>
    public static IMailProtocolHandler GetLmtpHandler(this IServiceProvider services) => services.GetRequiredService<LmtpServer>();
}
