// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WildDuck.Api;
using WildDuck.Api.Internal;
using WildDuck.Hosting;
using WildDuck.Imap;
using WildDuck.Storage.Sqlite;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>
/// Two instances in one test process — two generic hosts, each with its own service provider, on
/// one SQLite file and one real Redis — behave as one server for what the API decides per user:
/// a forced logout asked of A closes the user's IMAP session on B, and the daily submission
/// recipient limit counts the recipients submitted through both.
/// </summary>
public sealed class CrossInstanceApiTests : IAsyncLifetime
{
    private const string RootToken = "cross-instance-root-token-0123456789";
    private const string Password = "correct horse battery";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N"));
    private RedisServer? _redis;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
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

    [SkippableFact]
    public async Task A_logout_requested_on_one_instance_closes_the_users_IMAP_session_on_the_other()
    {
        _redis = await RedisServer.StartNewAsync();
        await using var a = await Instance.StartAsync(_directory, _redis.Configuration);
        await using var b = await Instance.StartAsync(_directory, _redis.Configuration);
        var user = await a.CreateUserAsync("alice");

        using var imap = new ImapClient();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        imap.Disconnected += (_, _) => closed.TrySetResult();
        var endPoint = b.ImapEndPoint;
        await imap.ConnectAsync(endPoint.Address.ToString(), endPoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync("alice", Password);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);

        // B's session reads in IDLE, so it sees the server's BYE and the close as they come.
        using var done = new CancellationTokenSource();
        var idle = imap.IdleAsync(done.Token);

        // Both instances listen on the logout channel before A publishes.
        await _redis.WaitForSubscribersAsync("wd:logout", 2);
        using var response = await a.Http.PutAsJsonAsync("/users/" + user + "/logout", new { reason = "Security check" });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((int)body["sessions"]!).Should().Be(0, "A itself holds no session of alice; B's is told through Redis");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await closed.Task.WaitAsync(timeout.Token);
        imap.IsConnected.Should().BeFalse("B closed the session");
        var ended = async () => await idle;
        await ended.Should().ThrowAsync<Exception>("the IDLE ended by the server's BYE and close, not by the client");
    }

    [SkippableFact]
    public async Task The_daily_submission_recipient_limit_counts_the_submissions_of_both_instances()
    {
        _redis = await RedisServer.StartNewAsync();
        await using var a = await Instance.StartAsync(_directory, _redis.Configuration, o => o.MaxRecipientsPerDay = 3);
        await using var b = await Instance.StartAsync(_directory, _redis.Configuration, o => o.MaxRecipientsPerDay = 3);
        var user = await a.CreateUserAsync("bob");
        var path = "/users/" + user + "/submit";

        (await a.SubmitAsync(path, "one@example.com", "two@example.com")).Should().Be(HttpStatusCode.OK);
        var refused = await b.Http.PostAsJsonAsync(path, Message("three@example.com", "four@example.com"));
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden, "A's two recipients count on B: 2 + 2 passes the limit of 3");
        ((string)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["code"]!).Should().Be("RateLimitedError");
        (await b.SubmitAsync(path, "three@example.com")).Should().Be(HttpStatusCode.OK, "the refused request counted nothing");
        (await a.SubmitAsync(path, "five@example.com")).Should().Be(HttpStatusCode.Forbidden, "B's recipient counts on A");

        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        ((long)await admin.GetDatabase().StringGetAsync("wd:rcpt:" + user)).Should().Be(3);
        (await admin.GetDatabase().KeyExistsAsync("wd:fwd:" + user)).Should().BeFalse("submissions do not count as forwards");
    }

    private static JsonObject Message(params string[] to) => new()
    {
        ["to"] = new JsonArray(to.Select(address => (JsonNode)new JsonObject { ["address"] = address }).ToArray()),
        ["text"] = "hello",
    };

    /// <summary>One instance: a generic host with the store, Redis, IMAP on a loopback port and the API on another.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly IHost _host;

        private Instance(IHost host)
        {
            _host = host;
            Http = new HttpClient { BaseAddress = new Uri(host.Services.GetRequiredService<ApiServer>().Addresses.Single()) };
            Http.DefaultRequestHeaders.Add("X-Access-Token", RootToken);
        }

        public HttpClient Http { get; }

        public IPEndPoint ImapEndPoint => _host.Services.GetRequiredService<ListenerHostedService>().GetBoundEndPoint("imap-t")!;

        public static async Task<Instance> StartAsync(string directory, string redis, Action<ApiOptions>? api = null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = directory });
            builder.Logging.ClearProviders();
            builder.Services
                .AddWildDuck(o =>
                {
                    o.Hostname = "mail.example.test";
                    o.EmailDomain = "example.test";
                    o.Security.AllowInsecureAuth = true;
                })
                .UseSqliteStorage(o => o.Path = Path.Combine(directory, "wildduck.db"))
                .UseRedis(o => o.Configuration = redis)
                .AddImap(o => (o.Port, o.TlsPort) = (0, 0))
                .AddListener(new ListenerOptions { Name = "imap-t", Protocol = "imap", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, static sp => sp.GetImapHandler())
                .AddApiServer(o =>
                {
                    o.AccessToken = RootToken;
                    o.Port = 0;
                    api?.Invoke(o);
                });
            var host = builder.Build();
            await host.StartAsync();
            return new Instance(host);
        }

        public async Task<string> CreateUserAsync(string name)
        {
            using var response = await Http.PostAsJsonAsync("/users", new { username = name, password = Password });
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            return (string)body["id"]!;
        }

        public async Task<HttpStatusCode> SubmitAsync(string path, params string[] to)
        {
            using var response = await Http.PostAsJsonAsync(path, Message(to));
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
