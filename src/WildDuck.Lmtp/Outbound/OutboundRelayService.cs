// SPDX-License-Identifier: MIT
using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Outbound;

/// <summary>
/// Sends what the delivery agent queued (forwards, autoreplies): claims due entries with a lease,
/// sends each to its route, and records delivered, deferred (with backoff) or failed.
/// </summary>
/// <remarks>
/// Several processes sharing one store may each run a relay: the lease keeps them from sending an
/// entry twice, and an entry whose sender died is retried when its lease ends. Retry and give-up
/// times follow RFC 5321 §4.5.4.1 (see <see cref="OutboundRelayOptions"/>). A permanent failure is
/// recorded, not bounced: generating delivery status notifications (RFC 3464) is not implemented.
/// </remarks>
internal sealed partial class OutboundRelayService : BackgroundService
{
    private readonly IOutboundQueue _queue;
    private readonly OutboundRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SmtpRelaySender _smtp;
    private readonly HttpRelaySender _httpSender;
    private readonly OutboundRoute? _smarthost;
    private readonly OutboundWakeup? _wakeup;

    public OutboundRelayService(
        IOutboundQueue queue,
        IOptions<OutboundRelayOptions> options,
        IOptions<WildDuckOptions> wildDuckOptions,
        TimeProvider timeProvider,
        ILogger<OutboundRelayService> logger,
        OutboundWakeup? wakeup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wildDuckOptions);
        _queue = queue;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _wakeup = wakeup;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // A redirect would turn the POST into a bodiless GET (RFC 9110 §15.4) and could point
            // anywhere: a 3xx is an answer (a failure), not something to follow.
            AllowAutoRedirect = false,
        })
        {
            // Each request has its own timeout (CommandTimeout) through a token.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var helo = string.IsNullOrWhiteSpace(_options.HeloName) ? wildDuckOptions.Value.Hostname : _options.HeloName;
        _smtp = new SmtpRelaySender(_options, string.IsNullOrWhiteSpace(helo) ? "localhost" : helo)
        {
            NotExact = id => LogNotExact(_logger, id),
        };
        _httpSender = new HttpRelaySender(_http, _options);
        _smarthost = string.IsNullOrWhiteSpace(_options.Smarthost.Host) ? null : OutboundRoute.FromSmarthost(_options.Smarthost);
    }

    /// <summary>The backoff after <paramref name="attempts"/> failed attempts: base·2^(n−1), capped.</summary>
    internal static TimeSpan Backoff(int attempts, TimeSpan backoffBase, TimeSpan cap)
    {
        var delay = backoffBase;
        for (var i = 1; i < attempts && delay < cap; i++)
        {
            delay += delay;
        }

        return delay < cap ? delay : cap;
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_smarthost is null)
        {
            LogNoSmarthost(_logger);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is unavailable (disk full, locked past busy_timeout): try again later.
                LogQueueFailed(_logger, ex);
                claimed = 0;
            }

            // A full batch means more may be due: go on at once; otherwise wait for the next poll.
            if (claimed < _options.BatchSize)
            {
                try
                {
                    if (_wakeup is null)
                    {
                        await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await _wakeup.WaitAsync(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch and attempts every entry in it; returns how many were claimed.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var leases = await _queue.ClaimDueAsync(
            new OutboundClaimRequest
            {
                MaxEntries = _options.BatchSize,
                LeaseTime = _options.LeaseTime,
                RoutedOnly = _smarthost is null,
            },
            cancellationToken).ConfigureAwait(false);
        if (leases.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(
            leases,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Concurrency) },
            (lease, _) => new ValueTask(AttemptAsync(lease, cancellationToken))).ConfigureAwait(false);
        return leases.Count;
    }

    private async Task AttemptAsync(OutboundLease lease, CancellationToken cancellationToken)
    {
        OutboundRoute? route;
        if (lease.Entry.Route is null)
        {
            route = _smarthost;
        }
        else if (!OutboundRoute.TryParse(lease.Entry.Route, out route))
        {
            await FailAsync(lease, "unknown", "unsupported route " + OutboundRoute.Redact(lease.Entry.Route)).ConfigureAwait(false);
            return;
        }

        if (route is null)
        {
            // Claimed before the smarthost was removed from the configuration: leave it due.
            await DeferAsync(lease, "smarthost", "no smarthost configured", _time.GetUtcNow()).ConfigureAwait(false);
            return;
        }

        RelayOutcome outcome;
        try
        {
            outcome = route.IsHttp
                ? await _httpSender.SendAsync(route, lease, cancellationToken).ConfigureAwait(false)
                : await _smtp.SendAsync(route, lease, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown interrupted the attempt before the server took responsibility: due again
            // at once, for this process after a restart or another one sharing the store.
            await DeferAsync(lease, route.Kind, "interrupted by shutdown", _time.GetUtcNow()).ConfigureAwait(false);
            return;
        }

        switch (outcome.Result)
        {
            case RelayResult.Delivered:
                await DeliveredAsync(lease, route, outcome).ConfigureAwait(false);
                break;
            case RelayResult.Failed:
                await FailAsync(lease, route.Kind, outcome.Reply).ConfigureAwait(false);
                break;
            default:
                await DeferAsync(lease, route.Kind, outcome.Reply, next: null).ConfigureAwait(false);
                break;
        }
    }

    private async Task DeliveredAsync(OutboundLease lease, OutboundRoute route, RelayOutcome outcome)
    {
        var entry = lease.Entry;
        if (outcome.RetryRecipients.Count > 0)
        {
            // The queue holds one row per message; recipients refused temporarily get a row of their
            // own, enqueued before this one is removed, so a crash in between only risks a duplicate.
            await _queue.EnqueueAsync(
                new OutboundMessage
                {
                    ReturnPath = entry.ReturnPath,
                    Recipients = outcome.RetryRecipients,
                    Content = lease.Content,
                    Route = entry.Route,
                    Reason = entry.Reason,
                    User = entry.User,

                    // A greylisting host must not be asked again at the next poll, and the age
                    // limit counts from the original entry (RFC 5321 §4.5.4.1).
                    FirstQueued = entry.Created,
                    PreviousAttempts = entry.Attempts + 1,
                    NotBefore = _time.GetUtcNow() + Backoff(entry.Attempts + 1, _options.BackoffBase, _options.BackoffCap),
                },
                CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var rejected in outcome.RejectedRecipients)
        {
            LogRecipientRejected(_logger, entry.Id, rejected);
        }

        if (await _queue.MarkDeliveredAsync(entry.Id, lease.Token, CancellationToken.None).ConfigureAwait(false))
        {
            OutboundMetrics.Delivered(route.Kind);
            LogDelivered(_logger, entry.Id, entry.Reason, route.Display, outcome.Reply);
        }
        else
        {
            LogLeaseLost(_logger, entry.Id, "delivered");
        }
    }

    private async Task DeferAsync(OutboundLease lease, string routeKind, string error, DateTimeOffset? next)
    {
        var entry = lease.Entry;
        var attempts = entry.Attempts + 1;
        var now = _time.GetUtcNow();
        if (next is null)
        {
            if ((_options.MaxAttempts > 0 && attempts >= _options.MaxAttempts) || now - entry.Created >= _options.MaxAge)
            {
                await FailAsync(lease, routeKind, "gave up after " + attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) + " attempts: " + error).ConfigureAwait(false);
                return;
            }

            next = now + Backoff(attempts, _options.BackoffBase, _options.BackoffCap);
        }

        if (await _queue.MarkDeferredAsync(entry.Id, lease.Token, next.Value, error, CancellationToken.None).ConfigureAwait(false))
        {
            OutboundMetrics.Deferred(routeKind);
            LogDeferred(_logger, entry.Id, attempts, next.Value, error);
        }
        else
        {
            LogLeaseLost(_logger, entry.Id, "deferred");
        }
    }

    private async Task FailAsync(OutboundLease lease, string routeKind, string error)
    {
        if (await _queue.MarkFailedAsync(lease.Entry.Id, lease.Token, error, CancellationToken.None).ConfigureAwait(false))
        {
            OutboundMetrics.Failed(routeKind);
            LogFailed(_logger, lease.Entry.Id, lease.Entry.Attempts + 1, error);
        }
        else
        {
            LogLeaseLost(_logger, lease.Entry.Id, "failed");
        }
    }

    // Event ids 5800–5899 belong to the outbound relay; highest used: 5807.
    [LoggerMessage(EventId = 5800, Level = LogLevel.Information, Message = "No smarthost is configured (WildDuck:Outbound:Smarthost:Host): mail without a route stays in the outbound queue.")]
    private static partial void LogNoSmarthost(ILogger logger);

    [LoggerMessage(EventId = 5801, Level = LogLevel.Information, Message = "Relayed {Id} ({Reason}) to {Route}: {Reply}")]
    private static partial void LogDelivered(ILogger logger, EntityId id, string reason, string route, string reply);

    [LoggerMessage(EventId = 5802, Level = LogLevel.Warning, Message = "Deferred {Id} after attempt {Attempts}, next attempt at {Next:o}: {Error}")]
    private static partial void LogDeferred(ILogger logger, EntityId id, int attempts, DateTimeOffset next, string error);

    [LoggerMessage(EventId = 5803, Level = LogLevel.Warning, Message = "Failed {Id} permanently after {Attempts} attempts (no bounce is sent): {Error}")]
    private static partial void LogFailed(ILogger logger, EntityId id, int attempts, string error);

    [LoggerMessage(EventId = 5804, Level = LogLevel.Error, Message = "Reading the outbound queue failed; retrying at the next poll.")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5805, Level = LogLevel.Warning, Message = "The lease of {Id} was lost before its outcome ({Outcome}) was recorded: an operator deleted or another sender reclaimed it.")]
    private static partial void LogLeaseLost(ILogger logger, EntityId id, string outcome);

    [LoggerMessage(EventId = 5806, Level = LogLevel.Warning, Message = "Queue entry {Id}: recipient {Recipient} was refused permanently; it is dropped (no bounce is sent).")]
    private static partial void LogRecipientRejected(ILogger logger, EntityId id, string recipient);

    [LoggerMessage(EventId = 5807, Level = LogLevel.Warning, Message = "Queue entry {Id}: the header block will not go out byte for byte (MimeKit rewrites it); sending anyway.")]
    private static partial void LogNotExact(ILogger logger, EntityId id);
}
