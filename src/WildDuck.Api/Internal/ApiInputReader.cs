// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace WildDuck.Api.Internal;

/// <summary>
/// Validates query parameters and the JSON body against a route's <see cref="FieldSpec"/>s:
/// types, lengths, ranges, required fields; unknown and repeated fields are refused. Every problem
/// is collected so one 400 lists them all in <c>details</c>.
/// </summary>
internal static class ApiInputReader
{
    public const string AccessTokenParameter = "accessToken";

    public static readonly FieldSpec[] PagingFields =
    {
        new("limit", FieldType.Integer, "Page size (1 to the configured maximum, default 20)") { Min = 1, Max = int.MaxValue },
        new("next", FieldType.String, "Cursor of the next page (nextCursor of a previous response)") { MaxLength = 2048 },
        new("previous", FieldType.String, "Cursor of the previous page (previousCursor of a previous response)") { MaxLength = 2048 },
        new("page", FieldType.Integer, "Page number, informational (echoed back)") { Min = 1, Max = int.MaxValue },
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static async Task<ApiInput> ReadAsync(HttpContext context, ApiRoute route, ApiServices services, CancellationToken cancellationToken)
    {
        var input = new ApiInput();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var (key, values) in context.Request.Query)
        {
            if (key == AccessTokenParameter)
            {
                continue;
            }

            var spec = Find(route.Query, key) ?? (route.Paged ? Find(PagingFields, key) : null);
            if (spec is null)
            {
                errors[key] = "is not allowed";
                continue;
            }

            if (values.Count != 1)
            {
                errors[key] = "must be given once";
                continue;
            }

            if (ConvertText(spec, values[0] ?? string.Empty, out var value, out var problem))
            {
                input.Set(key, value);
            }
            else
            {
                errors[key] = problem;
            }
        }

        if (route.Paged && input.Integer("limit") is { } limit && limit > services.Options.MaxPageSize)
        {
            errors["limit"] = "must be at most " + services.Options.MaxPageSize.ToString(CultureInfo.InvariantCulture);
        }

        if (route.BodyKind != BodyKind.None)
        {
            await ReadBodyAsync(context, route, services, input, errors, cancellationToken).ConfigureAwait(false);
        }
        else if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            errors["body"] = "is not allowed";
        }

        if (input.RawMessage is null)
        {
            foreach (var spec in route.Body)
            {
                if (spec.Required && !input.Has(spec.Name) && !errors.ContainsKey(spec.Name))
                {
                    errors[spec.Name] = "is required";
                }
            }
        }

        foreach (var spec in route.Query)
        {
            if (spec.Required && !input.Has(spec.Name) && !errors.ContainsKey(spec.Name))
            {
                errors[spec.Name] = "is required";
            }
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        return input;
    }

