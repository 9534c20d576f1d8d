// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>Delivery filters (reference §8.3 "Filters", §6.4) over <see cref="IFilterStore"/>.</summary>
internal static class FilterEndpoints
{
    private static readonly FieldSpec[] QueryFields =
    {
        new("from", FieldType.String, "Substring of From (or Sender)") { MinLength = 1, MaxLength = 255 },
        new("to", FieldType.String, "Substring of To, Cc or Delivered-To") { MinLength = 1, MaxLength = 255 },
        new("subject", FieldType.String, "Substring of Subject") { MinLength = 1, MaxLength = 255 },
        new("listId", FieldType.String, "List-ID") { MinLength = 1, MaxLength = 255 },
        new("text", FieldType.String, "Substring of the plain text") { MinLength = 1, MaxLength = 255 },
        new("ha", FieldType.Boolean, "Has attachments"),
        new("size", FieldType.Integer, "Positive: at least this many bytes; negative: at most |size|") { Min = -1024L * 1024 * 1024, Max = 1024L * 1024 * 1024 },
    };

    private static readonly FieldSpec[] ActionFields =
    {
        new("seen", FieldType.Boolean, "Mark as seen"),
        new("flag", FieldType.Boolean, "Mark as flagged"),
        new("delete", FieldType.Boolean, "Drop the message"),
        new("spam", FieldType.Boolean, "true: store in Junk; false: never Junk"),
        new("mailbox", FieldType.String, "Store in this mailbox id") { MaxLength = 24 },
        new("targets", FieldType.StringArray, "Forward to addresses, smtp(s):// relays or http(s):// URLs") { MaxItems = 16, MaxLength = 1024 },
    };

    private static readonly FieldSpec[] FilterFields =
    {
        new("name", FieldType.String, "Name") { MaxLength = 255 },
        new("query", FieldType.Object, "What to match (all given conditions; none matches every message)") { Fields = QueryFields },
        new("action", FieldType.Object, "What to do with a matching message") { Fields = ActionFields },
        new("disabled", FieldType.Boolean, "Skip this filter"),
    };

    private const string AllFiltersCursor = "filters";

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/filters", "listAllFilters", "Filters", "Lists the filters of every user, oldest first, with their users", RouteAccess.Root, ListAllAsync)
        {
            Paged = true,
        };

        yield return new ApiRoute("GET", "/users/{user}/filters", "listFilters", "Filters", "Lists the user's filters in the order they run", RouteAccess.UserData, ListAsync);

        yield return new ApiRoute("POST", "/users/{user}/filters", "createFilter", "Filters", "Creates a filter (runs after the existing ones)", RouteAccess.UserData, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = Required(FilterFields, "query", "action"),
        };

        yield return new ApiRoute("GET", "/users/{user}/filters/{filter}", "getFilter", "Filters", "Gets one filter", RouteAccess.UserData, GetAsync);

        yield return new ApiRoute("PUT", "/users/{user}/filters/{filter}", "updateFilter", "Filters", "Updates a filter; a given query or action replaces the stored one", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FilterFields,
        };

