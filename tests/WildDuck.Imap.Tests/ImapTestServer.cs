// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Hosting;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Imap.Tests;

/// <summary>
/// An IMAP engine over the embedded SQLite store in a temp directory, reached through in-memory
/// connections (no sockets). Creates the user "alice" with password "alice-password".
/// </summary>
public sealed class ImapTestServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "alice-password";

    private readonly string _directory;
    private readonly ServiceProvider _services;

    private ImapTestServer(string directory, ServiceProvider services)
    {
        _directory = directory;
        _services = services;
    }

    public IServiceProvider Services => _services;

    public IUserStore Users => _services.GetRequiredService<IUserStore>();

    public IMailboxStore Mailboxes => _services.GetRequiredService<IMailboxStore>();

    public IMessageStore Messages => _services.GetRequiredService<IMessageStore>();

    public UserRecord Alice { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_directory, "wildduck.db");

    /// <param name="configure">IMAP options.</param>
    /// <param name="allowInsecureAuth">Passwords without TLS.</param>
    /// <param name="sqlite">SQLite options, after the defaults (path, durability).</param>
    /// <param name="services">Registrations made before the store's (which only adds what is missing), e.g. a decorated contract.</param>
    public static async Task<ImapTestServer> StartAsync(
        Action<ImapOptions>? configure = null,
        bool allowInsecureAuth = true,
        Action<SqliteStorageOptions>? sqlite = null,
        Action<IServiceCollection>? services = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wildduck-imap-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddWildDuck(o =>
            {
                o.Hostname = "imap.test";
                o.Security.AllowInsecureAuth = allowInsecureAuth;
            })
            .UseSqliteStorage(o =>
            {
                o.Path = Path.Combine(directory, "wildduck.db");
                o.Durability = SqliteDurability.Normal;
                sqlite?.Invoke(o);
            })
            .AddImap(o =>
            {
                o.Port = 0;
                o.TlsPort = 0;
                configure?.Invoke(o);
            });
        var server = new ImapTestServer(directory, collection.BuildServiceProvider());
        server.Alice = await server.Users.CreateUserAsync(new CreateUserRequest { Username = User, Password = Password, Address = "alice@example.org" });
        return server;
    }

    /// <summary>Opens a raw connection to the engine; the returned task completes when the session ends.</summary>
    public (Stream Client, Task Session) Connect(TlsMode mode = TlsMode.None, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
        => Connect(CancellationToken.None, mode, certificate);

    /// <summary>As <see cref="Connect(TlsMode, System.Security.Cryptography.X509Certificates.X509Certificate2?)"/>, with a token that plays the server shutting down.</summary>
    public (Stream Client, Task Session) Connect(CancellationToken serverStopping, TlsMode mode = TlsMode.None, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var (server, client) = InMemoryConnection.Create(mode, certificate);
        var handler = _services.GetImapHandler();
        var session = Task.Run(async () =>
        {
            await using (server)
            {
                await handler.RunAsync(server, serverStopping);
            }
        });
        return (client, session);
    }

    /// <summary>A MailKit client connected and (optionally) logged in.</summary>
    public async Task<ImapClient> ConnectClientAsync(bool login = true)
    {
        var (stream, _) = Connect();
        var client = new ImapClient();
        await client.ConnectAsync(stream, "imap.test", 143, SecureSocketOptions.None);
        if (login)
        {
            await client.AuthenticateAsync(User, Password);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
