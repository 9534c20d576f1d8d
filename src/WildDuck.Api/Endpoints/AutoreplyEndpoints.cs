// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>The user's automatic reply (reference §8.3 "Autoreply", §6.6) over <see cref="IAutoreplyStore"/>.</summary>
internal static class AutoreplyEndpoints
{
    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/autoreply", "getAutoreply", "Autoreply", "Gets the autoreply settings", RouteAccess.UserData, GetAsync);

        yield return new ApiRoute("PUT", "/users/{user}/autoreply", "updateAutoreply", "Autoreply", "Changes the autoreply settings (given fields only; the sender log restarts)", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("status", FieldType.Boolean, "Whether replies are sent"),
                new("name", FieldType.String, "Display name of the reply's From (default: the user's name)") { MaxLength = 256 },
                new("subject", FieldType.String, "Subject after \"Auto: \" (default: Re: the original subject)") { MaxLength = 998 },
                new("text", FieldType.String, "Plain-text body") { MaxLength = 128 * 1024 },
                new("html", FieldType.String, "HTML body") { MaxLength = 128 * 1024 },
                new("start", FieldType.String, "Replies start at this ISO 8601 time; empty for no start") { MaxLength = 40 },
                new("end", FieldType.String, "Replies end at this ISO 8601 time; empty for no end") { MaxLength = 40 },
            },
        };

        yield return new ApiRoute("DELETE", "/users/{user}/autoreply", "deleteAutoreply", "Autoreply", "Removes the autoreply settings", RouteAccess.UserData, DeleteAsync);
    }

    private static IAutoreplyStore Store(ApiCall call) =>
        call.Services.Autoreplies ?? throw new ApiException(503, "ServiceUnavailable", "This storage backend keeps no autoreplies");

    private static async Task GetAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var settings = await Store(call).GetAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? new AutoreplySettings();
        await call.OkAsync(new JsonObject
        {
            ["status"] = settings.Enabled,
            ["name"] = settings.Name ?? string.Empty,
            ["subject"] = settings.Subject ?? string.Empty,
            ["text"] = settings.Text ?? string.Empty,
            ["html"] = settings.Html ?? string.Empty,
            ["start"] = settings.Start is { } start ? ApiJson.Date(start) : false,
            ["end"] = settings.End is { } end ? ApiJson.Date(end) : false,
        }).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var input = call.Input;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = Time(input, "start", errors);
        var end = Time(input, "end", errors);
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        var current = await Store(call).GetAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? new AutoreplySettings();
        var settings = new AutoreplySettings
        {
            Enabled = input.Boolean("status") ?? current.Enabled,
            Name = input.Has("name") ? Empty(input.String("name")) : current.Name,
            Subject = input.Has("subject") ? Empty(input.String("subject")) : current.Subject,
            Text = input.Has("text") ? Empty(input.String("text")) : current.Text,
            Html = input.Has("html") ? Empty(input.String("html")) : current.Html,
            Start = input.Has("start") ? start : current.Start,
            End = input.Has("end") ? end : current.End,
        };
        if (settings.Start is { } s && settings.End is { } e && e < s)
        {
            throw ApiException.Validation("end", "must not be before start");
        }

        await StorageCalls.MapAsync(
            () => Store(call).SetAutoreplyAsync(user.Id, settings, call.Aborted),
            static error => error == StorageError.NotFound ? ApiException.UserNotFound() : null).ConfigureAwait(false);
        if (settings.Enabled != current.Enabled)
        {
            call.Services.Publish(settings.Enabled ? WildDuckEventTypes.AutoreplyEnabled : WildDuckEventTypes.AutoreplyDisabled, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var current = await Store(call).GetAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false);
        await Store(call).DeleteAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false);
        if (current is { Enabled: true })
        {
            call.Services.Publish(WildDuckEventTypes.AutoreplyDisabled, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>An ISO 8601 time with a zone (empty = none); a problem goes to <paramref name="errors"/>.</summary>
    private static DateTimeOffset? Time(ApiInput input, string name, Dictionary<string, string> errors)
    {
        var text = input.String(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors[name] = "must be an ISO 8601 date and time";
        return null;
    }
}
