// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Connections;
using WildDuck.Storage.Counters;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;

namespace WildDuck.Storage;

/// <summary>Registers WildDuck.Core.</summary>
public static class WildDuckServiceCollectionExtensions
{
    /// <summary>
    /// Adds the core services: options (validated at start), the in-process change notifier,
    /// <see cref="TimeProvider.System"/>, the password hasher, the failed-login rate limiter, the
    /// in-process <see cref="IConnectionCounter"/> (per-user connection limits), the in-process
    /// <see cref="IForwardCounter"/> (the daily forward limit) and its keyed twin for submitted recipients
    /// (<see cref="CounterKeys.SubmittedRecipients"/>), the in-process <see cref="IUserSessions"/>
    /// (forced logouts) and the
    /// <see cref="IUserAuthenticator"/> (which needs a backend's <see cref="IUserStore"/>, and uses its
    /// <see cref="IAspStore"/> and <see cref="IAuthLogStore"/> when it has them), the <see cref="IAuthenticationLog"/>
    /// and an <see cref="ITwoFactorPolicy"/> that reads the user's enabled methods. Every default is registered with <c>TryAdd</c> so an
    /// embedder can replace it by registering its own first (or a backend package can).
    /// Choose a storage backend next, e.g. <c>.UseSqliteStorage(o => o.Path = "data/wildduck.db")</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddWildDuck(o => o.Hostname = "mail.example.org")
    ///         .UseSqliteStorage(o => o.Path = "data/wildduck.db");
    /// </code>
    /// </example>
    public static IWildDuckBuilder AddWildDuck(this IServiceCollection services, Action<WildDuckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<WildDuckOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WildDuckOptions>, WildDuckOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChangeNotifier, InProcessChangeNotifier>();
        services.TryAddSingleton<IPasswordHasher, PasswordHasher>();
        services.TryAddSingleton<IAuthenticationRateLimiter>(static sp => new InMemoryAuthenticationRateLimiter(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IConnectionCounter, InMemoryConnectionCounter>();
        services.TryAddSingleton<IUserSessions, InProcessUserSessions>();
        services.TryAddSingleton<IForwardCounter>(static sp => new InMemoryForwardCounter(sp.GetRequiredService<TimeProvider>()));
        services.TryAddKeyedSingleton<IForwardCounter>(CounterKeys.SubmittedRecipients, static (sp, _) => new InMemoryForwardCounter(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ITwoFactorPolicy, UserRecordTwoFactorPolicy>();
        services.TryAddSingleton<IAuthenticationLog>(static sp => new AuthenticationLog(
            sp.GetService<IAuthLogStore>(),
            sp.GetRequiredService<IOptions<WildDuckOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuthenticationLog>>()));
        services.TryAddSingleton<IUserAuthenticator>(static sp => new UserAuthenticator(
            sp.GetRequiredService<IUserStore>(),
            sp.GetRequiredService<IPasswordHasher>(),
            sp.GetRequiredService<IAuthenticationRateLimiter>(),
            sp.GetRequiredService<IOptions<WildDuckOptions>>(),
            sp.GetRequiredService<ILogger<UserAuthenticator>>(),
            sp.GetService<IAspStore>(),
            sp.GetRequiredService<IAuthenticationLog>(),
            sp.GetRequiredService<ITwoFactorPolicy>(),
            sp.GetRequiredService<TimeProvider>()));
        return new WildDuckBuilder(services);
    }

    private sealed class WildDuckBuilder(IServiceCollection services) : IWildDuckBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
