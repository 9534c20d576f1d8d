// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using WildDuck.Api.Endpoints;

namespace WildDuck.Api.Internal;

/// <summary>Every route of the API: mapped by <c>MapWildDuckApi</c> and described by /openapi.json from this one list.</summary>
internal static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All { get; } = Build();

    private static List<ApiRoute> Build()
    {
        var routes = new List<ApiRoute>();
        routes.AddRange(SystemEndpoints.Routes());
        routes.AddRange(AuthEndpoints.Routes());
        routes.AddRange(UserEndpoints.Routes());
        routes.AddRange(TotpEndpoints.Routes());
        routes.AddRange(WebAuthnEndpoints.Routes());
        routes.AddRange(CustomTwoFactorEndpoints.Routes());
        routes.AddRange(SecurityEndpoints.Routes());
        routes.AddRange(AddressEndpoints.Routes());
        routes.AddRange(ForwardedAddressEndpoints.Routes());
        routes.AddRange(MailboxEndpoints.Routes());
        routes.AddRange(MessageEndpoints.Routes());
        routes.AddRange(SearchEndpoints.Routes());
        routes.AddRange(SubmitEndpoints.Routes());
        routes.AddRange(UpdateEndpoints.Routes());
        routes.AddRange(FilterEndpoints.Routes());
        routes.AddRange(AutoreplyEndpoints.Routes());
        routes.AddRange(QuotaEndpoints.Routes());
        routes.AddRange(DomainAliasEndpoints.Routes());
        routes.AddRange(AddressAdminEndpoints.Routes());
        routes.AddRange(WebhookEndpoints.Routes());
        return routes;
    }
}
