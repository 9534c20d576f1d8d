// SPDX-License-Identifier: MIT
using System.Net.Http;

namespace WildDuck.Api.Tests;

public sealed class AddressTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public AddressTests(ApiHost api) => _api = api;

    [Fact]
    public async Task Add_list_get_resolve_and_delete_addresses()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var alias = _api.NewName("alias") + "@example.org";

        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/me/addresses", token, new JsonObject { ["address"] = alias });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var id = (string)created["id"]!;

        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/me/addresses", token);
        list["results"]!.AsArray().Select(a => (string)a!["address"]!).Should().BeEquivalentTo(new[] { user.Address, alias });

        var (_, one) = await _api.CallAsync(HttpMethod.Get, "/users/me/addresses/" + id, token);
        ((string)one["address"]!).Should().Be(alias);
        ((bool)one["main"]!).Should().BeFalse();

        var (_, resolved) = await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/" + Uri.EscapeDataString(alias));
        ((string)resolved["user"]!).Should().Be(user.Id.ToString());

        (await _api.CallAsync(HttpMethod.Delete, "/users/me/addresses/" + id, token)).Status.Should().Be(HttpStatusCode.OK);
        var (goneStatus, gone) = await _api.CallAsync(HttpMethod.Get, "/users/me/addresses/" + id, token);
        goneStatus.Should().Be(HttpStatusCode.NotFound);
        ((string)gone["code"]!).Should().Be("AddressNotFound");
        (await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/" + Uri.EscapeDataString(alias))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_taken_address_is_409_and_the_main_address_cannot_be_deleted()
    {
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + bob.Id + "/addresses", json: new JsonObject { ["address"] = alice.Address });
        status.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("AddressExistsError");

        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/" + alice.Id + "/addresses");
        var main = list["results"]!.AsArray().Single(a => (bool)a!["main"]!);
        (status, body) = await _api.CallAsync(HttpMethod.Delete, "/users/" + alice.Id + "/addresses/" + (string)main!["id"]!);
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("DisallowedMethod");
    }

    [Fact]
    public async Task An_invalid_address_is_a_validation_error()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/addresses", json: new JsonObject { ["address"] = "not an address" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["address"].Should().NotBeNull();
    }
}
