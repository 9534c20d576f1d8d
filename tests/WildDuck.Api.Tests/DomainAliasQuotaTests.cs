// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Api.Tests;

public sealed class DomainAliasQuotaTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public DomainAliasQuotaTests(ApiHost api) => _api = api;

    [Fact]
    public async Task Domain_aliases_are_created_resolved_used_for_address_resolution_and_deleted()
    {
        var user = await _api.CreateUserAsync();
        var alias = _api.NewName("alias") + ".example";
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/domainaliases", json: new JsonObject { ["alias"] = alias.ToUpperInvariant(), ["domain"] = "example.test" });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        ((string)created["alias"]!).Should().Be(alias, "stored normalised");

        (await _api.CallAsync(HttpMethod.Get, "/domainaliases")).Body["results"]!.AsArray().Select(a => (string)a!["alias"]!).Should().Contain(alias);
        var (_, resolved) = await _api.CallAsync(HttpMethod.Get, "/domainaliases/resolve/" + alias);
        ((string)resolved["domain"]!).Should().Be("example.test");

        var local = user.Address!.Split('@')[0];
        var (_, owner) = await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/" + Uri.EscapeDataString(local + "@" + alias));
        ((string)owner["user"]!).Should().Be(user.Id.ToString(), "mail for the alias domain reaches the same user");

        var (conflict, body) = await _api.CallAsync(HttpMethod.Post, "/domainaliases", json: new JsonObject { ["alias"] = alias, ["domain"] = "other.test" });
        conflict.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("AliasExistsError");

        (await _api.CallAsync(HttpMethod.Delete, "/domainaliases/" + alias)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Delete, "/domainaliases/" + alias)).Status.Should().Be(HttpStatusCode.NotFound);
        (await _api.CallAsync(HttpMethod.Get, "/domainaliases/resolve/" + alias)).Body["code"]!.GetValue<string>().Should().Be("AliasNotFound");
        (await _api.CallAsync(HttpMethod.Get, "/addresses/resolve/" + Uri.EscapeDataString(local + "@" + alias))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_domain_aliases_are_refused()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/domainaliases", json: new JsonObject { ["alias"] = "not a domain", ["domain"] = "-bad-.test" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["alias"].Should().NotBeNull();
        body["details"]!["domain"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/domainaliases", json: new JsonObject { ["alias"] = "same.test", ["domain"] = "SAME.test" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["domain"].Should().NotBeNull();
    }

    [Fact]
    public async Task Quota_reset_recounts_usage_that_drifted_and_shows_before_and_after()
    {
        var user = await _api.CreateUserAsync();
        await _api.DeliverAsync(user, TestMessages.Simple("one"));
        await _api.DeliverAsync(user, TestMessages.Simple("two"));
        var actual = (await _api.Users.GetUserAsync(user.Id))!.StorageUsed;
        actual.Should().BeGreaterThan(0);

        // Make the stored usage drift, as a restore from an old backup or a manual edit would.
        await using (var connection = new SqliteConnection("Data Source=" + _api.Services.GetRequiredService<SqliteMailStore>().DatabasePath + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE users SET storage_used = 5 WHERE id = $id";
            command.Parameters.AddWithValue("$id", user.Id.Value.ToByteArray());
            (await command.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/quota/reset");
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["previousStorageUsed"]!).Should().Be(5);
        ((long)body["storageUsed"]!).Should().Be(actual);
        var (_, profile) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id);
        ((long)profile["limits"]!["quota"]!["used"]!).Should().Be(actual);

        (await _api.CallAsync(HttpMethod.Post, "/users/" + UserId.NewId() + "/quota/reset")).Status.Should().Be(HttpStatusCode.NotFound);
        var (allStatus, all) = await _api.CallAsync(HttpMethod.Post, "/quota/reset");
        allStatus.Should().Be(HttpStatusCode.OK);
        ((long)all["users"]!).Should().BeGreaterThanOrEqualTo(1);
        ((long)all["changed"]!).Should().Be(0, "every usage is right again");
    }
}
