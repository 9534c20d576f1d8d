// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Server;

/// <summary><c>queue list|show|delete|retry</c>: the outbound queue (docs/outbound.md).</summary>
internal static partial class AdminCli
{
    private static async Task<int> QueueAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var queue = services.GetRequiredService<IOutboundQueue>();
        switch (args)
        {
            case ["queue", "list", .. var rest]:
                return await QueueListAsync(services, queue, rest, output, error, cancellationToken).ConfigureAwait(false);
            case ["queue", "show", var id]:
                var item = await queue.GetEntryAsync(QueueId(id), cancellationToken).ConfigureAwait(false);
                if (item is null)
                {
                    return await NoSuchEntryAsync(error, id).ConfigureAwait(false);
                }

                await WriteEntryAsync(item.Entry, output).ConfigureAwait(false);
                await output.WriteLineAsync().ConfigureAwait(false);
                // The message as it will be sent; stored mail is CRLF, the console wants its own newlines.
                await output.WriteAsync(Encoding.UTF8.GetString(item.Content.Span).Replace("\r\n", Environment.NewLine, StringComparison.Ordinal)).ConfigureAwait(false);
                return Ok;
            case ["queue", "delete", var id]:
                if (!await queue.DeleteEntryAsync(QueueId(id), cancellationToken).ConfigureAwait(false))
                {
                    return await NoSuchEntryAsync(error, id).ConfigureAwait(false);
                }

                await output.WriteLineAsync("deleted queue entry " + id).ConfigureAwait(false);
                return Ok;
            case ["queue", "retry", var id]:
                if (!await queue.RequeueAsync(QueueId(id), cancellationToken).ConfigureAwait(false))
                {
                    return await NoSuchEntryAsync(error, id).ConfigureAwait(false);
                }

                await output.WriteLineAsync("queue entry " + id + " is due now").ConfigureAwait(false);
                return Ok;
            default:
                throw new UsageException("queue takes list, show ID, delete ID or retry ID.");
        }
    }

    private static async Task<int> QueueListAsync(IServiceProvider services, IOutboundQueue queue, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        OutboundState? state = null;
        UserId? user = null;
        for (var i = 0; i < args.Length; i++)
        {
            var (option, inline) = SplitOption(args[i]);
            var value = Value(args, ref i, option, inline);
            switch (option)
            {
                case "state":
                    state = Enum.TryParse<OutboundState>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                        ? parsed
                        : throw new UsageException("--state is queued, deferred or failed.");
                    break;
                case "user":
                    var record = await FindUserAsync(services, value, error, cancellationToken).ConfigureAwait(false);
                    if (record is null)
                    {
                        return Failed;
                    }

                    user = record.Id;
                    break;
                default:
                    throw new UsageException("unknown queue option --" + option);
            }
        }

        await output.WriteLineAsync("ID                        STATE     TRIES  NEXT ATTEMPT (UTC)   REASON     SIZE  ROUTE / RECIPIENTS / LAST ERROR").ConfigureAwait(false);
        var count = 0;
        EntityId? after = null;
        while (true)
        {
            var page = await queue.ListEntriesAsync(new OutboundListRequest { State = state, User = user, After = after, Limit = 500 }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{entry.Id}  {StateName(entry),-8}  {entry.Attempts,5}  {entry.NextAttempt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {entry.Reason,-9} {entry.Size,6}  {RouteText(entry.Route)} -> {string.Join(", ", entry.Recipients)}{(entry.LastError is null ? string.Empty : " | " + entry.LastError)}")).ConfigureAwait(false);
                count++;
            }

            if (page.Count < 500)
            {
                break;
            }

            after = page[^1].Id;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{count} queue entr{(count == 1 ? "y" : "ies")}")).ConfigureAwait(false);
        return Ok;
    }

    private static async Task WriteEntryAsync(OutboundEntry entry, TextWriter output)
    {
        await output.WriteLineAsync("id:           " + entry.Id).ConfigureAwait(false);
        await output.WriteLineAsync("state:        " + StateName(entry)).ConfigureAwait(false);
        await output.WriteLineAsync("reason:       " + entry.Reason).ConfigureAwait(false);
        await output.WriteLineAsync("user:         " + (entry.User?.ToString() ?? "-")).ConfigureAwait(false);
        await output.WriteLineAsync("return path:  <" + entry.ReturnPath + ">").ConfigureAwait(false);
        await output.WriteLineAsync("recipients:   " + string.Join(", ", entry.Recipients)).ConfigureAwait(false);
        await output.WriteLineAsync("route:        " + RouteText(entry.Route)).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"size:         {entry.Size} bytes")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"created:      {entry.Created.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"attempts:     {entry.Attempts}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"next attempt: {entry.NextAttempt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")).ConfigureAwait(false);
        await output.WriteLineAsync("last error:   " + (entry.LastError ?? "-")).ConfigureAwait(false);
    }

    /// <summary>The state, or <c>sending</c> while a relay holds the lease.</summary>
    private static string StateName(OutboundEntry entry) =>
        entry.LeasedUntil is not null ? "sending" : entry.State.ToString().ToLowerInvariant();

    /// <summary>The route without the password of its user info (terminals and logs are not secret stores).</summary>
    private static string RouteText(string? route)
    {
        if (route is null)
        {
            return "smarthost";
        }

        if (!Uri.TryCreate(route, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
        {
            // Unparsable routes may still carry user:password@ (never print a password).
            var scheme = route.IndexOf("://", StringComparison.Ordinal);
            var at = scheme < 0 ? -1 : route.IndexOf('@', scheme + 3);
            var slash = scheme < 0 ? -1 : route.IndexOf('/', scheme + 3);
            return at > 0 && (slash < 0 || at < slash) ? string.Concat(route.AsSpan(0, scheme + 3), "***", route.AsSpan(at)) : route;
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon] + ":***";
        return uri.Scheme + "://" + user + "@" + uri.Authority + uri.PathAndQuery;
    }

    private static EntityId QueueId(string id) =>
        EntityId.TryParse(id, out var parsed) ? parsed : throw new UsageException("a queue id is 24 hexadecimal digits.");

    private static async Task<int> NoSuchEntryAsync(TextWriter error, string id)
    {
        await error.WriteLineAsync("error: no such queue entry: " + id + " (delivered or deleted)").ConfigureAwait(false);
        return Failed;
    }
}
