// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

/// <summary>
/// One storage backend instance under test: every store contract over one shared, empty store.
/// </summary>
/// <remarks>
/// The suite runs on the real clock: it never injects a fake <see cref="TimeProvider"/>, so a
/// backend must behave the same whatever time provider it was built with as long as that provider
/// follows real time (dates written by the suite are either explicit or "now").
/// Disposing the backend releases everything it holds (connections, temporary files, databases).
/// </remarks>
public interface IStorageBackend : IAsyncDisposable
{
    /// <summary>Users, addresses and domain aliases.</summary>
    IUserStore Users { get; }

    /// <summary>Mailboxes.</summary>
    IMailboxStore Mailboxes { get; }

    /// <summary>Messages.</summary>
    IMessageStore Messages { get; }

    /// <summary>The deduplicating attachment store.</summary>
    IAttachmentStore Attachments { get; }

    /// <summary>The change journal.</summary>
    IJournal Journal { get; }

    /// <summary>The change notifier the stores wake after every change.</summary>
    IChangeNotifier Notifier { get; }

    /// <summary>Delivery filters.</summary>
    IFilterStore Filters { get; }

    /// <summary>Autoreply settings and the answered-sender log.</summary>
    IAutoreplyStore Autoreplies { get; }
    /// <summary>The outbound queue (forwards, autoreplies).</summary>
    IOutboundQueue Outbound { get; }

    /// <summary>Consistency checks.</summary>
    IStoreMaintenance Maintenance { get; }

    /// <summary>API access tokens; null when the backend does not implement them (the tests skip).</summary>
    IAccessTokenStore? AccessTokens => null;

    /// <summary>2FA state; null when the backend does not implement it (the tests skip).</summary>
    ITwoFactorStore? TwoFactor => null;

    /// <summary>Application-specific passwords; null when the backend does not implement them (the tests skip).</summary>
    IAspStore? Asps => null;

    /// <summary>The authentication log; null when the backend does not implement it (the tests skip).</summary>
    IAuthLogStore? AuthLog => null;

    /// <summary>Webhook subscriptions; null when the backend does not implement them (the tests skip).</summary>
    IWebhookStore? Webhooks => null;

    /// <summary>The events the stores published (the stores were built with it); null when not wired (the tests skip).</summary>
    RecordedEvents? Events => null;
}

/// <summary>An <see cref="IWildDuckEvents"/> that keeps what was published, in order.</summary>
public sealed class RecordedEvents : IWildDuckEvents
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<WildDuckEvent> _events = new();

    public IReadOnlyList<WildDuckEvent> All => _events.ToArray();

    public void Publish(WildDuckEvent wildDuckEvent) => _events.Enqueue(wildDuckEvent);

    /// <summary>The events of one user with one name, in order.</summary>
    public IReadOnlyList<WildDuckEvent> Of(UserId user, string type) => _events.Where(e => e.User == user && e.Type == type).ToArray();
}
