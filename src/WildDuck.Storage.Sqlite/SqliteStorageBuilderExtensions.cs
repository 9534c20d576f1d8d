// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WildDuck.Storage.Sqlite;

/// <summary>Registers the embedded SQLite backend.</summary>
public static class SqliteStorageBuilderExtensions
{
    /// <summary>
    /// Uses one SQLite database file for all storage contracts. The file and its schema are
    /// created when a host starts (a database that cannot be used fails the start), or otherwise
    /// on first use.
    /// </summary>
    public static IWildDuckBuilder UseSqliteStorage(this IWildDuckBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SqliteStorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<SqliteMailStore>();
        services.TryAddSingleton<IUserStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IMailboxStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IMessageStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IJournal>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IAttachmentStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IAttachmentContentSource>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IFilterStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IAutoreplyStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IOutboundQueue>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IStoreMaintenance>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IAccessTokenStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<ITwoFactorStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IAspStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IAuthLogStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddSingleton<IWebhookStore>(static sp => sp.GetRequiredService<SqliteMailStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, SqliteStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, SqliteJournalWatcher>());
        return builder;
    }
}
