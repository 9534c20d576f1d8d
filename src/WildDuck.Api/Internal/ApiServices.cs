// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage;
using WildDuck.Storage.Counters;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Security;

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
        IAccessTokenStore? tokens = null)
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
        Logger = loggerFactory.CreateLogger("WildDuck.Api");
        Indexer = new MessageIndexer(WildDuck.Messages);
        SubmittedRecipients = new InMemoryForwardCounter(time);
    }

    public ApiOptions Options { get; }

    public WildDuckOptions WildDuck { get; }

    public IUserStore Users { get; }

    public IMailboxStore Mailboxes { get; }

    public IMessageStore Messages { get; }

    /// <summary>The outbound queue that submissions go through (reference §6.7).</summary>
    public IOutboundQueue Outbound { get; }

    /// <summary>Recipients submitted per user per day (WildDuck's <c>wdr:&lt;user&gt;</c> counter), in this process.</summary>
    public InMemoryForwardCounter SubmittedRecipients { get; }
    public IJournal Journal { get; }

    /// <summary>The wake-ups of IMAP IDLE, which also drive the EventSource stream.</summary>
    public IChangeNotifier Notifier { get; }

    public IUserAuthenticator Authenticator { get; }

    public IPasswordHasher PasswordHasher { get; }

    public TimeProvider Time { get; }

    public IAccessTokenStore? Tokens { get; }

    public ILogger Logger { get; }

    /// <summary>Re-derives text, HTML and the attachment list of a stored message for the API.</summary>
    public MessageIndexer Indexer { get; }

    /// <summary>The largest accepted upload.</summary>
    public long MaxUploadSize => Options.MaxUploadSize > 0 ? Options.MaxUploadSize : WildDuck.Messages.MaxMessageSize;
}
