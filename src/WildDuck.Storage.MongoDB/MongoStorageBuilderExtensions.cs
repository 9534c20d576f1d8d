// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WildDuck.Storage.MongoDB;

/// <summary>Registers the MongoDB backend.</summary>
public static class MongoStorageBuilderExtensions
{
    /// <summary>
    /// Uses MongoDB for all storage contracts, in WildDuck's collection layout. At host start the
    /// server is pinged (an unreachable server fails start-up with a one-line message after
    /// <see cref="MongoStorageOptions.ServerSelectionTimeout"/>) and the indexes are created.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddWildDuck()
    ///         .UseMongoDBStorage(o => o.ConnectionString = "mongodb://127.0.0.1:27017/?replicaSet=rs0");
    /// </code>
    /// </example>
    public static IWildDuckBuilder UseMongoDBStorage(this IWildDuckBuilder builder, Action<MongoStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<MongoStorageOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MongoStorageOptions>, MongoStorageOptionsValidator>());

        services.TryAddSingleton<MongoMailStore>();
        services.TryAddSingleton<IUserStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IMailboxStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IMessageStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IJournal>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IAttachmentStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IAttachmentContentSource>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IFilterStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IAutoreplyStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IOutboundQueue>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IStoreMaintenance>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IAccessTokenStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<ITwoFactorStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IAspStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IAuthLogStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddSingleton<IWebhookStore>(static sp => sp.GetRequiredService<MongoMailStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MongoStartupService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MongoJournalWatcher>());
        return builder;
    }
}
