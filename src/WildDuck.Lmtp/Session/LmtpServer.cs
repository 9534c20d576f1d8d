// SPDX-License-Identifier: MIT
using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Hosting;
using WildDuck.Lmtp.Protocol;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Session;

/// <summary>
/// The LMTP protocol handler (RFC 2033): one <see cref="LmtpSession"/> per connection, sharing the
/// delivery agent and the options.
/// </summary>
internal sealed class LmtpServer : IMailProtocolHandler
{
    /// <summary>RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF.</summary>
    public const int CommandLineLength = 512;

    public LmtpServer(
        IMailDeliveryAgent agent,
        IOptions<LmtpOptions> options,
        IOptions<WildDuckOptions> wildDuckOptions,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        Agent = agent;
        Options = options.Value;
        Time = time;
        Logger = loggerFactory.CreateLogger("WildDuck.Lmtp");
        Hostname = Encoding.UTF8.GetBytes(wildDuckOptions.Value.Hostname);
        MaxLineLength = CommandLineLength + Options.MaxCommandExtensionLength;
        StartTlsGoAhead = LmtpStrings.Line(LmtpReply.StartTlsReady).ToArray();
    }

    public IMailDeliveryAgent Agent { get; }

    public LmtpOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>The server's name for the greeting, LHLO and <c>Received: by</c>.</summary>
    public byte[] Hostname { get; }

    /// <summary>The longest MAIL or RCPT line, CRLF included; every other command stays within 512.</summary>
    public int MaxLineLength { get; }

    public byte[] StartTlsGoAhead { get; }

    public async Task RunAsync(MailConnection connection, CancellationToken serverStopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var session = new LmtpSession(this, connection);
        using (session)
        {
            await session.RunAsync(serverStopping).ConfigureAwait(false);
        }
    }
}