    private static async Task ReadBodyAsync(HttpContext context, ApiRoute route, ApiServices services, ApiInput input, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var mediaType = MediaType(request.ContentType);
        bool raw = route.BodyKind == BodyKind.JsonOrMessage && mediaType == "message/rfc822";
        // A JSON upload carries the message as a string, so it may be as large as a raw one.
        long limit = route.BodyKind != BodyKind.JsonOrMessage ? services.Options.MaxJsonBodySize
            : raw ? services.MaxUploadSize
            : services.MaxUploadSize + services.Options.MaxJsonBodySize;
        var body = await ReadLimitedAsync(request, limit, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            if (mediaType is not null && mediaType != "application/json" && !raw)
            {
                errors["body"] = "must be application/json";
            }

            return;
        }

        if (raw)
        {
            input.RawMessage = body;
            return;
        }

        if (mediaType != "application/json")
        {
            errors["body"] = route.BodyKind == BodyKind.JsonOrMessage ? "must be application/json or message/rfc822" : "must be application/json";
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            errors["body"] = "is not valid JSON";
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = "must be a JSON object";
                return;
            }

            ReadObject(document.RootElement, route.Body, string.Empty, input, errors);
        }
    }

    /// <summary>Validates one JSON object against <paramref name="specs"/> into <paramref name="input"/>; problems go to <paramref name="errors"/> under <paramref name="prefix"/>.</summary>
    private static void ReadObject(JsonElement element, FieldSpec[] specs, string prefix, ApiInput input, Dictionary<string, string> errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix + property.Name;
            var spec = Find(specs, property.Name);
            if (spec is null)
            {
                errors[key] = "is not allowed";
                continue;
            }

            if (input.Has(property.Name))
            {
                errors[key] = "must be given once";
                continue;
            }

            if (spec.Type is FieldType.Object or FieldType.ObjectArray)
            {
                if (ReadNested(spec, property.Value, key, errors) is { } nested)
                {
                    input.Set(property.Name, nested);
                }
            }
            else if (ConvertJson(spec, property.Value, out var value, out var problem))
            {
                input.Set(property.Name, value);
            }
            else
            {
                errors[key] = problem;
            }
        }

        if (prefix.Length > 0)
        {
            foreach (var spec in specs)
            {
                if (spec.Required && !input.Has(spec.Name) && !errors.ContainsKey(prefix + spec.Name))
                {
                    errors[prefix + spec.Name] = "is required";
                }
            }
        }
    }

    /// <summary>An object (<see cref="ApiInput"/>) or an array of objects (<see cref="ApiInput"/>[]); null after recording a problem.</summary>
    private static object? ReadNested(FieldSpec spec, JsonElement element, string key, Dictionary<string, string> errors)
    {
        var fields = spec.Fields ?? Array.Empty<FieldSpec>();
        if (spec.Type == FieldType.Object)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors[key] = "must be an object";
                return null;
            }

            var item = new ApiInput();
            ReadObject(element, fields, key + ".", item, errors);
            return item;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            errors[key] = "must be an array of objects";
            return null;
        }

        if (element.GetArrayLength() > spec.MaxItems)
        {
            errors[key] = "must have at most " + spec.MaxItems.ToString(CultureInfo.InvariantCulture) + " items";
            return null;
        }

        var items = new List<ApiInput>();
        foreach (var entry in element.EnumerateArray())
        {
            var itemKey = key + "[" + items.Count.ToString(CultureInfo.InvariantCulture) + "]";
            var item = new ApiInput();
            if (entry.ValueKind != JsonValueKind.Object)
            {
                errors[itemKey] = "must be an object";
            }
            else
            {
                ReadObject(entry, fields, itemKey + ".", item, errors);
            }

            items.Add(item);
        }

        return items.ToArray();
    }

    private static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and < 1024 * 1024 ? (int)request.ContentLength.Value : 16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            int read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(limit);
            }
        }
    }

    private static ApiException TooLarge(long limit) =>
        new(413, "PayloadTooLarge", "Request body is larger than " + limit.ToString(CultureInfo.InvariantCulture) + " bytes");

    private static string? MediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        int semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static FieldSpec? Find(FieldSpec[] specs, string name)
    {
        foreach (var spec in specs)
        {
            if (string.Equals(spec.Name, name, StringComparison.Ordinal))
            {
                return spec;
            }
        }

        return null;
    }

    private static bool ConvertText(FieldSpec spec, string text, out object value, out string problem)
    {
        value = text;
        problem = string.Empty;
        switch (spec.Type)
        {
            case FieldType.Integer:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    problem = "must be an integer";
                    return false;
                }

                return CheckRange(spec, number, out value, out problem);
            case FieldType.Boolean:
                switch (text.ToLowerInvariant())
                {
                    case "true" or "yes" or "on" or "1" or "y":
                        value = true;
                        return true;
                    case "false" or "no" or "off" or "0" or "n":
                        value = false;
                        return true;
                    default:
                        problem = "must be a boolean";
                        return false;
                }

            case FieldType.StringArray:
                var items = text.Length == 0 ? Array.Empty<string>() : text.Split(',', StringSplitOptions.TrimEntries);
                return CheckStrings(spec, items, out value, out problem);
            default:
                return CheckString(spec, text, out value, out problem);
        }
    }

    private static bool ConvertJson(FieldSpec spec, JsonElement element, out object value, out string problem)
    {
        value = string.Empty;
        switch (spec.Type)
        {
            case FieldType.Integer:
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var number))
                {
                    problem = "must be an integer";
                    return false;
                }

                return CheckRange(spec, number, out value, out problem);
            case FieldType.Boolean:
                if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problem = "must be a boolean";
                    return false;
                }

                value = element.GetBoolean();
                problem = string.Empty;
                return true;
            case FieldType.StringArray:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    problem = "must be an array of strings";
                    return false;
                }

                var items = new List<string>();
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        problem = "must be an array of strings";
                        return false;
                    }

                    items.Add(item.GetString()!);
                    if (items.Count > spec.MaxItems)
                    {
                        break;
                    }
                }

                return CheckStrings(spec, items.ToArray(), out value, out problem);
            default:
                if (element.ValueKind != JsonValueKind.String)
                {
                    problem = "must be a string";
                    return false;
                }

                return CheckString(spec, element.GetString()!, out value, out problem);
        }
    }

    private static bool CheckRange(FieldSpec spec, long number, out object value, out string problem)
    {
        value = number;
        problem = string.Empty;
        if (number < spec.Min || number > spec.Max)
        {
            problem = "must be between " + spec.Min.ToString(CultureInfo.InvariantCulture) + " and " + spec.Max.ToString(CultureInfo.InvariantCulture);
            return false;
        }

        return true;
    }

    private static bool CheckString(FieldSpec spec, string text, out object value, out string problem)
    {
        value = text;
        problem = string.Empty;
        if (text.Length > spec.MaxLength)
        {
            problem = "must be at most " + spec.MaxLength.ToString(CultureInfo.InvariantCulture) + " characters";
            return false;
        }

        if (text.Length < Math.Max(spec.MinLength, spec.Required ? 1 : 0))
        {
            problem = "must not be empty";
            return false;
        }

        if (spec.Allowed is { } allowed && Array.IndexOf(allowed, text) < 0)
        {
            problem = "must be one of " + string.Join(", ", allowed);
            return false;
        }

        return true;
    }

    private static bool CheckStrings(FieldSpec spec, string[] items, out object value, out string problem)
    {
        value = items;
        problem = string.Empty;
        if (items.Length > spec.MaxItems)
        {
            problem = "must have at most " + spec.MaxItems.ToString(CultureInfo.InvariantCulture) + " items";
            return false;
        }

        foreach (var item in items)
        {
            if (item.Length > spec.MaxLength || (spec.Allowed is { } allowed && Array.IndexOf(allowed, item) < 0))
            {
                problem = spec.Allowed is { } a ? "items must be one of " + string.Join(", ", a) : "items must be at most " + spec.MaxLength.ToString(CultureInfo.InvariantCulture) + " characters";
                return false;
            }
        }

        return true;
    }
}
