// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>Quota recalculation (reference §8.3: <c>POST /users/:user/quota/reset</c>, <c>POST /quota/reset</c>).</summary>
internal static class QuotaEndpoints
{
    /// <summary>Users read per store call while recounting everyone.</summary>
    private const int Batch = 100;

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("POST", "/users/{user}/quota/reset", "resetUserQuota", "Users", "Recounts the user's storage usage from its messages", RouteAccess.Root, ResetUserAsync);

        yield return new ApiRoute("POST", "/quota/reset", "resetAllQuotas", "Users", "Recounts the storage usage of every user (synchronously)", RouteAccess.Root, ResetAllAsync);
    }

    private static IStoreMaintenance Store(ApiCall call) =>
        call.Services.Maintenance ?? throw new ApiException(503, "ServiceUnavailable", "This storage backend cannot recount quotas");

    private static async Task ResetUserAsync(ApiCall call)
    {
        var id = call.UserIdFromRoute();
        var recount = await Store(call).RecalculateStorageAsync(id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        await call.OkAsync(new JsonObject { ["storageUsed"] = recount.After, ["previousStorageUsed"] = recount.Before }).ConfigureAwait(false);
    }

    /// <summary>
    /// WildDuck runs this as a background task; here it runs in the request, a page of users at a
    /// time (so memory stays bounded), and answers with how many users were recounted and changed.
    /// </summary>
    private static async Task ResetAllAsync(ApiCall call)
    {
        var store = Store(call);
        long users = 0;
        long changed = 0;
        string? after = null;
        while (true)
        {
            var page = await call.Services.Users.ListUsersAsync(Batch, after, call.Aborted).ConfigureAwait(false);
            foreach (var user in page)
            {
                if (await store.RecalculateStorageAsync(user.Id, call.Aborted).ConfigureAwait(false) is { } recount)
                {
                    users++;
                    changed += recount.Before != recount.After ? 1 : 0;
                }
            }

            if (page.Count < Batch)
            {
                break;
            }

            after = page[^1].Username;
        }

        await call.OkAsync(new JsonObject { ["users"] = users, ["changed"] = changed }).ConfigureAwait(false);
    }
}
