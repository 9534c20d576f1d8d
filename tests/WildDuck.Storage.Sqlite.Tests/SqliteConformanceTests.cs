// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Notifications;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>The shared storage conformance suite against the embedded SQLite backend.</summary>
public sealed class SqliteConformanceTests : StorageConformanceTests
{
    protected override Task<IStorageBackend> CreateBackendAsync(WildDuckOptions options) =>
        Task.FromResult<IStorageBackend>(new SqliteBackend(options));

    private sealed class SqliteBackend : IStorageBackend
    {
        private readonly TempDirectory _dir = new();
        private readonly SqliteMailStore _store;

        public SqliteBackend(WildDuckOptions options)
        {
            Notifier = new InProcessChangeNotifier();
            _store = SqliteTestStore.Create(_dir.File("wildduck.db"), options, Notifier, events: Events);
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

        public ValueTask DisposeAsync()
        {
            _store.Dispose();
            _dir.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
