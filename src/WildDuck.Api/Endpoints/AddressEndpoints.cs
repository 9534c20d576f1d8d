// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>User addresses and address resolution (reference §8.3 "Addresses").</summary>
internal static class AddressEndpoints
{
    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/addresses", "listUserAddresses", "Addresses", "Lists the user's addresses", RouteAccess.UserData, ListAsync);

        yield return new ApiRoute("POST", "/users/{user}/addresses", "createUserAddress", "Addresses", "Adds an address to the user", RouteAccess.UserData, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("address", FieldType.String, "The address; * in the local part makes a catch-all (not as main)") { Required = true, MaxLength = 256 },
                new("main", FieldType.Boolean, "Make it the main address"),
                new("name", FieldType.String, "The identity name shown with the address") { MaxLength = 128 },
            },
        };

        yield return new ApiRoute("GET", "/users/{user}/addresses/{address}", "getUserAddress", "Addresses", "Gets one of the user's addresses", RouteAccess.UserData, GetAsync);

        yield return new ApiRoute("DELETE", "/users/{user}/addresses/{address}", "deleteUserAddress", "Addresses", "Removes an address (not the main address)", RouteAccess.UserData, DeleteAsync);

        yield return new ApiRoute("GET", "/addresses/resolve/{address}", "resolveAddress", "Addresses", "Resolves an address to its owner, or to a forwarded address with its targets (domain aliases; wildcards with allowWildcard)", RouteAccess.Root, ResolveAsync)
        {
            Query = new FieldSpec[] { new("allowWildcard", FieldType.Boolean, "Also match catch-all addresses") },
        };
    }

    /// <summary>An address as the address endpoints show it.</summary>
    internal static JsonObject Describe(AddressRecord address) => new()
    {
        ["id"] = address.Id.ToString(),
        ["address"] = address.Address,
        ["name"] = address.Name,
        ["main"] = address.Main,
        ["user"] = address.User.ToString(),
        ["created"] = ApiJson.Date(address.Created),
    };

    private static async Task ListAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var addresses = await call.Services.Users.ListAddressesAsync(user.Id, call.Aborted).ConfigureAwait(false);
        var results = new JsonArray();
        foreach (var address in addresses)
        {
            results.Add((JsonNode?)Describe(address));
        }

        await call.OkAsync(new JsonObject { ["results"] = results }).ConfigureAwait(false);
    }

    private static async Task CreateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var address = await StorageCalls.MapAsync(
            () => call.Services.Users.AddAddressAsync(user.Id, call.Input.String("address")!, call.Input.Flag("main"), call.Input.String("name"), call.Aborted),
            static error => error switch
            {
                StorageError.AlreadyExists => new ApiException(409, "AddressExistsError", "This address already exists"),
                StorageError.Invalid => ApiException.Validation("address", "is not a valid address"),
                _ => null,
            }).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.AddressUserCreated, user.Id, ("address", address.Address), ("addressId", address.Id.ToString()));
        await call.OkAsync(new JsonObject { ["id"] = address.Id.ToString() }).ConfigureAwait(false);
    }

    /// <summary>The user's address named by the route's <c>{address}</c> id; 404 <c>AddressNotFound</c> otherwise.</summary>
    internal static async Task<AddressRecord> FindAsync(ApiCall call, UserRecord user)
    {
        if (!EntityId.TryParse(call.Route("address"), out var id))
        {
            throw ApiException.Validation("address", "must be an address id");
        }

        foreach (var address in await call.Services.Users.ListAddressesAsync(user.Id, call.Aborted).ConfigureAwait(false))
        {
            if (address.Id == id)
            {
                return address;
            }
        }

        throw new ApiException(404, "AddressNotFound", "This address does not exist");
    }

    private static async Task GetAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        await call.OkAsync(Describe(await FindAsync(call, user).ConfigureAwait(false))).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var address = await FindAsync(call, user).ConfigureAwait(false);
        if (address.Main)
        {
            throw MainAddress();
        }

        var deleted = await StorageCalls.MapAsync(
            () => call.Services.Users.DeleteAddressAsync(user.Id, address.Id, call.Aborted),
            static error => error == StorageError.Cannot ? MainAddress() : null).ConfigureAwait(false);
        if (!deleted)
        {
            throw new ApiException(404, "AddressNotFound", "This address does not exist");
        }

        call.Services.Publish(WildDuckEventTypes.AddressUserDeleted, user.Id, ("address", address.Address), ("addressId", address.Id.ToString()));
        await call.OkAsync().ConfigureAwait(false);
    }

    private static ApiException MainAddress() => new(400, "DisallowedMethod", "Can not delete main address");

    private static async Task ResolveAsync(ApiCall call)
    {
        var resolved = await call.Services.Users.ResolveRecipientAsync(call.Route("address"), call.Input.Flag("allowWildcard"), call.Aborted).ConfigureAwait(false);
        if (resolved?.Forwarded is { } forwarded)
        {
            // WildDuck's "result without a user": a forwarded address, shown with its targets.
            var body = ForwardedAddressEndpoints.Summary(forwarded);
            body["forwarded"] = true;
            await call.OkAsync(body).ConfigureAwait(false);
            return;
        }

        var address = resolved?.UserAddress ?? throw new ApiException(404, "AddressNotFound", "This address does not exist");
        await call.OkAsync(Describe(address)).ConfigureAwait(false);
    }
}
