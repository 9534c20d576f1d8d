// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Addressing;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// Address administration (reference §8.3 "Addresses"): every user's addresses, updating one of a
/// user's addresses, and moving a domain's addresses to another domain.
/// </summary>
internal static class AddressAdminEndpoints
{
    private const string AddressesCursor = "addresses";

    private const string CatchAllNotMain = "a catch-all address cannot be the main address";

    public static IEnumerable<ApiRoute> Routes()
    {
        // Addresses carry no tags in this model, so WildDuck's tags/requiredTags filters do not apply.
        yield return new ApiRoute("GET", "/addresses", "listAddresses", "Addresses", "Lists the addresses of every user by address", RouteAccess.Root, ListAsync)
        {
            Paged = true,
            Query = new FieldSpec[] { new("query", FieldType.String, "Only addresses containing this text (case-insensitive, literal)") { MaxLength = 256 } },
        };

        yield return new ApiRoute("PUT", "/users/{user}/addresses/{address}", "updateUserAddress", "Addresses",
            "Updates one of the user's addresses: rename it, set its identity name, make it the main address", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("address", FieldType.String, "The new address; * in the local part makes a catch-all (not for the main address)") { MinLength = 1, MaxLength = 256 },
                new("name", FieldType.String, "The identity name shown with the address (\"\" removes it)") { MaxLength = 128 },
                new("main", FieldType.Boolean, "true makes it the main address (the previous main address stops being main)"),
            },
        };

        yield return new ApiRoute("PUT", "/addresses/renameDomain", "renameAddressDomain", "Addresses",
            "Moves every address at oldDomain to newDomain (local parts stay); taken addresses stay and are listed", RouteAccess.Root, RenameDomainAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("oldDomain", FieldType.String, "The domain the addresses are at") { Required = true, MaxLength = 253 },
                new("newDomain", FieldType.String, "The domain they move to") { Required = true, MaxLength = 253 },
            },
        };
    }

    private static Task ListAsync(ApiCall call) =>
        Pager.ForwardOnlyAsync(
            call,
            AddressesCursor,
            (after, limit) => call.Services.Users.ListAllAddressesAsync(limit, after, call.Input.String("query"), call.Aborted),
            static address => address.AddressView,
            static address => AddressEndpoints.Describe(address));

    private static async Task UpdateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var current = await AddressEndpoints.FindAsync(call, user).ConfigureAwait(false);
        var input = call.Input;
        var update = new AddressUpdate { Address = input.String("address"), Name = input.String("name"), MakeMain = input.Boolean("main") == true };
        Validate(current, update, input.Boolean("main"));

        var updated = await StorageCalls.MapAsync(
            () => call.Services.Users.UpdateAddressAsync(user.Id, current.Id, update, call.Aborted),
            static error => error switch
            {
                StorageError.AlreadyExists => new ApiException(409, "AddressExistsError", "This address already exists"),
                StorageError.Invalid => ApiException.Validation("address", "is not a valid address"),
                _ => null,
            }).ConfigureAwait(false)
            ?? throw new ApiException(404, "AddressNotFound", "This address does not exist");
        await call.OkAsync(AddressEndpoints.Describe(updated)).ConfigureAwait(false);
    }

    /// <summary>Per-field checks before the store is asked (the store repeats the rules against races).</summary>
    private static void Validate(AddressRecord current, AddressUpdate update, bool? main)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var address = current.Address;
        if (update.Address is { } renamed)
        {
            address = AddressNormalizer.Normalize(renamed);
            if (!AddressNormalizer.IsValidAddress(address, allowWildcard: true))
            {
                errors["address"] = "is not a valid address";
            }
            else if (current.Main && address.Contains('*', StringComparison.Ordinal))
            {
                errors["address"] = CatchAllNotMain;
            }
        }

        if (main == false && current.Main)
        {
            errors["main"] = "the main address stops being main only when another address becomes main";
        }
        else if (update.MakeMain && !current.Main && address.Contains('*', StringComparison.Ordinal))
        {
            errors["main"] = CatchAllNotMain;
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
    }

    private static async Task RenameDomainAsync(ApiCall call)
    {
        var oldDomain = AddressNormalizer.NormalizeDomain(call.Input.String("oldDomain")!);
        var newDomain = AddressNormalizer.NormalizeDomain(call.Input.String("newDomain")!);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!DomainAliasEndpoints.IsDomain(oldDomain))
        {
            errors["oldDomain"] = "must be a domain name";
        }

        if (!DomainAliasEndpoints.IsDomain(newDomain))
        {
            errors["newDomain"] = "must be a domain name";
        }
        else if (newDomain == oldDomain)
        {
            errors["newDomain"] = "must differ from oldDomain";
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        var result = await call.Services.Users.RenameAddressDomainAsync(oldDomain, newDomain, call.Aborted).ConfigureAwait(false);
        if (result.Renamed > 0)
        {
            call.Services.Publish(
                WildDuckEventTypes.AddressDomainRenamed,
                null,
                ("oldDomain", oldDomain),
                ("newDomain", newDomain),
                ("modifiedAddresses", result.Renamed.ToString(CultureInfo.InvariantCulture)));
        }

        var conflicts = new JsonArray();
        foreach (var address in result.Conflicts)
        {
            conflicts.Add((JsonNode?)address);
        }

        await call.OkAsync(new JsonObject
        {
            ["modifiedAddresses"] = result.Renamed,
            ["modifiedUsers"] = result.MainAddresses,
            ["conflicts"] = conflicts,
        }).ConfigureAwait(false);
    }
}
