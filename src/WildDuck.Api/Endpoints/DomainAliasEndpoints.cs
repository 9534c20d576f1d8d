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
/// Domain aliases (reference §8.3 "Domain aliases", §6.2 step 2): mail for <c>local@alias</c>
/// resolves as <c>local@domain</c>. Root only. The alias name is the key (WildDuck uses an id).
/// </summary>
internal static class DomainAliasEndpoints
{
    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/domainaliases", "listDomainAliases", "Domain aliases", "Lists domain aliases", RouteAccess.Root, ListAsync);

        yield return new ApiRoute("POST", "/domainaliases", "createDomainAlias", "Domain aliases", "Makes alias an alias of domain", RouteAccess.Root, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("alias", FieldType.String, "The alias domain") { Required = true, MaxLength = 253 },
                new("domain", FieldType.String, "The domain it stands for") { Required = true, MaxLength = 253 },
            },
        };

        yield return new ApiRoute("GET", "/domainaliases/resolve/{alias}", "resolveDomainAlias", "Domain aliases", "The domain an alias stands for", RouteAccess.Root, ResolveAsync);

        yield return new ApiRoute("DELETE", "/domainaliases/{alias}", "deleteDomainAlias", "Domain aliases", "Removes a domain alias", RouteAccess.Root, DeleteAsync);
    }

    private static JsonObject Describe(DomainAlias alias) => new() { ["alias"] = alias.Alias, ["domain"] = alias.Domain };

    /// <summary>True for a domain name (normalised): what an address may have after its @.</summary>
    internal static bool IsDomain(string text) => AddressNormalizer.IsValidAddress("postmaster@" + text);

    private static ApiException NotFound() => new(404, "AliasNotFound", "This domain alias does not exist");

    private static async Task ListAsync(ApiCall call)
    {
        var results = new JsonArray();
        foreach (var alias in await call.Services.Users.ListDomainAliasesAsync(call.Aborted).ConfigureAwait(false))
        {
            results.Add((JsonNode)Describe(alias));
        }

        await call.OkAsync(new JsonObject { ["results"] = results }).ConfigureAwait(false);
    }

    private static async Task CreateAsync(ApiCall call)
    {
        var alias = AddressNormalizer.NormalizeDomain(call.Input.String("alias")!);
        var domain = AddressNormalizer.NormalizeDomain(call.Input.String("domain")!);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!IsDomain(alias))
        {
            errors["alias"] = "must be a domain name";
        }

        if (!IsDomain(domain))
        {
            errors["domain"] = "must be a domain name";
        }
        else if (domain == alias)
        {
            errors["domain"] = "must differ from the alias";
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        await StorageCalls.MapAsync(
            () => call.Services.Users.AddDomainAliasAsync(new DomainAlias(alias, domain), call.Aborted),
            static error => error == StorageError.AlreadyExists ? new ApiException(409, "AliasExistsError", "This domain alias already exists") : null).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.DomainAliasCreated, null, ("alias", alias), ("domain", domain));
        await call.OkAsync(Describe(new DomainAlias(alias, domain))).ConfigureAwait(false);
    }

    private static async Task ResolveAsync(ApiCall call)
    {
        var name = AddressNormalizer.NormalizeDomain(call.Route("alias"));
        foreach (var alias in await call.Services.Users.ListDomainAliasesAsync(call.Aborted).ConfigureAwait(false))
        {
            if (alias.Alias == name)
            {
                await call.OkAsync(Describe(alias)).ConfigureAwait(false);
                return;
            }
        }

        throw NotFound();
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var name = AddressNormalizer.NormalizeDomain(call.Route("alias"));
        if (!await call.Services.Users.DeleteDomainAliasAsync(name, call.Aborted).ConfigureAwait(false))
        {
            throw NotFound();
        }

        call.Services.Publish(WildDuckEventTypes.DomainAliasDeleted, null, ("alias", name));
        await call.OkAsync().ConfigureAwait(false);
    }
}
