// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// Application-specific passwords and the authentication log (reference §8.3 "ASPs" and "Auth", §7.3, §7.5).
/// </summary>
internal static class SecurityEndpoints
{
    private const string AuthLogCursor = "authlog";

    private static readonly string[] AspScopes = { AccountPasswords.AllScopes, AuthenticationScope.Imap, AuthenticationScope.Pop3, AuthenticationScope.Smtp };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/asps", "listAsps", "ApplicationPasswords", "Lists the user's application-specific passwords (never the passwords)", RouteAccess.UserData, ListAspsAsync);

        yield return new ApiRoute("POST", "/users/{user}/asps", "createAsp", "ApplicationPasswords",
            "Creates an application-specific password for IMAP, POP3 or SMTP; the response shows it once", RouteAccess.UserData, CreateAspAsync)
        {
            GuardsSecondFactor = true,
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("description", FieldType.String, "What the password is for") { Required = true, MaxLength = 255 },
                    new("scopes", FieldType.StringArray, "imap, pop3, smtp or * (default *)") { Allowed = AspScopes, MaxItems = 4 },
                    new("password", FieldType.String, "A password to use instead of a generated one: 16 letters a-z (spaces ignored)") { MaxLength = 64 },
                    new("ttl", FieldType.Integer, "Seconds of inactivity after which the password expires (default: never)") { Min = 1, Max = 10L * 365 * 24 * 3600 },
                    new("generateMobileconfig", FieldType.Boolean, "Also return an Apple configuration profile (base64) that sets the account up with this password; needs scope * or imap/pop3 with smtp"),
                },
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("GET", "/users/{user}/asps/{asp}", "getAsp", "ApplicationPasswords", "Gets one application-specific password's details", RouteAccess.UserData, GetAspAsync);

        yield return new ApiRoute("DELETE", "/users/{user}/asps/{asp}", "deleteAsp", "ApplicationPasswords", "Deletes an application-specific password", RouteAccess.UserData, DeleteAspAsync)
        {
            Query = SecurityEvents.LogFields,
        };

        yield return new ApiRoute("GET", "/users/{user}/authlog", "listAuthlog", "Authentication", "Lists the user's authentication log, newest first", RouteAccess.UserData, ListAuthLogAsync)
        {
            Paged = true,
            Query = new FieldSpec[]
            {
                new("action", FieldType.String, "Only entries with this action (e.g. authentication, create asp)") { MaxLength = 64 },
                new("filterIp", FieldType.String, "Only entries from this client IP") { MaxLength = 64 },
            },
        };

