// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Hosting;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Lmtp.Tests;

/// <summary>
/// The LMTP engine on a real socket (127.0.0.1, ephemeral port) over the embedded SQLite store in a
/// temp directory. Users: alice@example.org, bob@example.org, carol@example.org (disabled).
/// </summary>
public sealed class LmtpTestServer : IAsyncDisposable
{
    public const string Hostname = "lmtp.test";

    private readonly string _directory;
    private readonly ServiceProvider _services;
    private readonly ListenerHostedService _listeners;

    private LmtpTestServer(string directory, ServiceProvider services)
    {
        _directory = directory;
        _services = services;
        _listeners = services.GetRequiredService<ListenerHostedService>();
    }

    public IServiceProvider Services => _services;

    public IUserStore Users => _services.GetRequiredService<IUserStore>();

    public IMailboxStore Mailboxes => _services.GetRequiredService<IMailboxStore>();

    public IMessageStore Messages => _services.GetRequiredService<IMessageStore>();

    public UserRecord Alice { get; private set; } = null!;

    public UserRecord Bob { get; private set; } = null!;

    public IPEndPoint EndPoint { get; private set; } = null!;

    /// <summary>Connections the listener is serving now.</summary>
    public int ActiveConnections => _listeners.ActiveConnections;

    public string DatabasePath => Path.Combine(_directory, "wildduck.db");

    public static async Task<LmtpTestServer> StartAsync(Action<LmtpOptions>? configure = null, Action<SqliteStorageOptions>? sqlite = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wildduck-lmtp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddWildDuck(o => o.Hostname = Hostname)
            .UseSqliteStorage(o =>
            {
                o.Path = Path.Combine(directory, "wildduck.db");
                o.Durability = SqliteDurability.Normal;
                sqlite?.Invoke(o);
            })
            .AddLmtp(o =>
            {
                // No listener of its own: the test listener below binds an ephemeral port.
                o.Port = 0;
                configure?.Invoke(o);
            });
        builder.AddListener(
            new ListenerOptions { Name = "lmtp-test", Protocol = "lmtp", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None },
            static sp => sp.GetLmtpHandler());
        var server = new LmtpTestServer(directory, services.BuildServiceProvider());
        server.Alice = await server.Users.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "alice-password", Address = "alice@example.org" });
        server.Bob = await server.Users.CreateUserAsync(new CreateUserRequest { Username = "bob", Password = "bob-password", Address = "bob@example.org" });
        var carol = await server.Users.CreateUserAsync(new CreateUserRequest { Username = "carol", Password = "carol-password", Address = "carol@example.org" });
        await server.Users.UpdateUserAsync(carol.Id, new UserUpdate { Disabled = true });
        await server._listeners.StartAsync(default);
        server.EndPoint = server._listeners.GetBoundEndPoint("lmtp-test")!;
        return server;
    }

    public Task<LmtpClient> ConnectAsync() => LmtpClient.ConnectAsync(EndPoint);

    /// <summary>Runs a session over an in-memory connection (for STARTTLS, which needs a certificate).</summary>
    public (Stream Client, Task Session) ConnectInMemory(TlsMode mode, X509Certificate2? certificate, CancellationToken serverStopping = default)
    {
        var (server, client) = InMemoryConnection.Create(mode, certificate);
        var handler = _services.GetLmtpHandler();
        var session = Task.Run(async () =>
        {
            await using (server)
            {
                await handler.RunAsync(server, serverStopping);
            }
        }, CancellationToken.None);
        return (client, session);
    }

    /// <summary>The INBOX messages of <paramref name="user"/>, raw, in UID order.</summary>
    public async Task<IReadOnlyList<byte[]>> InboxAsync(UserRecord user)
    {
        var inbox = await Mailboxes.FindMailboxAsync(user.Id, "INBOX");
        var result = new List<byte[]>();
        var uids = new List<uint>();
        await foreach (var message in Messages.ListMessagesAsync(user.Id, inbox!.Id, UidSet.All))
        {
            uids.Add(message.Uid);
        }

        foreach (var uid in uids)
        {
            using var content = await Messages.OpenContentAsync(user.Id, inbox.Id, uid);
            using var stream = new MemoryStream();
            await content!.WriteToAsync(stream, 0, content.Size);
            result.Add(stream.ToArray());
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _listeners.StopAsync(default);
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
