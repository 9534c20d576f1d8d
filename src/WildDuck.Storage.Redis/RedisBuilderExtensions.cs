// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.Redis;

/// <summary>Registers the Redis services of WildDuck.Core.</summary>
public static class RedisBuilderExtensions
{
    /// <summary>
    /// Carries change notifications between instances over Redis pub/sub: replaces the
    /// <see cref="IChangeNotifier"/> (whatever registered it, before or after this call) with a
    /// <see cref="RedisChangeNotifier"/>; shares the authentication failure counters between instances:
    /// replaces the <see cref="IAuthenticationRateLimiter"/> likewise with a
    /// <see cref="RedisAuthenticationRateLimiter"/>; and registers one <see cref="IConnectionMultiplexer"/>
    /// (unless one is registered already, which is then shared), disposed with the container.
    /// </summary>
    /// <remarks>
    /// The connection is made with <c>AbortOnConnectFail = false</c>: the host starts while Redis is
    /// down and the client reconnects by itself. The storage backend's own cross-process fallback
    /// (the SQLite journal watcher) stays registered and covers outages.
    /// </remarks>
    /// <example>
    /// <code>
    /// services.AddWildDuck()
    ///         .UseSqliteStorage(o => o.Path = "data/wildduck.db")
    ///         .UseRedis(o => o.Configuration = "127.0.0.1:6379");
    /// </code>
    /// </example>
    public static IWildDuckBuilder UseRedis(this IWildDuckBuilder builder, Action<RedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddSingleton<IConnectionMultiplexer>(static sp => Connect(sp.GetRequiredService<IOptions<RedisOptions>>().Value, sp.GetService<ILoggerFactory>()));

        // Replace, not TryAdd: AddWildDuck registered the in-process default with TryAdd already,
        // and UseRedis must win whatever the order of the builder calls.
        services.RemoveAll<IChangeNotifier>();
        services.AddSingleton<RedisChangeNotifier>(static sp => new RedisChangeNotifier(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IChangeNotifier>(static sp => sp.GetRequiredService<RedisChangeNotifier>());

        // Replaced for the same reason: the failure counters must be shared, or each instance would
        // allow the full limit and a client could multiply it by spreading attempts.
        services.RemoveAll<IAuthenticationRateLimiter>();
        services.AddSingleton<RedisAuthenticationRateLimiter>(static sp => new RedisAuthenticationRateLimiter(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IAuthenticationRateLimiter>(static sp => sp.GetRequiredService<RedisAuthenticationRateLimiter>());
        return builder;
    }

    private static ConnectionMultiplexer Connect(RedisOptions options, ILoggerFactory? loggerFactory)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);

        // Redis carries only wake-ups: never fail the host over it; reconnect in the background.
        configuration.AbortOnConnectFail = false;
        configuration.LoggerFactory ??= loggerFactory;
        return ConnectionMultiplexer.Connect(configuration);
    }
}
