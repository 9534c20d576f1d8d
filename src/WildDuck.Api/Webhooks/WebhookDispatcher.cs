// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
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
/// The webhook side of <see cref="IWildDuckEvents"/> (reference §8.7), in two stages.
/// <see cref="Publish"/> only puts the event in an in-memory queue (it must never block or fail the
/// operation that published it); a loop finds the matching webhooks and stores one
/// <see cref="WebhookDelivery"/> per match (<see cref="IWebhookStore.EnqueueWebhookDeliveriesAsync"/>).
/// From then on the delivery is durable: a worker claims due deliveries with a lease, POSTs each
/// as JSON, and completes it, reschedules it with exponential back-off, or gives it up after
/// <see cref="WebhookOptions.MaxAttempts"/>. Any instance sharing the store may post any delivery;
/// the lease keeps two from posting the same one at once, and a delivery whose instance died is
/// posted by another once its lease ends. Only events published but not yet stored (milliseconds)
/// are lost when the process dies.
/// </summary>
internal sealed partial class WebhookDispatcher : IWildDuckEvents, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly Meter Meter = new("WildDuck.Api.Webhooks");
    private static readonly Counter<long> Posts = Meter.CreateCounter<long>("wildduck.webhooks.posts", description: "Webhook POST attempts and events, tagged with result (delivered, failed, dropped, abandoned)");

    private readonly Channel<WildDuckEvent> _events = Channel.CreateUnbounded<WildDuckEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceProvider _services;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;

    /// <summary>Wakes the worker: something was queued here, or a POST slot became free (coalesced).</summary>
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Stops the loops (no more claims); POSTs in flight go on.</summary>
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Aborts POSTs and stores in flight: the host's stop timed out, or the dispatcher is disposed.</summary>
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Due times (UTC ticks) of the retries this instance scheduled, so the worker wakes for them.</summary>
    private readonly PriorityQueue<long, long> _retries = new();
    private readonly HashSet<Task> _posting = new();
    private IWebhookStore? _store;

    /// <summary>Events published and not yet stored; at most QueueCapacity.</summary>
    private int _pending;
    private int _inFlight;
    private int _disposed;
    private Task? _fanOut;
    private Task? _worker;

    /// <remarks>
    /// The webhook store is resolved when first needed, not here: the store itself publishes
    /// events through this dispatcher, so taking it in the constructor would be a cycle.
    /// </remarks>
    public WebhookDispatcher(IOptions<ApiOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger, IServiceProvider services)
    {
        _options = options.Value.Webhooks;
        _time = time;
        _logger = logger;
        _services = services;

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

        if (Interlocked.Increment(ref _pending) > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _pending);
            Posts.Add(1, new KeyValuePair<string, object?>("result", "dropped"));
            LogDropped(_logger, wildDuckEvent.Type, _options.QueueCapacity);
        }
        else if (!_events.Writer.TryWrite(wildDuckEvent))
        {
            // Stopped: the queue takes nothing any more.
            Interlocked.Decrement(ref _pending);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _fanOut ??= Task.Run(FanOutAsync, CancellationToken.None);
        if (_options.Enabled && _options.PostDeliveries)
        {
            _worker ??= Task.Run(() => WorkAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stores the events still in memory, stops claiming, and waits for the POSTs in flight to be
    /// recorded; when <paramref name="cancellationToken"/> (the host's shutdown timeout) fires
    /// first, aborts them: their leases run out and the next instance to claim them posts them.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _events.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_fanOut ?? Task.CompletedTask, _worker ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Idempotent: the container disposes the instance once for each registration that returns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _events.Writer.TryComplete();
        _stopping.Cancel();
        _abort.Cancel();
        _http.Dispose();
    }

    private IWebhookStore? Store() =>
        // A backend without webhook storage: nobody can have subscribed.
        _store ??= (IWebhookStore?)_services.GetService(typeof(IWebhookStore));

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    // ------------------------------------------------------------------ stage 1: events → stored deliveries

    private async Task FanOutAsync()
    {
        // Runs until the queue is completed (stop), so events published before the stop are stored.
        await foreach (var wildDuckEvent in _events.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await EnqueueAsync(wildDuckEvent, _abort.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || _abort.IsCancellationRequested)
            {
                // The store could not list the webhooks or store the deliveries (unavailable, or the
                // stop timed out): this event is lost, the next ones are tried again.
                LogLost(_logger, wildDuckEvent.Type, ex);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private async Task EnqueueAsync(WildDuckEvent wildDuckEvent, CancellationToken cancellationToken)
    {
        if (Store() is not { } store)
        {
            return;
        }

        var webhooks = await store.FindWebhooksAsync(wildDuckEvent.User, cancellationToken).ConfigureAwait(false);
        List<WebhookDelivery>? deliveries = null;
        byte[]? body = null;
        foreach (var webhook in webhooks)
        {
            if (webhook.Matches(wildDuckEvent))
            {
                body ??= Serialize(wildDuckEvent, EntityId.NewId(_time), _time.GetUtcNow());
                (deliveries ??= new()).Add(new WebhookDelivery { Webhook = webhook.Id, Url = webhook.Url, Type = wildDuckEvent.Type, Body = body });
            }
        }

        if (deliveries is not null)
        {
            await store.EnqueueWebhookDeliveriesAsync(deliveries, cancellationToken).ConfigureAwait(false);
            Wake();
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

    // ------------------------------------------------------------------ stage 2: the delivery worker

    /// <summary>
    /// Claims as many due deliveries as there are free POST slots and posts them; sleeps until
    /// woken (a delivery queued here, a slot freed), until the earliest retry scheduled here, or
    /// for <see cref="WebhookOptions.PollInterval"/>. Never polls faster than that while idle.
    /// </summary>
    private async Task WorkAsync(CancellationToken stopping)
    {
        if (Store() is { } store)
        {
            while (!stopping.IsCancellationRequested)
            {
                var free = _options.MaxConcurrentPosts - Volatile.Read(ref _inFlight);
                var claimed = 0;
                if (free > 0)
                {
                    try
                    {
                        var leases = await store.ClaimWebhookDeliveriesAsync(free, _options.LeaseTime, stopping).ConfigureAwait(false);
                        claimed = leases.Count;
                        foreach (var lease in leases)
                        {
                            Interlocked.Increment(ref _inFlight);
                            Track(PostDeliveryAsync(store, lease));
                        }
                    }
                    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (Exception ex)
                    {
                        // The store is unavailable: try again at the next wake-up or poll.
                        LogClaimFailed(_logger, ex);
                    }

                    if (claimed == free)
                    {
                        // Every slot was filled: more may be due. The next round waits for a slot.
                        continue;
                    }
                }

                try
                {
                    await _wake.WaitAsync(NextWait(), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        Task[] running;
        lock (_posting)
        {
            running = [.. _posting];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private void Track(Task post)
    {
        lock (_posting)
        {
            _posting.Add(post);
        }

        _ = post.ContinueWith(
            done =>
            {
                lock (_posting)
                {
                    _posting.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>How long the idle worker sleeps: until the earliest retry scheduled here, at most the poll interval.</summary>
    private TimeSpan NextWait()
    {
        var now = _time.GetUtcNow().UtcTicks;
        lock (_retries)
        {
            var due = false;
            while (_retries.TryPeek(out _, out var at) && at <= now)
            {
                _retries.Dequeue();
                due = true;
            }

            if (due)
            {
                return TimeSpan.Zero;
            }

            return _retries.TryPeek(out _, out var next) && next - now < _options.PollInterval.Ticks
                ? TimeSpan.FromTicks(next - now)
                : _options.PollInterval;
        }
    }

    private async Task PostDeliveryAsync(IWebhookStore store, WebhookDeliveryLease lease)
    {
        var delivery = lease.Delivery;
        var webhook = delivery.Webhook.ToString();
        try
        {
            var failure = await PostAsync(delivery.Url, delivery.Body, _abort.Token).ConfigureAwait(false);
            bool recorded;
            if (failure is null)
            {
                Posts.Add(1, new KeyValuePair<string, object?>("result", "delivered"));
                recorded = await store.CompleteWebhookDeliveryAsync(delivery.Id, lease.Token, _abort.Token).ConfigureAwait(false);
                LogDelivered(_logger, delivery.Type, webhook, delivery.Attempts);
            }
            else if (delivery.Attempts >= _options.MaxAttempts)
            {
                Posts.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                Posts.Add(1, new KeyValuePair<string, object?>("result", "abandoned"));
                recorded = await store.CompleteWebhookDeliveryAsync(delivery.Id, lease.Token, _abort.Token).ConfigureAwait(false);
                LogAbandoned(_logger, delivery.Type, webhook, delivery.Attempts, failure);
            }
            else
            {
                Posts.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                var delay = Backoff(delivery.Attempts);
                var next = _time.GetUtcNow() + delay;
                recorded = await store.RetryWebhookDeliveryAsync(delivery.Id, lease.Token, next, failure, _abort.Token).ConfigureAwait(false);
                if (recorded)
                {
                    lock (_retries)
                    {
                        _retries.Enqueue(next.UtcTicks, next.UtcTicks);
                    }
                }

                LogRetry(_logger, delivery.Type, webhook, delivery.Attempts, failure, delay);
            }

            if (!recorded)
            {
                LogLeaseLost(_logger, delivery.Type, webhook);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and the delivery is claimed again.
        }
        catch (Exception ex)
        {
            // The outcome could not be stored: the lease runs out and the delivery is claimed again.
            LogOutcomeFailed(_logger, delivery.Type, webhook, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Wake();
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
    private async Task<string?> PostAsync(string url, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            using var content = new ReadOnlyMemoryContent(body);
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
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Webhook event {Type} delivered to webhook {Webhook} at attempt {Attempt}.")]
    private static partial void LogDelivered(ILogger logger, string type, string webhook, int attempt);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Webhook event {Type} to webhook {Webhook} failed at attempt {Attempt} ({Failure}); retrying in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string type, string webhook, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Webhook event {Type} to webhook {Webhook} abandoned after {Attempt} attempts ({Failure}).")]
    private static partial void LogAbandoned(ILogger logger, string type, string webhook, int attempt, string failure);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Webhook event {Type} dropped: {Capacity} events are already waiting to be stored (WildDuck:Api:Webhooks:QueueCapacity).")]
    private static partial void LogDropped(ILogger logger, string type, int capacity);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Warning, Message = "Webhook event {Type} lost: its deliveries could not be stored.")]
    private static partial void LogLost(ILogger logger, string type, Exception exception);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Warning, Message = "Webhook deliveries could not be claimed from the store; trying again later.")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6107, Level = LogLevel.Warning, Message = "The outcome of webhook event {Type} to webhook {Webhook} could not be stored; it is posted again when its lease ends.")]
    private static partial void LogOutcomeFailed(ILogger logger, string type, string webhook, Exception exception);

    [LoggerMessage(EventId = 6108, Level = LogLevel.Information, Message = "Webhook event {Type} to webhook {Webhook}: the lease ran out during the POST and another claimer took the delivery.")]
    private static partial void LogLeaseLost(ILogger logger, string type, string webhook);
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
