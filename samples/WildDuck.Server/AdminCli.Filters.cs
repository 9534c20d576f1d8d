// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Server;

/// <summary><c>filter add|list|delete</c>: a user's delivery filters (reference §6.4).</summary>
internal static partial class AdminCli
{
    private static async Task<int> FilterAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        switch (args)
        {
            case ["filter", "add", var name, .. var rest]:
                return await FilterAddAsync(services, name, rest, output, error, cancellationToken).ConfigureAwait(false);
            case ["filter", "list", var name]:
                return await FilterListAsync(services, name, output, error, cancellationToken).ConfigureAwait(false);
            case ["filter", "delete", var name, var id]:
                return await FilterDeleteAsync(services, name, id, output, error, cancellationToken).ConfigureAwait(false);
            default:
                throw new UsageException("filter takes add, list or delete.");
        }
    }

    private static async Task<int> FilterAddAsync(IServiceProvider services, string name, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(services, name, error, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Failed;
        }

        var query = new FilterQuery();
        var action = new FilterAction();
        var targets = new List<string>();
        string? filterName = null;
        string? mailboxPath = null;
        var disabled = false;
        for (var i = 0; i < args.Length; i++)
        {
            var (option, inline) = SplitOption(args[i]);
            switch (option)
            {
                case "from":
                    query = query with { From = Value(args, ref i, option, inline) };
                    break;
                case "to":
                    query = query with { To = Value(args, ref i, option, inline) };
                    break;
                case "subject":
                    query = query with { Subject = Value(args, ref i, option, inline) };
                    break;
                case "list-id":
                    query = query with { ListId = Value(args, ref i, option, inline) };
                    break;
                case "text":
                    query = query with { Text = Value(args, ref i, option, inline) };
                    break;
                case "has-attachment":
                    query = query with { HasAttachments = inline is null || !(inline is "no" or "false" or "0") };
                    break;
                case "size":
                    var size = Value(args, ref i, option, inline);
                    if (!long.TryParse(size, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bytes) || bytes == 0)
                    {
                        throw new UsageException("--size takes a non-zero number of bytes (negative: at most).");
                    }

                    query = query with { Size = bytes };
                    break;
                case "seen":
                    action = action with { Seen = true };
                    break;
                case "flag":
                    action = action with { Flag = true };
                    break;
                case "delete":
                    action = action with { Delete = true };
                    break;
                case "spam":
                    action = action with { Spam = true };
                    break;
                case "not-spam":
                    action = action with { Spam = false };
                    break;
                case "mailbox":
                    mailboxPath = Value(args, ref i, option, inline);
                    break;
                case "forward":
                    targets.Add(ForwardTarget(Value(args, ref i, option, inline)));
                    break;
                case "name":
                    filterName = Value(args, ref i, option, inline);
                    break;
                case "disabled":
                    disabled = true;
                    break;
                default:
                    throw new UsageException("unknown filter option " + args[i]);
            }
        }

        if (mailboxPath is not null)
        {
            var mailbox = await services.GetRequiredService<IMailboxStore>().FindMailboxAsync(user.Id, mailboxPath, cancellationToken).ConfigureAwait(false);
            if (mailbox is null)
            {
                await error.WriteLineAsync("error: no such mailbox: " + mailboxPath).ConfigureAwait(false);
                return Failed;
            }

            action = action with { Mailbox = mailbox.Id };
        }

        action = action with { Targets = targets };
        if (action.Seen is null && action.Flag is null && action.Delete is null && action.Spam is null && action.Mailbox is null && targets.Count == 0)
        {
            throw new UsageException("filter add needs at least one action (--seen --flag --delete --spam --not-spam --mailbox --forward).");
        }

        var saved = await services.GetRequiredService<IFilterStore>().SaveFilterAsync(
            new FilterDefinition
            {
                Id = EntityId.Empty,
                User = user.Id,
                Name = filterName,
                Query = query,
                Action = action,
                Disabled = disabled,
            },
            cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"created filter {saved.Id} for {user.Username}: {Describe(saved.Query)} => {Describe(saved.Action, mailboxPath)}")).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> FilterListAsync(IServiceProvider services, string name, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(services, name, error, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Failed;
        }

        var filters = await services.GetRequiredService<IFilterStore>().ListFiltersAsync(user.Id, cancellationToken).ConfigureAwait(false);
        var mailboxes = await services.GetRequiredService<IMailboxStore>().ListMailboxesAsync(user.Id, cancellationToken).ConfigureAwait(false);
        foreach (var filter in filters)
        {
            string? path = null;
            foreach (var mailbox in mailboxes)
            {
                if (filter.Action.Mailbox == mailbox.Id)
                {
                    path = mailbox.Path;
                }
            }

            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{filter.Id}  {(filter.Disabled ? "disabled" : "enabled "),-8}  {filter.Name ?? "-"}: {Describe(filter.Query)} => {Describe(filter.Action, path)}")).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{filters.Count} filter(s)")).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> FilterDeleteAsync(IServiceProvider services, string name, string id, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(services, name, error, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Failed;
        }

        if (!EntityId.TryParse(id, out var filterId))
        {
            throw new UsageException("a filter id is 24 hexadecimal digits.");
        }

        if (!await services.GetRequiredService<IFilterStore>().DeleteFilterAsync(user.Id, filterId, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync("error: no such filter: " + id).ConfigureAwait(false);
            return Failed;
        }

        await output.WriteLineAsync("deleted filter " + id).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<UserRecord?> FindUserAsync(IServiceProvider services, string name, TextWriter error, CancellationToken cancellationToken)
    {
        var user = await services.GetRequiredService<IUserStore>().FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            await error.WriteLineAsync("error: no such user: " + name).ConfigureAwait(false);
        }

        return user;
    }

    /// <summary>A target as delivery reads it (<see cref="Storage.Addressing.ForwardTarget"/>), stored in its canonical form.</summary>
    private static string ForwardTarget(string value) =>
        Storage.Addressing.ForwardTarget.TryParse(value, out var target)
            ? target.Canonical
            : throw new UsageException("--forward takes an address, smtp[s]:// or http[s]:// URL: " + value);

    private static string Describe(FilterQuery query)
    {
        var parts = new List<string>();
        Add(parts, "from", query.From);
        Add(parts, "to", query.To);
        Add(parts, "subject", query.Subject);
        Add(parts, "list-id", query.ListId);
        Add(parts, "text", query.Text);
        if (query.HasAttachments is { } has)
        {
            parts.Add(has ? "has attachment" : "no attachment");
        }

        if (query.Size is { } size)
        {
            parts.Add(size > 0 ? string.Create(CultureInfo.InvariantCulture, $"size >= {size}") : string.Create(CultureInfo.InvariantCulture, $"size <= {-size}"));
        }

        return parts.Count == 0 ? "every message" : string.Join(", ", parts);

        static void Add(List<string> parts, string name, string? value)
        {
            if (value is not null)
            {
                parts.Add(name + " ~ \"" + value + "\"");
            }
        }
    }

    private static string Describe(FilterAction action, string? mailboxPath)
    {
        var parts = new List<string>();
        if (action.Seen == true)
        {
            parts.Add("seen");
        }

        if (action.Flag == true)
        {
            parts.Add("flag");
        }

        if (action.Delete == true)
        {
            parts.Add("delete");
        }

        if (action.Spam is { } spam)
        {
            parts.Add(spam ? "spam" : "not spam");
        }

        if (action.Mailbox is { } mailbox)
        {
            parts.Add("mailbox " + (mailboxPath ?? mailbox.ToString()));
        }

        foreach (var target in action.Targets)
        {
            parts.Add("forward " + RouteText(target));
        }

        return string.Join(", ", parts);
    }

    /// <summary>"--name=value" or "--name" (value in the next argument, read by <see cref="Value"/>).</summary>
    private static (string Option, string? Inline) SplitOption(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
        {
            throw new UsageException("unexpected argument: " + arg);
        }

        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return eq > 2 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
    }

    private static string Value(string[] args, ref int i, string option, string? inline)
    {
        if (inline is not null)
        {
            return inline;
        }

        if (i + 1 >= args.Length)
        {
            throw new UsageException("--" + option + " needs a value.");
        }

        return args[++i];
    }
}
