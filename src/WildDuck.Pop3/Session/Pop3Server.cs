// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Hosting;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Pop3.Session;

/// <summary>
/// The POP3 protocol handler: one <see cref="Pop3Session"/> per connection, sharing the storage
/// contracts, the authenticator and the connection limiter (which holds the maildrop locks).
/// </summary>
internal sealed class Pop3Server : IMailProtocolHandler
{
    /// <summary>The connection-limiter protocol under which maildrop locks are taken (limit 1 per user).</summary>
    public const string LockProtocol = "pop3-maildrop";

    public Pop3Server(
        IMailboxStore mailboxes,
        IMessageStore messages,
        IUserAuthenticator authenticator,
        ConnectionLimiter connectionLimiter,
        IOptions<Pop3Options> options,
        IOptions<WildDuckOptions> wildDuckOptions,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IUserSessions sessions)
    {
        Mailboxes = mailboxes;
        Sessions = sessions;
        Messages = messages;
        Authenticator = authenticator;
        ConnectionLimiter = connectionLimiter;
        Options = options.Value;
        WildDuck = wildDuckOptions.Value;
        Time = time;
        Logger = loggerFactory.CreateLogger("WildDuck.Pop3");
        ServerName = System.Text.Encoding.ASCII.GetBytes(Options.ServerName);
        Greeting = System.Text.Encoding.ASCII.GetBytes(WildDuck.Hostname + " " + Options.ServerName + " POP3");
    }

    /// <summary>Logged-in sessions by user, for forced logouts.</summary>
    public IUserSessions Sessions { get; }

    public IMailboxStore Mailboxes { get; }

    public IMessageStore Messages { get; }

    public IUserAuthenticator Authenticator { get; }

    public ConnectionLimiter ConnectionLimiter { get; }

    public Pop3Options Options { get; }

    public WildDuckOptions WildDuck { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary><see cref="Pop3Options.ServerName"/> as bytes, for the greeting and CAPA.</summary>
    public byte[] ServerName { get; }

    /// <summary>"host product POP3", the start of the greeting.</summary>
    public byte[] Greeting { get; }

    /// <summary>
    /// Whether credentials may be sent on this connection now: over TLS, or in plaintext when
    /// <c>WildDuck:Security:AllowInsecureAuth</c> allows it and the listener does not require STLS
    /// (RFC 2595 §2.2, RFC 8314 §5).
    /// </summary>
    public bool CanAuthenticate(MailConnection connection)
        => connection.IsSecure || (WildDuck.Security.AllowInsecureAuth && connection.TlsMode != TlsMode.StartTlsRequired);

    public async Task RunAsync(MailConnection connection, CancellationToken serverStopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var session = new Pop3Session(this, connection);
        await using (session.ConfigureAwait(false))
        {
            await session.RunAsync(serverStopping).ConfigureAwait(false);
        }
    }
}
