// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Hosting;

/// <summary>
/// A protocol engine's entry point (IMAP, POP3, LMTP). The hosting runtime calls
/// <see cref="RunAsync"/> once per accepted connection, on its own task, after the PROXY header
/// and any implicit TLS handshake, and disposes the connection when it returns.
/// </summary>
public interface IMailProtocolHandler
{
    /// <summary>Runs one session until the client leaves, the engine ends it, or the server stops.</summary>
    /// <param name="connection">The connection; the engine reads and writes <see cref="MailConnection.Transport"/> only.</param>
    /// <param name="serverStopping">
    /// Cancelled when the host stops. The engine should then send its goodbye (<c>* BYE</c>) and
    /// return; the runtime waits up to <see cref="HostingOptions.ShutdownTimeout"/> and then aborts
    /// connections whose handler has not returned.
    /// </param>
    /// <returns>A task that completes when the session is over.</returns>
    Task RunAsync(MailConnection connection, CancellationToken serverStopping);
}
