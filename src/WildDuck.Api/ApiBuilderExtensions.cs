// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Api.Internal;
using WildDuck.Api.Webhooks;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api;

/// <summary>Registers the HTTP API.</summary>
public static class ApiBuilderExtensions
{
    /// <summary>
    /// Adds the API's services; map the endpoints into your own web application with
    /// <see cref="ApiEndpointRouteBuilderExtensions.MapWildDuckApi"/>. Needs a storage backend
    /// (user tokens need one that implements <see cref="IAccessTokenStore"/>, as SQLite and MongoDB do).
    /// </summary>
    public static IWildDuckBuilder AddApi(this IWildDuckBuilder builder, Action<ApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ApiOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        // Webhooks: the dispatcher is the process's IWildDuckEvents (unless the embedder registered
        // another first), so the stores' mailbox and junk events reach it too.
        services.TryAddSingleton<WebhookDispatcher>();
        services.TryAddSingleton<IWildDuckEvents>(static sp => sp.GetRequiredService<WebhookDispatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookDispatcherHost>());
        services.TryAddSingleton(static sp => new ApiServices(
            sp.GetRequiredService<IOptions<ApiOptions>>(),
            sp.GetRequiredService<IOptions<WildDuckOptions>>(),
            sp.GetRequiredService<IUserStore>(),
            sp.GetRequiredService<IMailboxStore>(),
            sp.GetRequiredService<IMessageStore>(),
            sp.GetRequiredService<IOutboundQueue>(),
            sp.GetRequiredService<IJournal>(),
            sp.GetRequiredService<IChangeNotifier>(),
            sp.GetRequiredService<IUserAuthenticator>(),
            sp.GetRequiredService<IPasswordHasher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IAuthenticationRateLimiter>(),
            sp.GetService<IAccessTokenStore>(),
            sp.GetService<ITwoFactorStore>(),
            sp.GetService<IAspStore>(),
            sp.GetService<IAuthLogStore>(),
            sp.GetService<IAuthenticationLog>(),
            sp.GetRequiredService<IWildDuckEvents>(),
            sp.GetService<IWebhookStore>(),
            sp.GetService<IFilterStore>(),
            sp.GetService<IAutoreplyStore>(),
            sp.GetService<IStoreMaintenance>(),
            sp.GetService<IUserSessions>(),
            sp.GetKeyedService<IForwardCounter>(CounterKeys.SubmittedRecipients),
            sp.GetService<IForwardCounter>()));
        return builder;
    }

    /// <summary>
    /// Adds the API and serves it with its own Kestrel listener on <see cref="ApiOptions.Host"/>:<see cref="ApiOptions.Port"/>
    /// (default 127.0.0.1:8080) as a hosted service, for a generic host that is not a web application.
    /// </summary>
    public static IWildDuckBuilder AddApiServer(this IWildDuckBuilder builder, Action<ApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddApi(configure);
        var services = builder.Services;
        if (!services.Any(static d => d.ServiceType == typeof(ApiServer)))
        {
            services.AddSingleton<ApiServer>();
            services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<ApiServer>());
        }

        return builder;
    }

    /// <summary>
    /// Maps more endpoints on the self-hosted API listener of <see cref="AddApiServer"/>, after the
    /// API's own routes: a web client at <c>/</c>, for example (the sample host serves one). The
    /// endpoints are the application's; the API's access control does not apply to them.
    /// </summary>
    public static IWildDuckBuilder MapOnApiServer(this IWildDuckBuilder builder, Action<IEndpointRouteBuilder> map)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(map);
        builder.Services.AddSingleton(new ApiServerEndpoints(map));
        return builder;
    }
}
