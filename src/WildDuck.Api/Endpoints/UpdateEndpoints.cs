// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// <c>GET /users/:user/updates</c>: the user's journal as server-sent events (reference §8.6), for
/// webmail clients using <c>EventSource</c>. Replays from <c>Last-Event-ID</c>, then follows the
/// change notifier (the same wake-ups as IMAP IDLE, so other processes' changes arrive through
/// Redis or the SQLite journal watcher as they do for IMAP).
/// </summary>
internal static class UpdateEndpoints
{
    /// <summary>The header (and query parameter, as WildDuck) an EventSource sends on reconnect.</summary>
    public const string LastEventId = "Last-Event-ID";

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/updates", "getUpdates", "Updates", "Streams the user's mailbox changes as server-sent events (EventSource)", RouteAccess.UserData, StreamAsync)
        {
            Query = new FieldSpec[]
            {
                new(LastEventId, FieldType.Integer, "Replay the changes after this event id (the Last-Event-ID header, which EventSource sends on reconnect, takes precedence); without either the stream starts with the next change") { Min = 0 },
            },
            Produces = "text/event-stream",
        };
    }

    private static async Task StreamAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        long? resumeAfter = ResumePoint(call);
        var services = call.Services;
        var http = call.Http;

        // Ends on client disconnect and when the host stops (Kestrel waits for open requests on a
        // graceful stop, and this one never ends by itself).
        var lifetime = http.RequestServices.GetService<IHostApplicationLifetime>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(call.Aborted, lifetime?.ApplicationStopping ?? CancellationToken.None);

        // Subscribe before the first read, so that a change committed between the read and the wait
        // still wakes the stream. One pending wake-up is enough: each wake-up reads everything new.
        var wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        using var subscription = services.Notifier.Subscribe(user.Id, () => wakeUps.Writer.TryWrite(true));

        try
        {
            long last = resumeAfter ?? await services.Journal.GetLatestUserIdAsync(user.Id, stop.Token).ConfigureAwait(false);
            var stream = new EventWriter(http.Response, services);
            await stream.StartAsync(stop.Token).ConfigureAwait(false);
            Task<bool>? wake = null;
            while (true)
            {
                wakeUps.Reader.TryRead(out _);
                last = await stream.WriteChangesAsync(user.Id, last, stop.Token).ConfigureAwait(false);

                wake ??= wakeUps.Reader.WaitToReadAsync(stop.Token).AsTask();
                var due = stream.KeepAliveDue;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
                {
                    var tick = Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, services.Time, idle.Token);
                    var first = await Task.WhenAny(wake, tick).ConfigureAwait(false);
                    await idle.CancelAsync().ConfigureAwait(false);
                    stop.Token.ThrowIfCancellationRequested();
                    if (first == wake)
                    {
                        wake = null;
                        continue;
                    }
                }

                if (stream.KeepAliveDue > TimeSpan.Zero)
                {
                    continue;
                }

                // A stream outlives its token's checks otherwise: a revoked or expired user token,
                // a password change or a suspension ends it at the next keep-alive.
                if (call.Caller.Role == ApiRole.User && !await StillValidAsync(call, stop.Token).ConfigureAwait(false))
                {
                    return;
                }

                await stream.KeepAliveAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away or the host is stopping: the response simply ends.
        }
    }

    /// <summary>The event id to resume after: the header first (EventSource's reconnect), then the query parameter.</summary>
    private static long? ResumePoint(ApiCall call)
    {
        var header = call.Http.Request.Headers[LastEventId];
        if (header.Count == 0)
        {
            return call.Input.Integer(LastEventId);
        }

        if (header.Count > 1 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw ApiException.Validation(LastEventId, "must be an event id (a non-negative integer)");
        }

        return id;
    }

    private static async Task<bool> StillValidAsync(ApiCall call, CancellationToken cancellationToken)
    {
        try
        {
            var caller = await AccessTokens.AuthenticateAsync(call.Http.Request, call.Services, cancellationToken).ConfigureAwait(false);
            return caller.Role == ApiRole.User && caller.User == call.Caller.User;
        }
        catch (ApiException)
        {
            return false;
        }
    }

    /// <summary>Writes events in the text/event-stream format (HTML Living Standard §9.2) and remembers when it last wrote.</summary>
    private sealed class EventWriter(HttpResponse response, ApiServices services)
    {
        private readonly Dictionary<MailboxId, (long Total, long Unseen)> _counters = new();
        private long _lastWrite;
        private long _idling;

        /// <summary>How long until a keep-alive comment is due (zero or less: now).</summary>
        public TimeSpan KeepAliveDue => services.Options.UpdatesKeepAliveInterval - services.Time.GetElapsedTime(_lastWrite);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            // The headers go out now, so the client sees the stream open before the first change.
            await WriteAsync(": connected\n\n", cancellationToken).ConfigureAwait(false);
        }

        public Task KeepAliveAsync(CancellationToken cancellationToken) =>
            WriteAsync(": idling " + (++_idling).ToString(CultureInfo.InvariantCulture) + "\n\n", cancellationToken);

        /// <summary>
        /// Writes every journal entry after <paramref name="after"/>, then one COUNTERS event per
        /// mailbox whose counts those entries may have changed; returns the last id written.
        /// </summary>
        public async Task<long> WriteChangesAsync(UserId user, long after, CancellationToken cancellationToken)
        {
            var touched = new List<MailboxId>();
            var text = new StringBuilder();
            while (true)
            {
                var page = await services.Journal.ReadUserAsync(user, after, services.Options.MaxPageSize, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                text.Clear();
                foreach (var entry in page)
                {
                    Append(text, entry.Id, Describe(entry));
                    if (entry.Command is JournalCommand.Exists or JournalCommand.Expunge or JournalCommand.Fetch && !touched.Contains(entry.Mailbox))
                    {
                        touched.Add(entry.Mailbox);
                    }

                    if (entry.Command == JournalCommand.Delete)
                    {
                        _counters.Remove(entry.Mailbox);
                    }
                }

                await WriteAsync(text.ToString(), cancellationToken).ConfigureAwait(false);
                after = page[^1].Id;
            }

            if (touched.Count > 0)
            {
                await WriteCountersAsync(user, touched, cancellationToken).ConfigureAwait(false);
            }

            return after;
        }

        /// <summary>
        /// COUNTERS events (no id: they are not journal entries, so the client's Last-Event-ID stays
        /// on the last change). As in WildDuck, from the mailbox's counters, never a recount; a
        /// mailbox whose counts are what this stream last sent is left out (a flag change other than
        /// \Seen changes neither).
        /// </summary>
        private async Task WriteCountersAsync(UserId user, List<MailboxId> touched, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            foreach (var id in touched)
            {
                var mailbox = await services.Mailboxes.GetMailboxAsync(user, id, cancellationToken).ConfigureAwait(false);
                if (mailbox is null)
                {
                    continue;
                }

                var counts = (mailbox.MessageCount, mailbox.UnseenCount);
                if (_counters.TryGetValue(id, out var sent) && sent == counts)
                {
                    continue;
                }

                _counters[id] = counts;
                Append(text, null, new JsonObject
                {
                    ["command"] = "COUNTERS",
                    ["mailbox"] = id.ToString(),
                    ["total"] = mailbox.MessageCount,
                    ["unseen"] = mailbox.UnseenCount,
                });
            }

            if (text.Length > 0)
            {
                await WriteAsync(text.ToString(), cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>An entry as WildDuck sends it: its command and mailbox, and what the command changed.</summary>
        private static JsonObject Describe(JournalEntry entry)
        {
            var body = new JsonObject
            {
                ["command"] = entry.Command.ToString().ToUpperInvariant(),
                ["mailbox"] = entry.Mailbox.ToString(),
            };
            if (entry.Command is JournalCommand.Exists or JournalCommand.Expunge or JournalCommand.Fetch)
            {
                body["message"] = entry.Message?.ToString();
                body["uid"] = entry.Uid;
            }

            if (entry.Command is JournalCommand.Exists or JournalCommand.Fetch)
            {
                var flags = new List<string>(Flags.Names(entry.Flags));
                flags.AddRange(entry.Keywords);
                body["flags"] = ApiJson.Strings(flags);
            }

            if (entry.Path is { } path)
            {
                body["path"] = path;
            }

            return body;
        }

        private static void Append(StringBuilder text, long? id, JsonObject data)
        {
            if (id is { } value)
            {
                text.Append("id: ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            // Compact JSON has no line breaks (strings escape them), so one data line per event.
            text.Append("data: ").Append(data.ToJsonString()).Append("\n\n");
        }

        private async Task WriteAsync(string text, CancellationToken cancellationToken)
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            _lastWrite = services.Time.GetTimestamp();
        }
    }
}
