// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// The autoreply fields <c>{status, name, subject, text, html, start, end}</c> (reference §6.6), as a
/// user's autoreply and a forwarded address's <c>autoreply</c> object take and show them.
/// </summary>
internal static class AutoreplyInput
{
    public static FieldSpec[] Fields { get; } =
    {
        new("status", FieldType.Boolean, "Whether replies are sent"),
        new("name", FieldType.String, "Display name of the reply's From (default: the user's or address's name)") { MaxLength = 256 },
        new("subject", FieldType.String, "Subject after \"Auto: \" (default: Re: the original subject)") { MaxLength = 998 },
        new("text", FieldType.String, "Plain-text body") { MaxLength = 128 * 1024 },
        new("html", FieldType.String, "HTML body") { MaxLength = 128 * 1024 },
        new("start", FieldType.String, "Replies start at this ISO 8601 time; empty for no start") { MaxLength = 40 },
        new("end", FieldType.String, "Replies end at this ISO 8601 time; empty for no end") { MaxLength = 40 },
    };

    /// <summary>The settings as the API shows them (<c>start</c>/<c>end</c> ISO dates or <c>false</c>).</summary>
    public static JsonObject Describe(AutoreplySettings settings) => new()
    {
        ["status"] = settings.Enabled,
        ["name"] = settings.Name ?? string.Empty,
        ["subject"] = settings.Subject ?? string.Empty,
        ["text"] = settings.Text ?? string.Empty,
        ["html"] = settings.Html ?? string.Empty,
        ["start"] = settings.Start is { } start ? ApiJson.Date(start) : false,
        ["end"] = settings.End is { } end ? ApiJson.Date(end) : false,
    };

    /// <summary>
    /// <paramref name="current"/> with the given fields replaced (an empty string removes a text or a
    /// bound). A bad time or an end before the start is a 400 on <paramref name="prefix"/> + the field.
    /// </summary>
    public static AutoreplySettings Merge(ApiInput input, AutoreplySettings current, string prefix = "")
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = Time(input, "start", prefix, errors);
        var end = Time(input, "end", prefix, errors);
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

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
            throw ApiException.Validation(prefix + "end", "must not be before start");
        }

        return settings;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>An ISO 8601 time with a zone (empty = none); a problem goes to <paramref name="errors"/>.</summary>
    private static DateTimeOffset? Time(ApiInput input, string name, string prefix, Dictionary<string, string> errors)
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

        errors[prefix + name] = "must be an ISO 8601 date and time";
        return null;
    }
}
