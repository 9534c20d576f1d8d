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

/// <summary>
/// <c>autoreply set|show|off</c> (a user's vacation reply, reference §6.6) and <c>forward set|show|off</c>
/// (a user's own forwarding targets, reference §6.3 step 7).
/// </summary>
internal static partial class AdminCli
{
    private static async Task<int> AutoreplyAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not ["autoreply", var verb, var name, .. var rest] || verb is not ("set" or "show" or "off"))
        {
            throw new UsageException("autoreply takes set, show or off and a user name.");
        }

        var user = await FindUserAsync(services, name, error, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Failed;
        }

        var store = services.GetRequiredService<IAutoreplyStore>();
        switch (verb)
        {
            case "show":
                var current = await store.GetAutoreplyAsync(user.Id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    await output.WriteLineAsync("no autoreply").ConfigureAwait(false);
                    return Ok;
                }

                await output.WriteLineAsync("enabled: " + (current.Enabled ? "yes" : "no")).ConfigureAwait(false);
                await output.WriteLineAsync("window:  " + When(current.Start) + " .. " + When(current.End)).ConfigureAwait(false);
                await output.WriteLineAsync("name:    " + (current.Name ?? "-")).ConfigureAwait(false);
                await output.WriteLineAsync("subject: " + (current.Subject ?? "(Re: the original subject)")).ConfigureAwait(false);
                await output.WriteLineAsync("text:    " + (current.Text ?? string.Empty)).ConfigureAwait(false);
                return Ok;
            case "off":
                await store.DeleteAutoreplyAsync(user.Id, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync("autoreply off for " + user.Username).ConfigureAwait(false);
                return Ok;
        }

        var settings = new AutoreplySettings { Enabled = true };
        for (var i = 0; i < rest.Length; i++)
        {
            var (option, inline) = SplitOption(rest[i]);
            settings = option switch
            {
                "subject" => settings with { Subject = Value(rest, ref i, option, inline) },
                "text" => settings with { Text = Value(rest, ref i, option, inline) },
                "html" => settings with { Html = Value(rest, ref i, option, inline) },
                "name" => settings with { Name = Value(rest, ref i, option, inline) },
                "start" => settings with { Start = ParseTime(Value(rest, ref i, option, inline), option) },
                "end" => settings with { End = ParseTime(Value(rest, ref i, option, inline), option) },
                "disabled" => settings with { Enabled = false },
                _ => throw new UsageException("unknown option --" + option),
            };
        }

        if (string.IsNullOrEmpty(settings.Text) && string.IsNullOrEmpty(settings.Html))
        {
            throw new UsageException("autoreply set needs --text or --html.");
        }

        if (settings.Start is { } start && settings.End is { } end && end < start)
        {
            throw new UsageException("--end is before --start.");
        }

        await store.SetAutoreplyAsync(user.Id, settings, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync("autoreply set for " + user.Username).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> ForwardAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not ["forward", var verb, var name, .. var targets] || verb is not ("set" or "show" or "off"))
        {
            throw new UsageException("forward takes set, show or off and a user name.");
        }

        var user = await FindUserAsync(services, name, error, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Failed;
        }

        switch (verb)
        {
            case "show":
                await output.WriteLineAsync(user.ForwardTargets.Count == 0 ? "no forwarding" : string.Join(Environment.NewLine, user.ForwardTargets)).ConfigureAwait(false);
                return Ok;
            case "off":
                targets = Array.Empty<string>();
                break;
            default:
                if (targets.Length == 0)
                {
                    throw new UsageException("forward set needs at least one target.");
                }

                foreach (var target in targets)
                {
                    if (!Storage.Addressing.ForwardTarget.TryParse(target, out _))
                    {
                        throw new UsageException("not a forward target (an address, smtp[s]://host or http[s]://url): " + target);
                    }
                }

                break;
        }

        var users = services.GetRequiredService<IUserStore>();
        await users.UpdateUserAsync(user.Id, new UserUpdate { ForwardTargets = new List<string>(targets) }, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(targets.Length == 0 ? "forwarding off for " + user.Username : "forwarding set for " + user.Username).ConfigureAwait(false);
        return Ok;
    }

    private static DateTimeOffset ParseTime(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new UsageException("--" + option + " needs a date and time, e.g. 2026-12-24T00:00Z.");

    private static string When(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "open";
}
