// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Hosting;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Imap.Session;

/// <summary>
/// The IMAP protocol handler: one <see cref="ImapSession"/> per connection, sharing the storage
/// contracts, the authenticator and the connection limiter.
/// </summary>
internal sealed class ImapServer : IMailProtocolHandler
{
    public ImapServer(
        IUserStore users,
        IMailboxStore mailboxes,
        IMessageStore messages,
        IJournal journal,
        IChangeNotifier notifier,
        IUserAuthenticator authenticator,
        ConnectionLimiter connectionLimiter,
        IOptions<ImapOptions> options,
        IOptions<WildDuckOptions> wildDuckOptions,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IUserSessions sessions)
    {
        Users = users;
        Sessions = sessions;
        Mailboxes = mailboxes;
        Messages = messages;
        Journal = journal;
        Notifier = notifier;
        Authenticator = authenticator;
        ConnectionLimiter = connectionLimiter;
        Options = options.Value;
        WildDuck = wildDuckOptions.Value;
        Time = time;
        Logger = loggerFactory.CreateLogger("WildDuck.Imap");

        PostAuthCapabilities = Encoding.ASCII.GetBytes(
            "IMAP4rev1 LITERAL+ ENABLE ID IDLE NAMESPACE UNSELECT UIDPLUS CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE MOVE CONDSTORE ESEARCH WITHIN BINARY QUOTA QUOTA=RES-STORAGE STATUS=SIZE UTF8=ACCEPT "
            + "APPENDLIMIT=" + Options.AppendLimit.ToString(CultureInfo.InvariantCulture)
            + (Options.EnableCompression ? " COMPRESS=DEFLATE" : string.Empty));
    }

    public IUserStore Users { get; }

    public IMailboxStore Mailboxes { get; }

    public IMessageStore Messages { get; }

    public IJournal Journal { get; }

    public IChangeNotifier Notifier { get; }

    /// <summary>Logged-in sessions by user, for forced logouts.</summary>
    public IUserSessions Sessions { get; }

    public IUserAuthenticator Authenticator { get; }

    public ConnectionLimiter ConnectionLimiter { get; }

    public ImapOptions Options { get; }

    public WildDuckOptions WildDuck { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>The CAPABILITY list once logged in (RFC 3501 §7.2.1; extensions listed in docs/imap.md).</summary>
    public byte[] PostAuthCapabilities { get; }

    /// <summary>The CAPABILITY list before login: depends on TLS and the insecure-auth policy.</summary>
    public byte[] PreAuthCapabilities(MailConnection connection)
    {
        var sb = new StringBuilder("IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE");
        if (connection.CanStartTls)
        {
            sb.Append(" STARTTLS");
        }

        if (CanAuthenticate(connection))
        {
            sb.Append(" AUTH=PLAIN AUTH=LOGIN");
        }
        else
        {
            // RFC 3501 §6.2.3 / §7.2.1: LOGIN and AUTHENTICATE are refused until TLS is active.
            sb.Append(" LOGINDISABLED");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Whether credentials may be sent on this connection now.</summary>
    public bool CanAuthenticate(MailConnection connection) => connection.IsSecure || WildDuck.Security.AllowInsecureAuth;

    public async Task RunAsync(MailConnection connection, CancellationToken serverStopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var session = new ImapSession(this, connection);
        await using (session.ConfigureAwait(false))
        {
            await session.RunAsync(serverStopping).ConfigureAwait(false);
        }
    }
}