        yield return new ApiRoute("DELETE", "/users/{user}/filters/{filter}", "deleteFilter", "Filters", "Deletes a filter", RouteAccess.UserData, DeleteAsync);
    }

    private static FieldSpec[] Required(FieldSpec[] fields, params string[] names)
    {
        var result = new FieldSpec[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            result[i] = Array.IndexOf(names, fields[i].Name) >= 0 ? fields[i] with { Required = true } : fields[i];
        }

        return result;
    }

    private static IFilterStore Store(ApiCall call) =>
        call.Services.Filters ?? throw new ApiException(503, "ServiceUnavailable", "This storage backend keeps no filters");

    private static JsonObject Describe(FilterDefinition filter)
    {
        var query = new JsonObject();
        Add(query, "from", filter.Query.From);
        Add(query, "to", filter.Query.To);
        Add(query, "subject", filter.Query.Subject);
        Add(query, "listId", filter.Query.ListId);
        Add(query, "text", filter.Query.Text);
        if (filter.Query.HasAttachments is { } ha)
        {
            query["ha"] = ha;
        }

        if (filter.Query.Size is { } size)
        {
            query["size"] = size;
        }

        var action = new JsonObject();
        AddFlag(action, "seen", filter.Action.Seen);
        AddFlag(action, "flag", filter.Action.Flag);
        AddFlag(action, "delete", filter.Action.Delete);
        AddFlag(action, "spam", filter.Action.Spam);
        Add(action, "mailbox", filter.Action.Mailbox?.ToString());
        if (filter.Action.Targets.Count > 0)
        {
            action["targets"] = ApiJson.Strings(filter.Action.Targets);
        }

        return new JsonObject
        {
            ["id"] = filter.Id.ToString(),
            ["name"] = filter.Name ?? string.Empty,
            ["query"] = query,
            ["action"] = action,
            ["disabled"] = filter.Disabled,
            ["created"] = ApiJson.Date(filter.Created),
        };

        static void Add(JsonObject target, string name, string? value)
        {
            if (value is not null)
            {
                target[name] = value;
            }
        }

        static void AddFlag(JsonObject target, string name, bool? value)
        {
            if (value is { } flag)
            {
                target[name] = flag;
            }
        }
    }

    private static async Task<FilterDefinition> FindAsync(ApiCall call, UserRecord user)
    {
        if (!EntityId.TryParse(call.Route("filter"), out var id))
        {
            throw ApiException.Validation("filter", "must be a filter id");
        }

        return await Store(call).GetFilterAsync(user.Id, id, call.Aborted).ConfigureAwait(false)
            ?? throw new ApiException(404, "FilterNotFound", "This filter does not exist");
    }

    private static async Task ListAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var results = new JsonArray();
        foreach (var filter in await Store(call).ListFiltersAsync(user.Id, call.Aborted).ConfigureAwait(false))
        {
            results.Add((JsonNode)Describe(filter));
        }

        await call.OkAsync(new JsonObject { ["limit"] = call.Services.WildDuck.Users.MaxFilters, ["results"] = results }).ConfigureAwait(false);
    }

    private static async Task ListAllAsync(ApiCall call)
    {
        int limit = call.PageLimit;
        var position = Pager.IdCursors(call, AllFiltersCursor);
        var read = await Store(call).ListAllFiltersAsync(new FilterPageQuery { After = position.Next, Before = position.Previous, Limit = limit + 1 }, call.Aborted).ConfigureAwait(false);
        var page = Pager.IdPage(position, read.Filters, read.Total, static f => f.Id, AllFiltersCursor, limit);
        var results = new JsonArray();
        foreach (var filter in page.Items)
        {
            var item = Describe(filter);
            item["user"] = filter.User.ToString();
            results.Add((JsonNode)item);
        }

        await call.OkAsync(Pager.Response(page, call, results)).ConfigureAwait(false);
    }

    private static async Task GetAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        await call.OkAsync(Describe(await FindAsync(call, user).ConfigureAwait(false))).ConfigureAwait(false);
    }

    private static async Task CreateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var filter = new FilterDefinition
        {
            Id = EntityId.Empty,
            User = user.Id,
            Name = call.Input.String("name"),
            Query = ReadQuery(call.Input.Object("query")!),
            Action = await ReadActionAsync(call, user, call.Input.Object("action")!).ConfigureAwait(false),
            Disabled = call.Input.Flag("disabled"),
        };
        var saved = await SaveAsync(call, filter).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.FilterCreated, user.Id, ("filter", saved.Id.ToString()), ("name", saved.Name));
        if (saved.Action.Targets.Count > 0)
        {
            call.Services.Publish(WildDuckEventTypes.ForwardAdded, user.Id, ("filter", saved.Id.ToString()), ("targets", string.Join(',', saved.Action.Targets)));
        }

        await call.OkAsync(new JsonObject { ["id"] = saved.Id.ToString() }).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var existing = await FindAsync(call, user).ConfigureAwait(false);
        var updated = existing with
        {
            Name = call.Input.Has("name") ? call.Input.String("name") : existing.Name,
            Query = call.Input.Object("query") is { } query ? ReadQuery(query) : existing.Query,
            Action = call.Input.Object("action") is { } action ? await ReadActionAsync(call, user, action).ConfigureAwait(false) : existing.Action,
            Disabled = call.Input.Boolean("disabled") ?? existing.Disabled,
        };
        await SaveAsync(call, updated).ConfigureAwait(false);
        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var filter = await FindAsync(call, user).ConfigureAwait(false);
        if (!await Store(call).DeleteFilterAsync(user.Id, filter.Id, call.Aborted).ConfigureAwait(false))
        {
            throw new ApiException(404, "FilterNotFound", "This filter does not exist");
        }

        call.Services.Publish(WildDuckEventTypes.FilterDeleted, user.Id, ("filter", filter.Id.ToString()));
        await call.OkAsync().ConfigureAwait(false);
    }

    private static Task<FilterDefinition> SaveAsync(ApiCall call, FilterDefinition filter) =>
        StorageCalls.MapAsync(
            () => Store(call).SaveFilterAsync(filter, call.Aborted),
            static error => error switch
            {
                StorageError.Limit => new ApiException(403, "TooMany", "Too many filters"),
                StorageError.NotFound => ApiException.UserNotFound(),
                _ => null,
            });

    private static FilterQuery ReadQuery(ApiInput query) => new()
    {
        From = query.String("from"),
        To = query.String("to"),
        Subject = query.String("subject"),
        ListId = query.String("listId"),
        Text = query.String("text"),
        HasAttachments = query.Boolean("ha"),
        Size = query.Integer("size") is { } size and not 0 ? size : null,
    };

    /// <summary>
    /// The action, checked: at least one action, a mailbox of this user (404 otherwise, as for any
    /// mailbox id), and forward targets in one of the forms delivery understands.
    /// </summary>
    private static async Task<FilterAction> ReadActionAsync(ApiCall call, UserRecord user, ApiInput action)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = TargetInput.Parse(action.Strings("targets"), "action.targets", errors);

        MailboxId? mailbox = null;
        if (action.String("mailbox") is { } mailboxText)
        {
            if (MailboxId.TryParse(mailboxText, out var id))
            {
                mailbox = id;
            }
            else
            {
                errors["action.mailbox"] = "must be a mailbox id";
            }
        }

        var result = new FilterAction
        {
            Seen = action.Boolean("seen"),
            Flag = action.Boolean("flag"),
            Delete = action.Boolean("delete"),
            Spam = action.Boolean("spam"),
            Mailbox = mailbox,
            Targets = targets,
        };
        if (errors.Count == 0 && result.Seen is null && result.Flag is null && result.Delete is null && result.Spam is null && mailbox is null && targets.Count == 0)
        {
            errors["action"] = "must name at least one action";
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        if (mailbox is { } target2 && await call.Services.Mailboxes.GetMailboxAsync(user.Id, target2, call.Aborted).ConfigureAwait(false) is null)
        {
            throw ApiException.MailboxNotFound();
        }

        return result;
    }
}
