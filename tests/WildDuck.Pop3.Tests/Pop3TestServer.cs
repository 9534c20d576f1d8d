// SPDX-License-Identifier: MIT
using System.IO;
using System.Net;
using System.Threading.Tasks;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Hosting;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Pop3.Tests;

/// <summary>
/// The POP3 engine behind the real socket listener (loopback, OS-chosen ports: one with STLS, one
/// with implicit TLS) over the embedded SQLite store in a temp directory, with a self-signed
/// certificate. Creates the user "alice" with password "alice-password".
/// </summary>
public sealed class Pop3TestServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "alice-password";

    private readonly string _directory;
    private readonly ServiceProvider _services;
    private readonly ListenerHostedService _listeners;

    private Pop3TestServer(string directory, ServiceProvider services)
    {
        _directory = directory;
        _services = services;
        _listeners = services.GetRequiredService<ListenerHostedService>();
    }

    public IServiceProvider Services => _services;

    /// <summary>The SQLite file, for tests that damage the store on purpose.</summary>
    public string DatabasePath => Path.Combine(_directory, "wildduck.db");

    public IUserStore Users => _services.GetRequiredService<IUserStore>();

    public IMailboxStore Mailboxes => _services.GetRequiredService<IMailboxStore>();

    public IMessageStore Messages => _services.GetRequiredService<IMessageStore>();

    public UserRecord Alice { get; private set; } = null!;

    public MailboxId Inbox { get; private set; }

    /// <summary>The plain (STLS) port.</summary>
    public int Port => _listeners.GetBoundEndPoint("pop3-test")!.Port;

    /// <summary>The implicit-TLS port.</summary>
    public int TlsPort => _listeners.GetBoundEndPoint("pop3s-test")!.Port;

    public static async Task<Pop3TestServer> StartAsync(Action<Pop3Options>? configure = null, bool allowInsecureAuth = true, Action<SqliteStorageOptions>? sqlite = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wildduck-pop3-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWildDuck(o =>
            {
                o.Hostname = "pop3.test";
                o.Security.AllowInsecureAuth = allowInsecureAuth;
            })
            .UseSqliteStorage(o =>
            {
                o.Path = Path.Combine(directory, "wildduck.db");
                o.Durability = SqliteDurability.Normal;
                sqlite?.Invoke(o);
            })
            .AddTls(o =>
            {
                o.SelfSignedDirectory = directory;
                o.SelfSignedHostname = "localhost";
                o.WatchFiles = false;
                o.ReloadOnSighup = false;
            })
            .AddPop3(o =>
            {
                o.Port = 0;
                o.TlsPort = 0;
                configure?.Invoke(o);
            })
            .AddListener(new ListenerOptions { Name = "pop3-test", Protocol = "pop3", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.StartTls }, static sp => sp.GetPop3Handler())
            .AddListener(new ListenerOptions { Name = "pop3s-test", Protocol = "pop3", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.Implicit }, static sp => sp.GetPop3Handler());
        var server = new Pop3TestServer(directory, services.BuildServiceProvider());
        server.Alice = await server.Users.CreateUserAsync(new CreateUserRequest { Username = User, Password = Password, Address = "alice@example.org" });
        server.Inbox = (await server.Mailboxes.FindMailboxAsync(server.Alice.Id, "INBOX"))!.Id;
        await server._listeners.StartAsync(CancellationToken.None);
        return server;
    }

    /// <summary>Appends <paramref name="content"/> to Alice's INBOX.</summary>
    public Task<AppendResult> AppendAsync(byte[] content) =>
        Messages.AppendAsync(Alice.Id, Inbox, new AppendRequest { Content = content });

    public Task<AppendResult> AppendAsync(string content) => AppendAsync(System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Every message of a mailbox, with flags.</summary>
    public async Task<List<MessageRecord>> ListAsync(MailboxId mailbox)
    {
        var list = new List<MessageRecord>();
        await foreach (var message in Messages.ListMessagesAsync(Alice.Id, mailbox, UidSet.All))
        {
            list.Add(message);
        }

        return list;
    }

    public async Task<MailboxId> TrashAsync() => (await Mailboxes.FindSpecialUseAsync(Alice.Id, SpecialUse.Trash))!.Id;

    /// <summary>A MailKit client connected (plain, STLS or implicit TLS) and optionally logged in.</summary>
    public async Task<Pop3Client> ConnectClientAsync(bool login = true, SecureSocketOptions security = SecureSocketOptions.None)
    {
        var client = new Pop3Client { ServerCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null };
        var port = security == SecureSocketOptions.SslOnConnect ? TlsPort : Port;
        await client.ConnectAsync(IPAddress.Loopback.ToString(), port, security);
        if (login)
        {
            await client.AuthenticateAsync(User, Password);
        }

        return client;
    }

    /// <summary>Stops the listeners the way the host does at shutdown.</summary>
    public Task StopListenersAsync() => _listeners.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _listeners.StopAsync(CancellationToken.None);
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
