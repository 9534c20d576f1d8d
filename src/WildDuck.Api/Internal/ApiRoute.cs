// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace WildDuck.Api.Internal;

/// <summary>Handles one API call after authentication and input validation.</summary>
internal delegate Task ApiHandler(ApiCall call);

/// <summary>The JSON type of an input field (query values are converted from text).</summary>
internal enum FieldType
{
    String,
    Integer,
    Boolean,
    StringArray,

    /// <summary>A JSON object with its own <see cref="FieldSpec.Fields"/> (bodies only).</summary>
    Object,

    /// <summary>An array of such objects (bodies only).</summary>
    ObjectArray,
}

/// <summary>Who may call a route.</summary>
internal enum RouteAccess
{
    /// <summary>No token needed.</summary>
    Public,

    /// <summary>Only the root token.</summary>
    Root,

    /// <summary>Root or webmail: services acting for users (POST /preauth).</summary>
    Service,

    /// <summary>Root, webmail (any user) or a user token (own records only, enforced by <see cref="ApiCall.UserAsync"/>).</summary>
    UserData,

    /// <summary>Only a user token (DELETE /authenticate).</summary>
    UserToken,
}

/// <summary>What the request body may be.</summary>
internal enum BodyKind
{
    None,
    Json,

    /// <summary>A JSON object, or the raw message with <c>Content-Type: message/rfc822</c>.</summary>
    JsonOrMessage,
}

/// <summary>
/// One input field: validates the request (unknown fields are refused) and documents it in
/// /openapi.json, so the two cannot disagree.
/// </summary>
internal sealed record FieldSpec(string Name, FieldType Type, string Description)
{
    public bool Required { get; init; }

    /// <summary>Shortest string accepted when given (required strings are never empty).</summary>
    public int MinLength { get; init; }

    /// <summary>Longest string (or array item) accepted.</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>Most items of a <see cref="FieldType.StringArray"/>.</summary>
    public int MaxItems { get; init; } = 32;

    public long Min { get; init; } = long.MinValue;

    public long Max { get; init; } = long.MaxValue;

    /// <summary>The members of an <see cref="FieldType.Object"/> or <see cref="FieldType.ObjectArray"/> item.</summary>
    public FieldSpec[]? Fields { get; init; }

    /// <summary>The accepted values of a string, when it is an enumeration.</summary>
    public string[]? Allowed { get; init; }
}

/// <summary>Building field lists from shared parts.</summary>
internal static class FieldSpecs
{
    public static FieldSpec[] Concat(params FieldSpec[][] parts)
    {
        var all = new List<FieldSpec>();
        foreach (var part in parts)
        {
            all.AddRange(part);
        }

        return all.ToArray();
    }
}

/// <summary>A route of the API: method, pattern, access, inputs, handler and its documentation.</summary>
internal sealed record ApiRoute(string Method, string Pattern, string OperationId, string Tag, string Summary, RouteAccess Access, ApiHandler Handler)
{
    public FieldSpec[] Query { get; init; } = Array.Empty<FieldSpec>();

    public FieldSpec[] Body { get; init; } = Array.Empty<FieldSpec>();

    public BodyKind BodyKind { get; init; }

    /// <summary>True for cursor-paged lists (adds limit, next, previous, page).</summary>
    public bool Paged { get; init; }

    /// <summary>
    /// True for the routes a token still waiting for its second factor may call (the 2FA checks and
    /// logout); every other route refuses such a token with 403 <c>Require2FA</c>.
    /// </summary>
    public bool AllowedBefore2fa { get; init; }

    /// <summary>
    /// True for the routes that would let a password alone around a second factor: creating an
    /// application password, removing a 2FA method. A user's own token cannot call them while the
    /// user has custom 2FA, which this API never sees checked (reference §7.4: an external system
    /// does), so its tokens are not held back like TOTP's; the trusted system calls them with the
    /// root or webmail token after its own check.
    /// </summary>
    public bool GuardsSecondFactor { get; init; }

    /// <summary>The success response's media type.</summary>
    public string Produces { get; init; } = "application/json";
}
