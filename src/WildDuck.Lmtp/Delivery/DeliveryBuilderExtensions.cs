// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WildDuck.Storage;

namespace WildDuck.Lmtp;

/// <summary>Registers the delivery agent.</summary>
public static class DeliveryBuilderExtensions
{
    /// <summary>
    /// Adds the delivery agent (<see cref="IMailDeliveryAgent"/>) and its options. <c>AddLmtp</c>
    /// calls this; call it yourself to deliver from elsewhere (an MX integration) or to configure
    /// <see cref="DeliveryOptions"/>. Needs a storage backend that provides the outbound queue.
    /// </summary>
    /// <param name="builder">The WildDuck builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IWildDuckBuilder AddDelivery(this IWildDuckBuilder builder, Action<DeliveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<DeliveryOptions>()
            .Validate(static o => o.AutoreplyInterval >= TimeSpan.Zero, "Delivery:AutoreplyInterval must not be negative.")
            .Validate(static o => o.MaxReceivedHeadersToForward > 0, "Delivery:MaxReceivedHeadersToForward must be positive.")
            .Validate(static o => o.SpamVerdictHeaders is null || o.SpamVerdictHeaders.TrueForAll(static r => r is not null && !string.IsNullOrWhiteSpace(r.HeaderName) && IsRegex(r.Pattern)), "Delivery:SpamVerdictHeaders needs a header name and a valid regular expression in every entry.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<Outbound.OutboundWakeup>();
        builder.Services.TryAddSingleton<IMailDeliveryAgent, MailDeliveryAgent>();
        return builder;
    }

    private static bool IsRegex(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
