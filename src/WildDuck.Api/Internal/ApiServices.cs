// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage;
using WildDuck.Storage.Counters;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Security;
using WildDuck.Api.Internal.TwoFactor;

namespace WildDuck.Api.Internal;

/// <summary>
/// Everything the endpoints use, resolved once. The self-hosted server forwards this one object
/// from the application's container into its own web host.
/// </summary>
internal sealed class ApiServices
{
    public ApiServices(
        IOptions<ApiOptions> options,
        IOptions<WildDuckOptions> wildDuckOptions,
        IUserStore users,
        IMailboxStore mailboxes,
        IMessageStore messages,
        IOutboundQueue outbound,
        IJournal journal,
        IChangeNotifier notifier,
        IUserAuthenticator authenticator,
        IPasswordHasher passwordHasher,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IAuthenticationRateLimiter rateLimiter,
        IAccessTokenStore? tokens = null,
        ITwoFactorStore? twoFactor = null,
        IAspStore? asps = null,
        IAuthLogStore? authLog = null,
        IAuthenticationLog? securityLog = null,
        IWildDuckEvents? events = null,
        IWebhookStore? webhooks = null,
        IFilterStore? filters = null,
        IAutoreplyStore? autoreplies = null,
        IStoreMaintenance? maintenance = null,
        IUserSessions? sessions = null,
        IForwardCounter? submittedRecipients = null,
        IForwardCounter? forwards = null)
    {
        Options = options.Value;
        WildDuck = wildDuckOptions.Value;
        Users = users;
        Mailboxes = mailboxes;
        Messages = messages;
        Outbound = outbound;
        Journal = journal;
        Notifier = notifier;
        Authenticator = authenticator;
        PasswordHasher = passwordHasher;
        Time = time;
        Tokens = tokens;
        TwoFactor = twoFactor;
        RateLimiter = rateLimiter;
        Sealer = new SecretSealer(Options.TwoFactor.SecretEncryptionKey);
        WebAuthn = new WebAuthnService(Options.TwoFactor, WildDuck.Hostname);
        Profiles = new AppleProfile(Options.Mobileconfig);
        Asps = asps;
        AuthLog = authLog;
        SecurityLog = securityLog;
        Events = events;
        Webhooks = webhooks;
        Filters = filters;
        Autoreplies = autoreplies;
        Maintenance = maintenance;
        Sessions = sessions;
        Logger = loggerFactory.CreateLogger("WildDuck.Api");
        Indexer = new MessageIndexer(WildDuck.Messages);
        SubmittedRecipients = submittedRecipients ?? new InMemoryForwardCounter(time);
        Forwards = forwards ?? new InMemoryForwardCounter(time);
    }

    public ApiOptions Options { get; }

    public WildDuckOptions WildDuck { get; }

    public IUserStore Users { get; }

    public IMailboxStore Mailboxes { get; }

    public IMessageStore Messages { get; }

    /// <summary>The outbound queue that submissions go through (reference §6.7).</summary>
    public IOutboundQueue Outbound { get; }

    /// <summary>
    /// Recipients submitted per user per day (WildDuck's <c>wdr:&lt;user&gt;</c> counter): the keyed
    /// <see cref="CounterKeys.SubmittedRecipients"/> counter, shared by every instance with <c>UseRedis()</c>.
    /// </summary>
    public IForwardCounter SubmittedRecipients { get; }

    /// <summary>
    /// The daily forward counters (WildDuck's <c>wdf:&lt;id&gt;</c>) that delivery consumes: read here
    /// for <c>limits.forwards</c>, never counted.
    /// </summary>
    public IForwardCounter Forwards { get; }

    /// <summary>The user's daily submission recipient limit: its own <c>recipients</c>, else <see cref="ApiOptions.MaxRecipientsPerDay"/>.</summary>
    public int RecipientLimit(UserRecord user) => user.Recipients > 0 ? user.Recipients : Options.MaxRecipientsPerDay;

    /// <summary>A forward limit (a forwarded address's <c>forwards</c>) or, when 0, <see cref="UserLimits.MaxForwardsPerDay"/>.</summary>
    public int ForwardLimit(int own) => own > 0 ? own : WildDuck.Users.MaxForwardsPerDay;

    public IJournal Journal { get; }

    /// <summary>The wake-ups of IMAP IDLE, which also drive the EventSource stream.</summary>
    public IChangeNotifier Notifier { get; }

    public IUserAuthenticator Authenticator { get; }

    public IPasswordHasher PasswordHasher { get; }

    public TimeProvider Time { get; }

    public IAccessTokenStore? Tokens { get; }

    /// <summary>2FA state; null when the store does not keep it (the 2FA routes then answer 503).</summary>
    public ITwoFactorStore? TwoFactor { get; }

    /// <summary>The failed-login counters shared with IMAP and POP3 (TOTP and WebAuthn failures count there too).</summary>
    public IAuthenticationRateLimiter RateLimiter { get; }

    /// <summary>Seals TOTP secrets at rest when a key is configured.</summary>
    public SecretSealer Sealer { get; }

    /// <summary>The WebAuthn relying party.</summary>
    public WebAuthnService WebAuthn { get; }

    /// <summary>Builds (and signs) Apple configuration profiles for application-specific passwords.</summary>
    public AppleProfile Profiles { get; }

    /// <summary>Application-specific passwords; null when the backend has none (the routes answer 503).</summary>
    public IAspStore? Asps { get; }

    /// <summary>The stored authentication log, for reading; null when the backend has none.</summary>
    public IAuthLogStore? AuthLog { get; }

    /// <summary>Where security-relevant changes are recorded (best effort); null records nothing.</summary>
    public IAuthenticationLog? SecurityLog { get; }

    /// <summary>Where the endpoints announce account changes (the webhook dispatcher by default).</summary>
    public IWildDuckEvents? Events { get; }

    public IWebhookStore? Webhooks { get; }

    public IFilterStore? Filters { get; }

    public IAutoreplyStore? Autoreplies { get; }

    public IStoreMaintenance? Maintenance { get; }

    /// <summary>The process's logged-in IMAP and POP3 sessions (forced logout).</summary>
    public IUserSessions? Sessions { get; }

    /// <summary>Announces an event; a failing subscriber never fails the call that changed something.</summary>
    public void Publish(string type, UserId? user, params (string Name, string? Value)[] fields)
    {
        if (Events is null)
        {
            return;
        }

        try
        {
            Events.Publish(WildDuckEvent.Of(type, user, fields));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Logger.LogWarning(ex, "Publishing event {Type} failed; the change itself is committed.", type);
        }
    }

    public ILogger Logger { get; }

    /// <summary>Re-derives text, HTML and the attachment list of a stored message for the API.</summary>
    public MessageIndexer Indexer { get; }

    /// <summary>The largest accepted upload.</summary>
    public long MaxUploadSize => Options.MaxUploadSize > 0 ? Options.MaxUploadSize : WildDuck.Messages.MaxMessageSize;
}
