// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Internal;

/// <summary>The client of a call as the authentication log and the rate limits see it, and recording changes there.</summary>
internal static class SecurityEvents
{
    /// <summary>Session id (<c>sess</c>) and client IP (<c>ip</c>) fields for routes that log (reference §8.1).</summary>
    public static FieldSpec[] LogFields { get; } =
    {
        new("sess", FieldType.String, "Session id for logs") { MaxLength = 255 },
        new("ip", FieldType.String, "Client IP for logs; honoured for root and webmail tokens only") { MaxLength = 64 },
    };

    /// <summary>
    /// The client IP: the <c>ip</c> parameter when a trusted caller (a webmail server acting for its users) gives
    /// it, else the connection's. Anyone else could use the parameter to dodge the per-IP failure limit.
    /// </summary>
    public static string? ClientIp(ApiCall call)
    {
        var connection = call.Http.Connection.RemoteIpAddress?.ToString();
        return call.Caller.Role is ApiRole.Root or ApiRole.Webmail ? call.Input.String("ip") ?? connection : connection;
    }

    /// <summary>Records a security-relevant change of <paramref name="user"/> made through the API (best effort).</summary>
    public static Task RecordAsync(ApiCall call, UserId user, string action, AspRecord? asp = null)
    {
        if (call.Services.SecurityLog is not { } log)
        {
            return Task.CompletedTask;
        }

        // Not the request's token: the change is committed, so its record is written even if the client left.
        return log.RecordAsync(
            new AuthEvent
            {
                User = user,
                Action = action,
                Protocol = "API",
                Session = call.Input.String("sess"),
                RemoteAddress = ClientIp(call),
                Asp = asp?.Id,
                AspName = asp?.Description,
            },
            CancellationToken.None);
    }
}
