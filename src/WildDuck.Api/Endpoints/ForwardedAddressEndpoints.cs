// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Addressing;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// Forwarded addresses (reference §8.3 <c>/addresses/forwarded</c>, §1.2): addresses of no user whose
/// mail is forwarded to their targets (delivery: docs/delivery.md). Root only, like WildDuck.
/// </summary>
internal static class ForwardedAddressEndpoints
{
    private const string ForwardedCursor = "forwarded";

    /// <summary>Most targets of one address (WildDuck sets no limit; a forward fans out per target).</summary>
    private const int MaxTargets = 32;

    private static readonly FieldSpec[] EditableFields =
    {
        new("name", FieldType.String, "Identity name (the autoreply's default From name); \"\" removes it") { MaxLength = 256 },
        new("targets", FieldType.StringArray, "Where mail goes: addresses (mail: optional), smtp(s):// relays, http(s):// URLs") { MaxItems = MaxTargets, MaxLength = 1024 },
        new("forwards", FieldType.Integer, "Forwarded copies allowed per day (0 = the delivery default, 2000)") { Min = 0, Max = 1_000_000 },
        new("allowWildcard", FieldType.Boolean, "Allow * in the local part (catch-all forms)"),
        new("autoreply", FieldType.Object, "The address's own autoreply (given fields replace the stored ones)") { Fields = AutoreplyInput.Fields },
        new("forwardedDisabled", FieldType.Boolean, "Refuse mail to the address"),
    };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("POST", "/addresses/forwarded", "createForwardedAddress", "Addresses", "Creates a forwarded address (no user; mail goes to its targets)", RouteAccess.Root, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[] { new("address", FieldType.String, "The address; * in the local part with allowWildcard") { Required = true, MaxLength = 256 } },
                EditableFields),
        };

        yield return new ApiRoute("GET", "/addresses/forwarded", "listForwardedAddresses", "Addresses", "Lists forwarded addresses by address", RouteAccess.Root, ListAsync)
        {
            Paged = true,
            Query = new FieldSpec[] { new("query", FieldType.String, "Only addresses containing this text") { MaxLength = 256 } },
        };

        yield return new ApiRoute("GET", "/addresses/forwarded/{address}", "getForwardedAddress", "Addresses", "Gets a forwarded address by id or address", RouteAccess.Root, GetAsync);

        yield return new ApiRoute("PUT", "/addresses/forwarded/{address}", "updateForwardedAddress", "Addresses", "Changes a forwarded address (given fields only)", RouteAccess.Root, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[] { new("address", FieldType.String, "A new address (the id stays)") { MinLength = 3, MaxLength = 256 } },
                EditableFields),
        };

        yield return new ApiRoute("DELETE", "/addresses/forwarded/{address}", "deleteForwardedAddress", "Addresses", "Deletes a forwarded address", RouteAccess.Root, DeleteAsync);
    }

    /// <summary>The summary of a list entry and of the resolve route.</summary>
    public static JsonObject Summary(ForwardedAddressRecord address) => new()
    {
        ["id"] = address.Id.ToString(),
        ["address"] = address.Address,
        ["name"] = address.Name ?? string.Empty,
        ["targets"] = ApiJson.Strings(address.Targets),
        ["forwardedDisabled"] = address.ForwardedDisabled,
        ["created"] = ApiJson.Date(address.Created),
    };

    private static async Task<JsonObject> DescribeAsync(ApiCall call, ForwardedAddressRecord address)
    {
        var body = Summary(address);
        body["forwards"] = address.Forwards;

        // Delivery counts the address under its own id (WildDuck's wdf:<addressId>, MailDeliveryAgent.Forwarded).
        var usage = await call.Services.Forwards.GetUsageAsync(new UserId(address.Id), call.Aborted).ConfigureAwait(false);
        body["limits"] = new JsonObject { ["forwards"] = ApiJson.Limit(call.Services.ForwardLimit(address.Forwards), usage) };
        body["autoreply"] = AutoreplyInput.Describe(address.Autoreply ?? new AutoreplySettings());
        return body;
    }

    private static ApiException NotFound() => new(404, "AddressNotFound", "This address does not exist");

    private static ApiException Exists() => new(409, "AddressExistsError", "This address already exists");

    /// <summary>The path segment as an id, or as the exact address (labels and dots ignored, no alias or wildcard match).</summary>
    private static async Task<ForwardedAddressRecord> FindAsync(ApiCall call)
    {
        var text = call.Route("address");
        ForwardedAddressRecord? found;
        if (EntityId.TryParse(text, out var id))
        {
            found = await call.Services.Users.GetForwardedAddressAsync(id, call.Aborted).ConfigureAwait(false);
        }
        else if (AddressNormalizer.IsValidAddress(AddressNormalizer.Normalize(text, removeLabel: false, removeDots: false), allowWildcard: true))
        {
            var resolved = await call.Services.Users.ResolveRecipientAsync(text, allowWildcard: false, call.Aborted).ConfigureAwait(false);
            found = resolved?.Forwarded is { } forwarded && forwarded.AddressView == AddressNormalizer.AddressView(text) ? forwarded : null;
        }
        else
        {
            throw ApiException.Validation("address", "must be an address id or an address");
        }

        return found ?? throw NotFound();
    }

    /// <summary>
    /// The targets, checked: each a target (400 <c>targets[i]</c>), and at least one unless the
    /// autoreply is on (an address that only answers, reference §6.2).
    /// </summary>
    private static List<string>? ReadTargets(ApiCall call, bool required, bool autoreplyOn)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var given = call.Input.Strings("targets");
        var targets = given is null ? null : TargetInput.Parse(given, "targets", errors);
        if (errors.Count == 0 && (targets?.Count ?? (required ? 0 : 1)) == 0 && !autoreplyOn)
        {
            errors["targets"] = "needs at least one target unless the autoreply is on";
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        return targets;
    }

    /// <summary>
    /// Every message takes one copy per target from the daily limit, all or none: a limit below the
    /// number of targets would defer every message until the sender gives up, so it is refused.
    /// </summary>
    private static void CheckLimitCoversTargets(int forwards, int targets)
    {
        if (forwards > 0 && forwards < targets)
        {
            throw ApiException.Validation("forwards", "must be at least the number of targets (" + targets.ToString(System.Globalization.CultureInfo.InvariantCulture) + "): each message takes one copy per target");
        }
    }

    private static Func<StorageError, ApiException?> MapErrors(string addressField) => error => error switch
    {
        StorageError.AlreadyExists => Exists(),
        StorageError.Invalid => ApiException.Validation(addressField, "is not a valid address (a * needs allowWildcard)"),
        _ => null,
    };

    private static async Task CreateAsync(ApiCall call)
    {
        var input = call.Input;
        var autoreply = input.Object("autoreply") is { } given ? AutoreplyInput.Merge(given, new AutoreplySettings(), "autoreply.") : null;
        var targets = ReadTargets(call, required: true, autoreply?.Enabled == true) ?? new List<string>();
        CheckLimitCoversTargets((int)(input.Integer("forwards") ?? 0), targets.Count);
        var address = await StorageCalls.MapAsync(
            () => call.Services.Users.CreateForwardedAddressAsync(
                new CreateForwardedAddressRequest
                {
                    Address = input.String("address")!,
                    AllowWildcard = input.Flag("allowWildcard"),
                    Name = input.String("name"),
                    Targets = targets,
                    Forwards = (int)(input.Integer("forwards") ?? 0),
                    Autoreply = autoreply,
                    ForwardedDisabled = input.Flag("forwardedDisabled"),
                },
                call.Aborted),
            MapErrors("address")).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.AddressForwardedCreated, null, ("address", address.Address), ("addressId", address.Id.ToString()), ("targets", string.Join(',', address.Targets)));
        await call.OkAsync(new JsonObject { ["id"] = address.Id.ToString() }).ConfigureAwait(false);
    }

    private static Task ListAsync(ApiCall call) =>
        Pager.ForwardOnlyAsync(
            call,
            ForwardedCursor,
            (after, limit) => call.Services.Users.ListForwardedAddressesAsync(limit, after, call.Input.String("query"), call.Aborted),
            static address => address.AddressView,
            static address => Summary(address));

    private static async Task GetAsync(ApiCall call) =>
        await call.OkAsync(await DescribeAsync(call, await FindAsync(call).ConfigureAwait(false)).ConfigureAwait(false)).ConfigureAwait(false);

    private static async Task UpdateAsync(ApiCall call)
    {
        var current = await FindAsync(call).ConfigureAwait(false);
        var input = call.Input;
        var autoreply = input.Object("autoreply") is { } given ? AutoreplyInput.Merge(given, current.Autoreply ?? new AutoreplySettings(), "autoreply.") : null;
        var autoreplyOn = (autoreply ?? current.Autoreply)?.Enabled == true;
        var targets = ReadTargets(call, required: false, autoreplyOn);
        if (targets is null && current.Targets.Count == 0 && !autoreplyOn)
        {
            throw ApiException.Validation("targets", "needs at least one target unless the autoreply is on");
        }

        CheckLimitCoversTargets(input.Integer("forwards") is { } limit ? (int)limit : current.Forwards, targets?.Count ?? current.Targets.Count);
        var updated = await StorageCalls.MapAsync(
            () => call.Services.Users.UpdateForwardedAddressAsync(
                current.Id,
                new ForwardedAddressUpdate
                {
                    Address = input.String("address"),
                    AllowWildcard = input.Flag("allowWildcard"),
                    Name = input.Has("name") ? input.String("name") ?? string.Empty : null,
                    Targets = targets,
                    Forwards = input.Integer("forwards") is { } forwards ? (int)forwards : null,
                    Autoreply = autoreply,
                    ForwardedDisabled = input.Boolean("forwardedDisabled"),
                },
                call.Aborted),
            MapErrors("address")).ConfigureAwait(false);
        if (updated is null)
        {
            throw NotFound();
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var address = await FindAsync(call).ConfigureAwait(false);
        if (!await call.Services.Users.DeleteForwardedAddressAsync(address.Id, call.Aborted).ConfigureAwait(false))
        {
            throw NotFound();
        }

        call.Services.Publish(WildDuckEventTypes.AddressForwardedDeleted, null, ("address", address.Address), ("addressId", address.Id.ToString()));
        await call.OkAsync().ConfigureAwait(false);
    }
}
