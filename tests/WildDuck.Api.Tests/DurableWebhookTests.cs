// SPDX-License-Identifier: MIT
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Api.Tests;

/// <summary>
/// Webhook deliveries wait in the store: they survive a restart (a fresh host on the same SQLite
/// file), are retried with exponential back-off and given up after the last attempt.
/// </summary>
public sealed class DurableWebhookTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-api-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "wildduck.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>A started host: the SQLite store on <see cref="DatabasePath"/> and the API's webhook dispatcher (no listener needed).</summary>
    private async Task<IHost> StartHostAsync(Action<WebhookOptions> webhooks, LogEvents? log = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _directory });
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }

        builder.Services
            .AddWildDuck(o => (o.Hostname, o.EmailDomain) = ("mail.example.test", "example.test"))
            .UseSqliteStorage(o => o.Path = DatabasePath)
            .AddApi(o =>
            {
                o.AccessToken = ApiHost.RootToken;
                webhooks(o.Webhooks);
            });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<(UserRecord User, WebhookRecord Webhook)> SubscribeAsync(IHost host, string url)
    {
        var user = await host.Services.GetRequiredService<IUserStore>().CreateUserAsync(new CreateUserRequest { Username = "hooked" + Guid.NewGuid().ToString("N")[..8] });
        var webhook = await host.Services.GetRequiredService<IWebhookStore>().CreateWebhookAsync(new WebhookRecord { Id = EntityId.Empty, Types = new[] { "mailbox.created" }, User = user.Id, Url = url });
        return (user, webhook);
    }

    private long CountStoredDeliveries()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM webhook_deliveries";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_delivery_queued_while_the_receiver_is_down_is_posted_by_the_next_host_on_the_same_store()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        string eventId;
        var first = await StartHostAsync(o => (o.InitialBackoff, o.MaxBackoff, o.MaxAttempts) = (TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), 1000));
        try
        {
            var (user, _) = await SubscribeAsync(first, receiver.Url);
            await first.Services.GetRequiredService<IMailboxStore>().CreateMailboxAsync(user.Id, "Durable");
            var attempt = await receiver.NextAsync();
            attempt.Status.Should().Be(500, "the receiver is down");
            eventId = (string)attempt.Body["id"]!;
        }
        finally
        {
            // The restart: this process's memory is gone; only the store remains.
            await first.StopAsync();
            first.Dispose();
        }

        CountStoredDeliveries().Should().Be(1, "the failed delivery waits in the store for its retry");
        receiver.Recover();
        var second = await StartHostAsync(o => (o.InitialBackoff, o.PollInterval) = (TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100)));
        try
        {
            var delivered = await receiver.NextDeliveredAsync();
            ((string)delivered["id"]!).Should().Be(eventId, "the new host posts the event the old one queued");
            ((string)delivered["ev"]!).Should().Be("mailbox.created");
            ((string)delivered["path"]!).Should().Be("Durable");
        }
        finally
        {
            await second.StopAsync();
            second.Dispose();
        }

        CountStoredDeliveries().Should().Be(0, "a posted delivery is removed");
    }

    [Fact]
    public async Task An_instance_that_only_queues_leaves_the_posting_to_another_instance_on_the_same_store()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var queuing = await StartHostAsync(o => o.PostDeliveries = false);
        var posting = await StartHostAsync(o => o.PollInterval = TimeSpan.FromMilliseconds(100));
        try
        {
            var (user, _) = await SubscribeAsync(queuing, receiver.Url);
            await queuing.Services.GetRequiredService<IMailboxStore>().CreateMailboxAsync(user.Id, "Elsewhere");
            var delivered = await receiver.NextDeliveredAsync();
            ((string)delivered["path"]!).Should().Be("Elsewhere");
        }
        finally
        {
            await queuing.StopAsync();
            await posting.StopAsync();
            queuing.Dispose();
            posting.Dispose();
        }
    }

    [Fact]
    public async Task Failed_attempts_are_retried_after_a_doubling_back_off_and_given_up_after_the_last()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        var log = new LogEvents();
        var initial = TimeSpan.FromMilliseconds(300);
        var host = await StartHostAsync(o => (o.InitialBackoff, o.MaxBackoff, o.MaxAttempts) = (initial, TimeSpan.FromSeconds(10), 3), log);
        try
        {
            var (user, webhook) = await SubscribeAsync(host, receiver.Url);
            await host.Services.GetRequiredService<IMailboxStore>().CreateMailboxAsync(user.Id, "Retried");

            var attempts = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() };
            attempts.Should().OnlyContain(a => a.Status == 500);
            attempts.Select(a => (string)a.Body["id"]!).Distinct().Should().ContainSingle("every attempt posts the same event");

            // Given up after the third: the warning is logged once the delivery is removed.
            var abandoned = await log.NextAsync(6103);
            abandoned.Should().Contain(webhook.Id.ToString()).And.Contain("3 attempts");
            CountStoredDeliveries().Should().Be(0, "a delivery given up is removed, never posted again");
            receiver.NothingMoreReceived.Should().BeTrue();

            // The store hands a retry out no earlier than its back-off: 300 ms after the first
            // failure, 600 ms after the second (lower bounds only; a slow machine only adds).
            var arrivals = receiver.Arrivals;
            arrivals.Should().HaveCount(3);
            Stopwatch.GetElapsedTime(arrivals[0], arrivals[1]).Should().BeGreaterThanOrEqualTo(initial - TimeSpan.FromMilliseconds(5));
            Stopwatch.GetElapsedTime(arrivals[1], arrivals[2]).Should().BeGreaterThanOrEqualTo((2 * initial) - TimeSpan.FromMilliseconds(5));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public void The_delivery_options_default_to_valid_values_and_a_lease_must_outlast_a_post()
    {
        var defaults = new WebhookOptions();
        (defaults.MaxAttempts, defaults.InitialBackoff, defaults.LeaseTime, defaults.PollInterval, defaults.PostDeliveries)
            .Should().Be((5, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), true));
        var validator = new WildDuck.Api.Internal.ApiOptionsValidator();
        validator.Validate(null, new ApiOptions()).Succeeded.Should().BeTrue();

        var options = new ApiOptions();
        options.Webhooks.LeaseTime = options.Webhooks.Timeout;
        validator.Validate(null, options).FailureMessage.Should().Contain("LeaseTime longer than Timeout", "a lease that ends during a POST would let a second instance send it too");
        options = new ApiOptions();
        options.Webhooks.PollInterval = TimeSpan.Zero;
        validator.Validate(null, options).Failed.Should().BeTrue();
    }

    /// <summary>Collects formatted log messages by event id.</summary>
    private sealed class LogEvents : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<int, Channel<string>> _messages = new();

        private Channel<string> Of(int id) => _messages.GetOrAdd(id, static _ => Channel.CreateUnbounded<string>());

        public async Task<string> NextAsync(int eventId)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            return await Of(eventId).Reader.ReadAsync(timeout.Token);
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Of(eventId.Id).Writer.TryWrite(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
