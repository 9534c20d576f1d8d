// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Outbound;

/// <summary>Registers the outbound relay.</summary>
public static class OutboundRelayBuilderExtensions
{
    /// <summary>
    /// Adds the background service that sends the outbound queue (forwards, autoreplies) through the
    /// configured smarthost or each entry's own route. Needs a storage backend that provides
    /// <see cref="IOutboundQueue"/>. Options are validated at start.
    /// </summary>
    public static IWildDuckBuilder AddOutboundRelay(this IWildDuckBuilder builder, Action<OutboundRelayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var registration = services.AddOptions<OutboundRelayOptions>();
        if (configure is not null)
        {
            registration.Configure(configure);
        }

        registration.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundRelayOptions>, OutboundRelayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboundWakeup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboundRelayService>());
        return builder;
    }
}
