// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics.Metrics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Api.Webhooks;

/// <summary>
/// The webhook side of <see cref="IWildDuckEvents"/> (reference §8.7): <see cref="Publish"/> only
/// queues the event in memory; a background loop finds the matching webhooks and POSTs the event as
/// JSON to each, retrying failures (non-2xx, timeouts, connection errors) with exponential back-off
/// up to <see cref="WebhookOptions.MaxAttempts"/>. Nothing here can block or fail the operation that
/// published the event. The queue lives in this process: events still waiting when it stops are
/// lost (WildDuck's Redis queue survives restarts; docs/api.md says so).
/// </summary>
internal sealed partial class WebhookDispatcher : IWildDuckEvents, IHostedService, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly Meter Meter = new("WildDuck.Api.Webhooks");
    private static readonly Counter<long> Posts = Meter.CreateCounter<long>("wildduck.webhooks.posts", description: "Webhook POST attempts, tagged with result (delivered, failed, dropped, abandoned)");

    private readonly Channel<WildDuckEvent> _queue = Channel.CreateUnbounded<WildDuckEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceProvider _services;
    private IWebhookStore? _store;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _posts;
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>Events and deliveries not finished yet (queued, posting, or waiting for a retry); at most QueueCapacity.</summary>
    private int _pending;
    private int _disposed;
    private Task? _loop;

    /// <remarks>
    /// The webhook store is resolved at the first event, not here: the store itself publishes
    /// events through this dispatcher, so taking it in the constructor would be a cycle.
    /// </remarks>
    public WebhookDispatcher(IOptions<ApiOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger, IServiceProvider services)
    {
        _options = options.Value.Webhooks;
        _time = time;
        _logger = logger;
        _services = services;
        _posts = new SemaphoreSlim(_options.MaxConcurrentPosts);

        // No redirects: a receiver must not be able to bounce events (and their user ids) elsewhere.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("WildDuck.Core-Webhooks");
    }

    /// <inheritdoc />
    public void Publish(WildDuckEvent wildDuckEvent)
    {
        ArgumentNullException.ThrowIfNull(wildDuckEvent);
        if (!_options.Enabled)
        {
            return;
        }

        if (!TryReserve())
        {
            Posts.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("result", "dropped"));
            LogDropped(_logger, wildDuckEvent.Type, _options.QueueCapacity);
        }
        else if (!_queue.Writer.TryWrite(wildDuckEvent))
        {
            // Stopped: the queue takes nothing any more.
            Interlocked.Decrement(ref _pending);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Idempotent: the container disposes the instance once for each registration that returns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
        _http.Dispose();
        _posts.Dispose();
    }

    private bool TryReserve()
    {
        if (Interlocked.Increment(ref _pending) <= _options.QueueCapacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var wildDuckEvent in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await FanOutAsync(wildDuckEvent, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store could not list the webhooks (unavailable): this event is lost, the
                    // next ones are tried again.
                    LogLookupFailed(_logger, wildDuckEvent.Type, ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task FanOutAsync(WildDuckEvent wildDuckEvent, CancellationToken cancellationToken)
    {
        // A backend without webhook storage: nobody can have subscribed.
        _store ??= (IWebhookStore?)_services.GetService(typeof(IWebhookStore));
        if (_store is null)
        {
            return;
        }

        var webhooks = await _store.FindWebhooksAsync(wildDuckEvent.User, cancellationToken).ConfigureAwait(false);
        byte[]? body = null;
        foreach (var webhook in webhooks)
        {
            if (!webhook.Matches(wildDuckEvent))
            {
                continue;
            }

            body ??= Serialize(wildDuckEvent, EntityId.NewId(_time), _time.GetUtcNow());
            if (!TryReserve())
            {
                Posts.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("result", "dropped"));
                LogDropped(_logger, wildDuckEvent.Type, _options.QueueCapacity);
                continue;
            }

            _ = DeliverAsync(webhook, wildDuckEvent.Type, body, cancellationToken);
        }
    }

    /// <summary>
    /// The POST body: <c>{id, ev, user, time, …fields}</c> — WildDuck's event object (<c>ev</c> is the
    /// name) plus <c>time</c> in ms; <c>id</c> is the same for every attempt, so a receiver can drop
    /// a retry it already processed.
    /// </summary>
    internal static byte[] Serialize(WildDuckEvent wildDuckEvent, EntityId id, DateTimeOffset time)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id.ToString());
            json.WriteString("ev", wildDuckEvent.Type);
            if (wildDuckEvent.User is { } user)
            {
                json.WriteString("user", user.ToString());
            }
            else
            {
                json.WriteNull("user");
            }

            json.WriteNumber("time", time.ToUnixTimeMilliseconds());
            foreach (var (name, value) in wildDuckEvent.Data)
            {
                if (name is not ("id" or "ev" or "user" or "time"))
                {
                    json.WriteString(name, value);
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task DeliverAsync(WebhookRecord webhook, string type, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var failure = await PostAsync(webhook.Url, body, cancellationToken).ConfigureAwait(false);
                if (failure is null)
                {
                    Posts.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("result", "delivered"));
                    LogDelivered(_logger, type, webhook.Id.ToString(), attempt);
                    return;
                }

                Posts.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("result", "failed"));
                if (attempt >= _options.MaxAttempts)
                {
                    Posts.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("result", "abandoned"));
                    LogAbandoned(_logger, type, webhook.Id.ToString(), attempt, failure);
                    return;
                }

                var delay = Backoff(attempt);
                LogRetry(_logger, type, webhook.Id.ToString(), attempt, failure, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: InitialBackoff × 2^(attempt−1), at most MaxBackoff.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(_options.InitialBackoff.Ticks * factor, _options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>One POST; null when the receiver answered 2xx, else why not.</summary>
    private async Task<string?> PostAsync(string url, byte[] body, CancellationToken cancellationToken)
    {
        await _posts.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var response = await _http.PostAsync(new Uri(url), content, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : "HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timed out";
        }
        catch (HttpRequestException ex)
        {
            return ex.HttpRequestError.ToString();
        }
        finally
        {
            _posts.Release();
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Webhook event {Type} delivered to webhook {Webhook} at attempt {Attempt}.")]
    private static partial void LogDelivered(ILogger logger, string type, string webhook, int attempt);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Webhook event {Type} to webhook {Webhook} failed at attempt {Attempt} ({Failure}); retrying in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string type, string webhook, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Webhook event {Type} to webhook {Webhook} abandoned after {Attempt} attempts ({Failure}).")]
    private static partial void LogAbandoned(ILogger logger, string type, string webhook, int attempt, string failure);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Webhook event {Type} dropped: {Capacity} events and deliveries are already waiting (WildDuck:Api:Webhooks:QueueCapacity).")]
    private static partial void LogDropped(ILogger logger, string type, int capacity);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Warning, Message = "Webhook event {Type} lost: the webhooks could not be read from the store.")]
    private static partial void LogLookupFailed(ILogger logger, string type, Exception exception);
}

/// <summary>
/// Starts and stops the dispatcher with the host. A separate type so that
/// <c>TryAddEnumerable</c> can register it once however often <c>AddApi</c> is called.
/// </summary>
internal sealed class WebhookDispatcherHost(WebhookDispatcher dispatcher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => dispatcher.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => dispatcher.StopAsync(cancellationToken);
}
