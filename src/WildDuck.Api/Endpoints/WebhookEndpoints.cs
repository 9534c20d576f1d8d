// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>Webhooks (reference §8.3 "Webhooks", §8.7): event subscriptions, root only.</summary>
internal static class WebhookEndpoints
{
    private const string WebhooksCursor = "webhooks";

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/webhooks", "listWebhooks", "Webhooks", "Lists webhooks by id", RouteAccess.Root, ListAsync)
        {
            Paged = true,
            Query = new FieldSpec[] { new("user", FieldType.String, "Only the webhooks of this user id") { MaxLength = 24 } },
        };

        yield return new ApiRoute("POST", "/webhooks", "createWebhook", "Webhooks", "Subscribes a URL to events", RouteAccess.Root, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("type", FieldType.StringArray, "Event names (user.created), prefixes (mailbox.*) or *") { Required = true, MaxItems = 32, MaxLength = 64 },
                new("user", FieldType.String, "Only this user's events (a user id); all users when omitted") { MaxLength = 24 },
                new("url", FieldType.String, "The http(s) URL events are POSTed to as JSON") { Required = true, MaxLength = 1024 },
            },
        };

        yield return new ApiRoute("DELETE", "/webhooks/{webhook}", "deleteWebhook", "Webhooks", "Deletes a webhook", RouteAccess.Root, DeleteAsync);
    }

    private static IWebhookStore Store(ApiCall call) =>
        call.Services.Webhooks ?? throw new ApiException(503, "WebhooksUnavailable", "This storage backend keeps no webhooks");

    private static UserId? OptionalUser(ApiCall call)
    {
        if (call.Input.String("user") is not { } text)
        {
            return null;
        }

        return UserId.TryParse(text, out var id) ? id : throw ApiException.Validation("user", "must be a user id");
    }

    private static JsonObject Describe(WebhookRecord webhook) => new()
    {
        ["id"] = webhook.Id.ToString(),
        ["type"] = ApiJson.Strings(webhook.Types),
        ["user"] = webhook.User?.ToString(),
        ["url"] = webhook.Url,
        ["created"] = ApiJson.Date(webhook.Created),
    };

    private static async Task ListAsync(ApiCall call)
    {
        var user = OptionalUser(call);

        // At most WildDuck:Users:MaxWebhooks exist, so one read serves every page.
        var all = await Store(call).ListWebhooksAsync(Math.Max(1, call.Services.WildDuck.Users.MaxWebhooks), null, user, call.Aborted).ConfigureAwait(false);
        var page = Pager.Slice(all, static w => w.Id.ToString(), string.CompareOrdinal, WebhooksCursor, call);
        var results = new JsonArray();
        foreach (var webhook in page.Items)
        {
            results.Add((JsonNode)Describe(webhook));
        }

        await call.OkAsync(Pager.Response(page, call, results)).ConfigureAwait(false);
    }

    private static async Task CreateAsync(ApiCall call)
    {
        var types = call.Input.Strings("type")!;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (types.Count == 0)
        {
            errors["type"] = "must name at least one event";
        }

        for (var i = 0; i < types.Count; i++)
        {
            if (!WildDuckEventTypes.IsPattern(types[i]))
            {
                errors["type[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]"] = "must be an event name, a prefix ending in .* or *";
            }
        }

        var url = call.Input.String("url")!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            errors["url"] = "must be an absolute http or https URL";
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        var user = OptionalUser(call);
        var webhook = await StorageCalls.MapAsync(
            () => Store(call).CreateWebhookAsync(new WebhookRecord { Id = EntityId.Empty, Types = types, User = user, Url = url }, call.Aborted),
            static error => error switch
            {
                StorageError.NotFound => ApiException.UserNotFound(),
                StorageError.Limit => new ApiException(403, "TooMany", "Too many webhooks (WildDuck:Users:MaxWebhooks, all users together); delete one first"),
                StorageError.Invalid => ApiException.Validation("type", "is not a valid webhook"),
                _ => null,
            }).ConfigureAwait(false);
        await call.OkAsync(new JsonObject { ["id"] = webhook.Id.ToString() }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        if (!EntityId.TryParse(call.Route("webhook"), out var id))
        {
            throw ApiException.Validation("webhook", "must be a webhook id");
        }

        if (!await Store(call).DeleteWebhookAsync(id, call.Aborted).ConfigureAwait(false))
        {
            throw new ApiException(404, "WebhookNotFound", "This webhook does not exist");
        }

        await call.OkAsync().ConfigureAwait(false);
    }
}
