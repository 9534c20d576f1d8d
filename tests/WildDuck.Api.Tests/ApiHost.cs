// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Api.Tests;

/// <summary>
/// The API served for real: a generic host with the SQLite store in a temp directory and the API
/// on Kestrel at a loopback ephemeral port (AddApiServer, as the sample host), driven by HttpClient.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    public const string RootToken = "test-root-token-0123456789abcdef";
    public const string WebmailToken = "test-webmail-token-0123456789abcdef";
    public const int MaxJsonBodySize = 64 * 1024;
    public const int MaxUploadSize = 256 * 1024;
    public const string Password = "correct horse battery";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-api-tests", Guid.NewGuid().ToString("N"));
    private IHost? _host;
    private int _counter;

    public HttpClient Client { get; } = new();

    public IServiceProvider Services => _host!.Services;

    /// <summary>The SQLite file, for a second process-like host on the same store.</summary>
    public string DatabasePath => Path.Combine(_directory, "wildduck.db");

    public IUserStore Users => Services.GetRequiredService<IUserStore>();

    public IMailboxStore Mailboxes => Services.GetRequiredService<IMailboxStore>();

    public IMessageStore Messages => Services.GetRequiredService<IMessageStore>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _directory });
        builder.Logging.ClearProviders();
        builder.Services
            .AddWildDuck(o =>
            {
                o.Hostname = "mail.example.test";
                o.EmailDomain = "example.test";
            })
            .UseSqliteStorage(o => o.Path = DatabasePath)
            .AddApiServer(o =>
            {
                o.AccessToken = RootToken;
                o.WebmailAccessToken = WebmailToken;
                o.Port = 0;
                o.MaxJsonBodySize = MaxJsonBodySize;
                o.MaxUploadSize = MaxUploadSize;
                o.MaxPageSize = 50;
            });
        ConfigureServices(builder.Services);
        _host = builder.Build();
        await _host.StartAsync();
        var address = _host.Services.GetRequiredService<ApiServer>().Addresses.Single();
        Client.BaseAddress = new Uri(address);
    }

    /// <summary>Lets a derived fixture replace services after the defaults are registered.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A username not used before in this host.</summary>
    public string NewName(string prefix) => prefix + System.Threading.Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = RootToken, JsonObject? json = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Add("X-Access-Token", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        }
        else if (content is not null)
        {
            request.Content = content;
        }

        return await Client.SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> CallAsync(HttpMethod method, string path, string? token = RootToken, JsonObject? json = null, HttpContent? content = null)
    {
        using var response = await SendAsync(method, path, token, json, content);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject();
        return (response.StatusCode, body);
    }

    /// <summary>Creates a user through the API (root) and returns it from the store.</summary>
    public async Task<UserRecord> CreateUserAsync(string? name = null, string password = Password)
    {
        name ??= NewName("user");
        var (status, body) = await CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = name, ["password"] = password });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        UserId.TryParse((string?)body["id"], out var id).Should().BeTrue();
        return (await Users.GetUserAsync(id))!;
    }

    /// <summary>Registers a webhook through POST /webhooks (root) and returns its id.</summary>
    public async Task<string> SubscribeWebhookAsync(string url, string? user, params string[] types)
    {
        var body = new JsonObject { ["type"] = new JsonArray(types.Select(t => (JsonNode)t).ToArray()), ["url"] = url };
        if (user is not null)
        {
            body["user"] = user;
        }

        var (status, created) = await CallAsync(HttpMethod.Post, "/webhooks", json: body);
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        return (string)created["id"]!;
    }

    /// <summary>Logs in through POST /authenticate and returns the user token.</summary>
    public async Task<string> LoginAsync(UserRecord user, string password = Password)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = password, ["token"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return (string)body["token"]!;
    }

    public async Task<MailboxRecord> InboxAsync(UserRecord user) => (await Mailboxes.FindMailboxAsync(user.Id, "INBOX"))!;

    /// <summary>The stored bytes of a message.</summary>
    public async Task<byte[]> StoredBytesAsync(UserRecord user, MailboxId mailbox, uint uid)
    {
        using var content = (await Messages.OpenContentAsync(user.Id, mailbox, uid))!;
        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, 0, content.Size, System.Threading.CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>Delivers a message through the real store (as LMTP does).</summary>
    public async Task<AppendResult> DeliverAsync(UserRecord user, byte[] message, string mailbox = "INBOX", MessageFlags flags = MessageFlags.None)
    {
        var target = (await Mailboxes.FindMailboxAsync(user.Id, mailbox))!;
        return await Messages.AppendAsync(user.Id, target.Id, new AppendRequest { Content = message, Flags = flags, Source = "LMTP" });
    }

    /// <summary>Delivers <paramref name="count"/> simple messages to INBOX, subjects <paramref name="subject"/> + 0, 1, …; their UIDs in order.</summary>
    public async Task<List<uint>> DeliverManyAsync(UserRecord user, string subject, int count)
    {
        var uids = new List<uint>();
        for (int i = 0; i < count; i++)
        {
            uids.Add((await DeliverAsync(user, TestMessages.Simple(subject + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Uid);
        }

        return uids;
    }
}

/// <summary>Well-known header values.</summary>
internal static class MediaTypes
{
    public static MediaTypeHeaderValue Rfc822 { get; } = new("message/rfc822");
}