        yield return new ApiRoute("GET", "/users/{user}/authlog/{event}", "getAuthlogEvent", "Authentication", "Gets one entry of the user's authentication log", RouteAccess.UserData, GetAuthLogEventAsync);
    }

    private static IAspStore Asps(ApiCall call) =>
        call.Services.Asps ?? throw new ApiException(503, "AspsUnavailable", "The store does not keep application-specific passwords");

    private static IAuthLogStore AuthLog(ApiCall call) =>
        call.Services.AuthLog ?? throw new ApiException(503, "AuthlogUnavailable", "The store does not keep an authentication log");

    private static JsonObject DescribeAsp(AspRecord asp) => new()
    {
        ["id"] = asp.Id.ToString(),
        ["description"] = asp.Description,
        ["scopes"] = ApiJson.Strings(asp.Scopes),
        ["lastUse"] = new JsonObject
        {
            ["time"] = asp.LastUse is { } used ? ApiJson.Date(used) : false,
            ["ip"] = asp.LastIp is { } ip ? ip : false,
        },
        ["ttl"] = asp.Ttl is { } ttl ? (long)ttl.TotalSeconds : false,
        ["expires"] = asp.Expires is { } expires ? ApiJson.Date(expires) : false,
        ["created"] = ApiJson.Date(asp.Created),
    };

    private static async Task ListAspsAsync(ApiCall call)
    {
        var store = Asps(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var results = new JsonArray();
        foreach (var asp in await store.ListAspsAsync(user.Id, call.Services.Time.GetUtcNow(), call.Aborted).ConfigureAwait(false))
        {
            results.Add((JsonNode)DescribeAsp(asp));
        }

        await call.OkAsync(new JsonObject { ["results"] = results }).ConfigureAwait(false);
    }

    private static async Task CreateAspAsync(ApiCall call)
    {
        var store = Asps(call);
        var input = call.Input;
        var user = await call.UserAsync().ConfigureAwait(false);
        var description = input.String("description")!.Trim();
        if (description.Length == 0)
        {
            throw ApiException.Validation("description", "must not be empty");
        }

        // Allowed values are checked by the field spec; this folds "*" and all three protocols into ["*"].
        var scopes = AccountPasswords.NormalizeApplicationScopes(input.Strings("scopes"))!;
        string password;
        if (input.String("password") is { } chosen)
        {
            password = AccountPasswords.NormalizeApplicationPassword(chosen) ?? throw ApiException.Validation("password", "must be 16 letters a-z (spaces are ignored)");
        }
        else
        {
            password = AccountPasswords.NewApplicationPassword();
        }

        // A profile sets up receiving and sending, so the password must open both (reference §7.3).
        bool mobileconfig = input.Flag("generateMobileconfig");
        bool all = scopes.Contains(AccountPasswords.AllScopes);
        if (mobileconfig && !all && !(scopes.Contains(AuthenticationScope.Smtp) && (scopes.Contains(AuthenticationScope.Imap) || scopes.Contains(AuthenticationScope.Pop3))))
        {
            throw ApiException.Validation("scopes", "generateMobileconfig needs scope * or imap (or pop3) together with smtp");
        }

        if (mobileconfig && user.Address is null)
        {
            throw new ApiException(400, "NoAddress", "The user has no main address for the profile");
        }

        var now = call.Services.Time.GetUtcNow();
        TimeSpan? ttl = input.Integer("ttl") is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        var asp = new AspRecord
        {
            Id = EntityId.NewId(call.Services.Time),
            User = user.Id,
            Description = description,
            Scopes = scopes,
            PasswordHash = call.Services.PasswordHasher.Hash(password),
            Selector = AccountPasswords.Selector(password),
            Created = now,
            Ttl = ttl,
            Expires = now + ttl,
        };
        // The profile is built (and signed) before the password is stored: if building fails, no
        // working password is left behind that nobody was ever shown.
        byte[]? profile = null;
        if (mobileconfig)
        {
            bool pop3 = !all && !scopes.Contains(AuthenticationScope.Imap);
            profile = call.Services.Profiles.Build(user.Address!, user.Username, user.Name, password, pop3, Guid.NewGuid(), Guid.NewGuid());
        }

        await StorageCalls.MapAsync(
            () => store.CreateAspAsync(asp, call.Services.WildDuck.Authentication.MaxApplicationPasswords, now, call.Aborted),
            static error => error switch
            {
                StorageError.NotFound => ApiException.UserNotFound(),
                StorageError.Limit => new ApiException(403, "TooMany", "Too many application-specific passwords (WildDuck:Authentication:MaxApplicationPasswords); delete one first"),
                _ => null,
            }).ConfigureAwait(false);
        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.CreateAsp, asp).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.AspCreated, user.Id, ("asp", asp.Id.ToString()), ("description", asp.Description));

        // The only time the password leaves the server (reference §7.3): it is stored hashed.
        var body = new JsonObject
        {
            ["id"] = asp.Id.ToString(),
            ["password"] = password,
            ["name"] = user.Name ?? user.Username,
            ["address"] = user.Address,
            ["scopes"] = ApiJson.Strings(scopes),
        };
        if (profile is not null)
        {
            body["mobileconfig"] = Convert.ToBase64String(profile);
        }

        await call.OkAsync(body).ConfigureAwait(false);
    }

    private static async Task<AspRecord> FindAspAsync(ApiCall call, IAspStore store, UserRecord user)
    {
        if (!EntityId.TryParse(call.Route("asp"), out var id))
        {
            throw ApiException.Validation("asp", "must be an application password id");
        }

        return await store.GetAspAsync(user.Id, id, call.Services.Time.GetUtcNow(), call.Aborted).ConfigureAwait(false) ?? throw AspNotFound();
    }

    private static ApiException AspNotFound() => new(404, "AspNotFound", "This application-specific password does not exist");

    private static async Task GetAspAsync(ApiCall call)
    {
        var store = Asps(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var asp = await FindAspAsync(call, store, user).ConfigureAwait(false);
        await call.OkAsync(DescribeAsp(asp)).ConfigureAwait(false);
    }

    private static async Task DeleteAspAsync(ApiCall call)
    {
        var store = Asps(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        var asp = await FindAspAsync(call, store, user).ConfigureAwait(false);
        if (!await store.DeleteAspAsync(user.Id, asp.Id, call.Aborted).ConfigureAwait(false))
        {
            throw AspNotFound();
        }

        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.DeleteAsp, asp).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.AspDeleted, user.Id, ("asp", asp.Id.ToString()));
        await call.OkAsync().ConfigureAwait(false);
    }

    private static JsonObject DescribeEvent(AuthEventRecord entry)
    {
        var body = new JsonObject
        {
            ["id"] = entry.Id.ToString(),
            ["action"] = entry.Action,
            ["result"] = entry.Result,
            ["reason"] = entry.Reason,
            ["protocol"] = entry.Protocol,
            ["sess"] = entry.Session,
            ["ip"] = entry.RemoteAddress,
            ["requiredScope"] = entry.RequiredScope,
            ["source"] = entry.Source,
            ["events"] = entry.Events,
            ["created"] = ApiJson.Date(entry.Created),
            ["last"] = ApiJson.Date(entry.Last),
            ["expires"] = ApiJson.Date(entry.Expires),
        };
        if (entry.Asp is { } asp)
        {
            body["asp"] = asp.ToString();
            body["aname"] = entry.AspName;
        }

        return body;
    }

    private static async Task ListAuthLogAsync(ApiCall call)
    {
        var store = AuthLog(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        int limit = call.PageLimit;

        // The log is listed newest first: the next page holds older entries (ids before), the previous newer ones.
        var position = Pager.IdCursors(call, AuthLogCursor);
        var read = await store.ListAuthEventsAsync(
            user.Id,
            new AuthEventQuery { Action = call.Input.String("action"), RemoteAddress = call.Input.String("filterIp"), Before = position.Next, After = position.Previous, Limit = limit + 1 },
            call.Services.Time.GetUtcNow(),
            call.Aborted).ConfigureAwait(false);
        var page = Pager.IdPage(position, read.Events, read.Total, static e => e.Id, AuthLogCursor, limit);
        var results = new JsonArray();
        foreach (var entry in page.Items)
        {
            results.Add((JsonNode)DescribeEvent(entry));
        }

        await call.OkAsync(Pager.Response(page, call, results)).ConfigureAwait(false);
    }

    private static async Task GetAuthLogEventAsync(ApiCall call)
    {
        var store = AuthLog(call);
        var user = await call.UserAsync().ConfigureAwait(false);
        if (!EntityId.TryParse(call.Route("event"), out var id))
        {
            throw ApiException.Validation("event", "must be an event id");
        }

        var entry = await store.GetAuthEventAsync(user.Id, id, call.Services.Time.GetUtcNow(), call.Aborted).ConfigureAwait(false)
            ?? throw new ApiException(404, "AuthlogNotFound", "This event does not exist");
        await call.OkAsync(DescribeEvent(entry)).ConfigureAwait(false);
    }
}
