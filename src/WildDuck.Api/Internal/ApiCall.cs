// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>One authenticated, validated call: the caller, the input, and helpers for route values.</summary>
internal sealed class ApiCall
{
    public ApiCall(HttpContext http, Caller caller, ApiInput input, ApiServices services)
    {
        Http = http;
        Caller = caller;
        Input = input;
        Services = services;
    }

    public HttpContext Http { get; }

    public Caller Caller { get; }

    public ApiInput Input { get; }

    public ApiServices Services { get; }

    public CancellationToken Aborted => Http.RequestAborted;

    public bool IsRoot => Caller.Role == ApiRole.Root;

    public int PageLimit => (int)(Input.Integer("limit") ?? Services.Options.DefaultPageSize);

    public string Route(string name) => Http.Request.RouteValues[name] as string ?? string.Empty;

    /// <summary>
    /// The <c>{user}</c> of the route: an id, or <c>me</c> with a user token. A user token may only
    /// name its own user; that is checked before the lookup so nothing about other users leaks.
    /// </summary>
    public UserId UserIdFromRoute() => UserIdFromRoute(Http, Caller);

    /// <inheritdoc cref="UserIdFromRoute()"/>
    public static UserId UserIdFromRoute(HttpContext http, Caller caller)
    {
        var text = http.Request.RouteValues["user"] as string;
        UserId id;
        if (text == "me")
        {
            id = caller.User ?? throw ApiException.Validation("user", "\"me\" needs a user token");
        }
        else if (!UserId.TryParse(text, out id))
        {
            throw ApiException.Validation("user", "must be a user id or \"me\"");
        }

        if (caller.Role == ApiRole.User && caller.User != id)
        {
            throw ApiException.MissingPrivileges();
        }

        return id;
    }

    /// <summary>The <c>{user}</c> of the route, loaded (404 when it does not exist).</summary>
    public async Task<UserRecord> UserAsync()
    {
        var id = UserIdFromRoute();
        if (Caller.UserRecord is { } own && own.Id == id)
        {
            return own;
        }

        return await Services.Users.GetUserAsync(id, Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
    }

    /// <summary>The <c>{mailbox}</c> of the route, loaded for the user (404 when it does not exist or is not theirs).</summary>
    public async Task<MailboxRecord> MailboxAsync(UserRecord user)
    {
        if (!MailboxId.TryParse(Route("mailbox"), out var id))
        {
            throw ApiException.Validation("mailbox", "must be a mailbox id");
        }

        return await Services.Mailboxes.GetMailboxAsync(user.Id, id, Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
    }

    /// <summary>The <c>{message}</c> of the route: a UID.</summary>
    public uint MessageUid()
    {
        if (!uint.TryParse(Route("message"), NumberStyles.None, CultureInfo.InvariantCulture, out var uid) || uid == 0)
        {
            throw ApiException.Validation("message", "must be a message id (a positive integer)");
        }

        return uid;
    }

    /// <summary>Refuses the call unless the caller is root (fields only root may set).</summary>
    public void RequireRoot()
    {
        if (!IsRoot)
        {
            throw ApiException.MissingPrivileges();
        }
    }

    /// <summary>Writes <paramref name="body"/> with <c>success: true</c> first.</summary>
    public Task OkAsync(JsonObject? body = null, int status = StatusCodes.Status200OK)
    {
        var response = new JsonObject { ["success"] = true };
        if (body is not null)
        {
            foreach (var (name, value) in body.ToArray())
            {
                body.Remove(name);
                response[name] = value;
            }
        }

        return ApiJson.WriteAsync(Http, status, response, Aborted);
    }
}
