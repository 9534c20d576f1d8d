// SPDX-License-Identifier: MIT
using Microsoft.Extensions.Options;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Notifications;
using WildDuck.Storage.Security;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// The shared storage conformance suite against a real MongoDB, when
/// <c>WILDDUCK_TEST_MONGODB_URI</c> names one (docs/testing-mongodb.md); skipped otherwise. Each
/// backend gets databases of its own, dropped when it is disposed.
/// </summary>
public class MongoConformanceTests : StorageConformanceTests
{
    protected override string? SkipReason => MongoTestServer.SkipReason;

    /// <summary>When true, users, addresses and domain aliases live behind a connection of their own.</summary>
    protected virtual bool SeparateUsersConnection => false;

    protected override Task<IStorageBackend> CreateBackendAsync(WildDuckOptions options) =>
        Task.FromResult<IStorageBackend>(new MongoBackend(options, MongoTestServer.Uri!, SeparateUsersConnection, new MongoStorageOptions().MaxMessagesPerTransaction));

    protected override Task<IStorageBackend> CreateBatchingBackendAsync(int messagesPerTransaction) =>
        Task.FromResult<IStorageBackend>(new MongoBackend(CreateDefaultOptions(), MongoTestServer.Uri!, SeparateUsersConnection, messagesPerTransaction));

    private sealed class MongoBackend : IStorageBackend
    {
        private readonly MongoMailStore _store;
        private readonly string _database;
        private readonly string _uri;

        public MongoBackend(WildDuckOptions options, string uri, bool separateUsers, int messagesPerTransaction)
        {
            _uri = uri;
            _database = "wdtest_" + Guid.NewGuid().ToString("N")[..16];
            Notifier = new InProcessChangeNotifier();
            _store = new MongoMailStore(
                Options.Create(new MongoStorageOptions
                {
                    ConnectionString = uri,
                    Database = _database,

                    // A URL makes it a separate client (WildDuck's dbs.users as a URL); its database is named here.
                    UsersDatabase = separateUsers ? UsersUrl(uri, _database + "_users") : null,
                    UseTransactions = MongoTestServer.TransactionMode,
                    MaxMessagesPerTransaction = messagesPerTransaction,
                }),
                Options.Create(options),
                Notifier,
                new PasswordHasher(Options.Create(options)),
                TimeProvider.System,
                events: Events);
        }

        public IUserStore Users => _store;

        public IMailboxStore Mailboxes => _store;

        public IMessageStore Messages => _store;

        public IAttachmentStore Attachments => _store;

        public IJournal Journal => _store;

        public IChangeNotifier Notifier { get; }

        public IFilterStore Filters => _store;

        public IAutoreplyStore Autoreplies => _store;

        public IOutboundQueue Outbound => _store;

        public IStoreMaintenance Maintenance => _store;

        public IAccessTokenStore AccessTokens => _store;

        public ITwoFactorStore TwoFactor => _store;

        public IAspStore Asps => _store;

        public IAuthLogStore AuthLog => _store;

        public IWebhookStore Webhooks => _store;

        public RecordedEvents Events { get; } = new();

        public async ValueTask DisposeAsync()
        {
            _store.Dispose();
            using var client = new MongoClient(_uri);
            await client.DropDatabaseAsync(_database);
            await client.DropDatabaseAsync(_database + "_users");
        }

        private static string UsersUrl(string uri, string database)
        {
            var builder = new MongoUrlBuilder(uri) { DatabaseName = database };
            return builder.ToString();
        }
    }
}

/// <summary>
/// The conformance suite with the users database behind a connection of its own (WildDuck's
/// <c>dbs.users</c> as a URL): user writes then run outside the main connection's transactions.
/// </summary>
public sealed class MongoSeparateUsersConformanceTests : MongoConformanceTests
{
    protected override bool SeparateUsersConnection => true;
}

/// <summary>The MongoDB server named by the environment, if any.</summary>
internal static class MongoTestServer
{
    /// <summary>The variable naming the server (a replica set for transactions).</summary>
    public const string Variable = "WILDDUCK_TEST_MONGODB_URI";

    /// <summary>The connection string, or null.</summary>
    public static string? Uri { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } uri ? uri : null;

    /// <summary>Why MongoDB tests are skipped, or null when they run.</summary>
    public static string? SkipReason => Uri is null
        ? $"No MongoDB server: set {Variable} (e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0) to run the conformance suite against MongoDB; see docs/testing-mongodb.md."
        : null;

    /// <summary>
    /// <c>WILDDUCK_TEST_MONGODB_TRANSACTIONS</c> (Auto, Always, Never) runs the suite in one mode;
    /// Auto by default. Never on a replica set exercises the path without transactions.
    /// </summary>
    public static MongoTransactionMode TransactionMode { get; } =
        Enum.TryParse<MongoTransactionMode>(Environment.GetEnvironmentVariable("WILDDUCK_TEST_MONGODB_TRANSACTIONS"), ignoreCase: true, out var mode) ? mode : MongoTransactionMode.Auto;
}
