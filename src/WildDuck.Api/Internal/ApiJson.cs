// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Api.Internal;

/// <summary>Writes JSON responses (pretty-printed with a 2-space indent, as WildDuck).</summary>
internal static class ApiJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    public static async Task WriteAsync(HttpContext context, int status, JsonObject body, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            body.WriteTo(writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static JsonObject Error(ApiException error)
    {
        var body = new JsonObject
        {
            ["error"] = error.Message,
            ["code"] = error.Code,
        };
        if (error.Details is { Count: > 0 } details)
        {
            var detailObject = new JsonObject();
            foreach (var (field, message) in details)
            {
                detailObject[field] = message;
            }

            body["details"] = detailObject;
        }

        return body;
    }

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One daily counter limit as WildDuck shows it (reference §8.3): <c>allowed</c>, <c>used</c> in the
    /// current window, and <c>ttl</c>, the seconds until the window ends (<c>false</c> when none is open).
    /// </summary>
    public static JsonObject Limit(long allowed, CounterUsage usage) => new()
    {
        ["allowed"] = allowed,
        ["used"] = usage.Used,
        ["ttl"] = usage.TimeToReset is { } left ? (long)Math.Ceiling(left.TotalSeconds) : false,
    };

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add((JsonNode)value);
        }

        return array;
    }

    public static JsonObject? Address(MailAddress? address) =>
        address is null ? null : new JsonObject { ["name"] = address.Name ?? string.Empty, ["address"] = address.Address ?? string.Empty };

    public static JsonArray Addresses(IEnumerable<MailAddress> addresses)
    {
        var array = new JsonArray();
        foreach (var address in addresses)
        {
            array.Add((JsonNode?)Address(address));
        }

        return array;
    }
}
