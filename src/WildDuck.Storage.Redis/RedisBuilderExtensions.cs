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
    /// <see cref="RedisAuthenticationRateLimiter"/>; counts per-user connections (IMAP's limit, the POP3
    /// maildrop lock) across instances: replaces the <see cref="IConnectionCounter"/> likewise with a
    /// <see cref="RedisConnectionCounter"/>; counts the daily forwards (<c>MaxForwardsPerDay</c>) across
    /// instances: replaces the <see cref="IForwardCounter"/> likewise with a <see cref="RedisForwardCounter"/>,
    /// and the keyed <see cref="CounterKeys.SubmittedRecipients"/> counter (the API submit's daily recipient
    /// limit) with another one on <c>{ChannelPrefix}rcpt:</c>; carries forced logouts to every instance:
    /// replaces the <see cref="IUserSessions"/> with a <see cref="RedisUserSessions"/>;
    /// and registers one <see cref="IConnectionMultiplexer"/>
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

        // Replace, not TryAdd: AddWildDuck registered the in-process defaults with TryAdd already,
        // and UseRedis must win whatever the order of the builder calls.
        Replace<IChangeNotifier, RedisChangeNotifier>(services, static (redis, options, time, logs) => new RedisChangeNotifier(redis, options, time, logs));

        // The failure counters must be shared, or each instance would allow the full limit and a
        // client could multiply it by spreading attempts.
        Replace<IAuthenticationRateLimiter, RedisAuthenticationRateLimiter>(services, static (redis, options, time, logs) => new RedisAuthenticationRateLimiter(redis, options, time, logs));

        // Likewise a per-user connection limit must hold however the load balancer spreads the sessions.
        Replace<IConnectionCounter, RedisConnectionCounter>(services, static (redis, options, time, logs) => new RedisConnectionCounter(redis, options, time, logs));

        // And the daily forward limit, or N instances would forward N times the limit for a user.
        Replace<IForwardCounter, RedisForwardCounter>(services, static (redis, options, time, logs) => new RedisForwardCounter(redis, options, time, logs));

        // The daily submission recipient limit is the same kind of counter under another key.
        services.RemoveAllKeyed<IForwardCounter>(CounterKeys.SubmittedRecipients);
        services.AddKeyedSingleton<IForwardCounter>(CounterKeys.SubmittedRecipients, static (sp, _) => new RedisForwardCounter(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            name: RedisForwardCounter.SubmittedRecipientsName));

        // A forced logout must close the user's sessions on every instance, not only this one.
        Replace<IUserSessions, RedisUserSessions>(services, static (redis, options, _, logs) => new RedisUserSessions(redis, options, logs));
        return builder;
    }

    /// <summary>Registers <typeparamref name="TImplementation"/> as itself and as the only <typeparamref name="TService"/>.</summary>
    private static void Replace<TService, TImplementation>(
        IServiceCollection services,
        Func<IConnectionMultiplexer, IOptions<RedisOptions>, TimeProvider?, ILoggerFactory?, TImplementation> create)
        where TService : class
        where TImplementation : class, TService
    {
        services.RemoveAll<TService>();
        services.AddSingleton(sp => create(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<TService>(static sp => sp.GetRequiredService<TImplementation>());
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
