// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>The user's automatic reply (reference §8.3 "Autoreply", §6.6) over <see cref="IAutoreplyStore"/>.</summary>
internal static class AutoreplyEndpoints
{
    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/autoreply", "getAutoreply", "Autoreply", "Gets the autoreply settings", RouteAccess.UserData, GetAsync);

        yield return new ApiRoute("PUT", "/users/{user}/autoreply", "updateAutoreply", "Autoreply", "Changes the autoreply settings (given fields only; the sender log restarts)", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = AutoreplyInput.Fields,
        };

        yield return new ApiRoute("DELETE", "/users/{user}/autoreply", "deleteAutoreply", "Autoreply", "Removes the autoreply settings", RouteAccess.UserData, DeleteAsync);
    }

    private static IAutoreplyStore Store(ApiCall call) =>
        call.Services.Autoreplies ?? throw new ApiException(503, "ServiceUnavailable", "This storage backend keeps no autoreplies");

    private static async Task GetAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var settings = await Store(call).GetAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? new AutoreplySettings();
        await call.OkAsync(AutoreplyInput.Describe(settings)).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var current = await Store(call).GetAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false) ?? new AutoreplySettings();
        var settings = AutoreplyInput.Merge(call.Input, current);
        await StorageCalls.MapAsync(
            () => Store(call).SetAutoreplyAsync(user.Id, settings, call.Aborted),
            static error => error == StorageError.NotFound ? ApiException.UserNotFound() : null).ConfigureAwait(false);
        if (settings.Enabled != current.Enabled)
        {
            call.Services.Publish(settings.Enabled ? WildDuckEventTypes.AutoreplyEnabled : WildDuckEventTypes.AutoreplyDisabled, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var current = await Store(call).GetAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false);
        await Store(call).DeleteAutoreplyAsync(user.Id, call.Aborted).ConfigureAwait(false);
        if (current is { Enabled: true })
        {
            call.Services.Publish(WildDuckEventTypes.AutoreplyDisabled, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }
}
