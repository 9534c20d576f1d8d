// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Hosting.Internal;
using WildDuck.Storage;

namespace WildDuck.Hosting;

/// <summary>Registers the connection runtime on <see cref="IWildDuckBuilder"/>.</summary>
public static class HostingBuilderExtensions
{
    /// <summary>
    /// Adds a socket listener served by the handler <paramref name="handler"/> creates (called once,
    /// at start). Several listeners may be added; one <see cref="ListenerHostedService"/> runs them all.
    /// </summary>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="options">The listener; its <see cref="ListenerOptions.Name"/> must be unique.</param>
    /// <param name="handler">Creates the protocol engine.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddWildDuck().UseSqliteStorage()
    ///         .AddTls(o => o.CertificatePath = "/etc/ssl/mail.pem")
    ///         .AddListener(new ListenerOptions { Name = "imaps", Port = 993, TlsMode = TlsMode.Implicit }, sp => sp.GetRequiredService&lt;ImapHandler&gt;());
    /// </code>
    /// </example>
    public static IWildDuckBuilder AddListener(this IWildDuckBuilder builder, ListenerOptions options, Func<IServiceProvider, IMailProtocolHandler> handler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        AddCore(builder.Services);
        builder.Services.AddSingleton(new ListenerRegistration(options, handler));
        return builder;
    }

    /// <summary>
    /// Configures the server certificate and TLS protocols and registers the default
    /// <see cref="ICertificateProvider"/> (unless one is registered already).
    /// </summary>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="configure">Sets <see cref="TlsOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IWildDuckBuilder AddTls(this IWildDuckBuilder builder, Action<TlsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddCore(builder.Services);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    /// <summary>Configures settings shared by all listeners (shutdown timeout, global connection limit).</summary>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="configure">Sets <see cref="HostingOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IWildDuckBuilder ConfigureHosting(this IWildDuckBuilder builder, Action<HostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddCore(builder.Services);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Configures the per-user connection limits the protocol engines enforce after login; the slots are
    /// counted by the registered <see cref="IConnectionCounter"/> (in-process by default, across
    /// instances with <c>UseRedis()</c>).
    /// </summary>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="configure">Sets <see cref="ConnectionLimitOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IWildDuckBuilder ConfigureConnectionLimits(this IWildDuckBuilder builder, Action<ConnectionLimitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddCore(builder.Services);
        builder.Services.Configure(configure);
        return builder;
    }

    private static void AddCore(IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new ConnectionLimiter(sp.GetRequiredService<IConnectionCounter>(), sp.GetRequiredService<IOptions<ConnectionLimitOptions>>()));
        services.TryAddSingleton<ICertificateProvider>(static sp => new CertificateProvider(
            sp.GetRequiredService<IOptions<TlsOptions>>(),
            sp.GetRequiredService<IOptions<WildDuckOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CertificateProvider>>()));
        services.TryAddSingleton(static sp => new ListenerHostedService(
            sp,
            sp.GetServices<ListenerRegistration>(),
            sp.GetRequiredService<IOptions<HostingOptions>>(),
            sp.GetRequiredService<IOptions<TlsOptions>>(),
            sp.GetRequiredService<ILogger<ListenerHostedService>>()));
        services.AddHostedService(static sp => sp.GetRequiredService<ListenerHostedService>());
    }
}
