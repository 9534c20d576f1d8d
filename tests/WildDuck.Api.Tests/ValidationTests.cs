// SPDX-License-Identifier: MIT
using System.Net.Http;

namespace WildDuck.Api.Tests;

public sealed class ValidationTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public ValidationTests(ApiHost api) => _api = api;

    private static void ShouldBeValidationError(HttpStatusCode status, JsonObject body, string field)
    {
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        ((string)body["code"]!).Should().Be("InputValidationError");
        ((string)body["error"]!).Should().NotBeNullOrEmpty();
        body["details"]![field].Should().NotBeNull(body.ToJsonString());
    }

    [Fact]
    public async Task Unknown_body_fields_are_refused_with_details()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = _api.NewName("v"), ["admin"] = true });
        ShouldBeValidationError(status, body, "admin");
    }

    [Fact]
    public async Task Every_problem_is_listed_per_field()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["quota"] = "lots", ["spamLevel"] = 101, ["name"] = new string('n', 300) });
        ShouldBeValidationError(status, body, "username");
        body["details"]!["quota"].Should().NotBeNull();
        body["details"]!["spamLevel"].Should().NotBeNull();
        body["details"]!["name"].Should().NotBeNull();
    }

    [Fact]
    public async Task Unknown_query_parameters_and_bad_values_are_refused()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users?sort=name");
        ShouldBeValidationError(status, body, "sort");
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users?limit=0");
        ShouldBeValidationError(status, body, "limit");
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users?limit=51");
        ShouldBeValidationError(status, body, "limit");
        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users?next=%21%21not-a-cursor");
        ShouldBeValidationError(status, body, "next");
    }

    [Fact]
    public async Task Malformed_json_a_non_object_and_a_wrong_content_type_are_400()
    {
        using (var content = new StringContent("{\"username\": ", Encoding.UTF8, "application/json"))
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", content: content);
            ShouldBeValidationError(status, body, "body");
        }

        using (var content = new StringContent("[1,2]", Encoding.UTF8, "application/json"))
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", content: content);
            ShouldBeValidationError(status, body, "body");
        }

        using (var content = new StringContent("username=x", Encoding.UTF8, "application/x-www-form-urlencoded"))
        {
            var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", content: content);
            ShouldBeValidationError(status, body, "body");
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var big = new JsonObject { ["username"] = _api.NewName("big"), ["name"] = new string('x', ApiHost.MaxJsonBodySize) };
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: big);
        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        ((string)body["code"]!).Should().Be("PayloadTooLarge");
    }

    [Fact]
    public async Task A_body_on_a_route_without_one_is_refused()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id, json: new JsonObject { ["x"] = 1 });
        ShouldBeValidationError(status, body, "body");
    }

    [Fact]
    public async Task Bad_ids_in_the_path_are_400_not_500()
    {
        var user = await _api.CreateUserAsync();
        ShouldBeValidationError(await _api.CallAsync(HttpMethod.Get, "/users/xyz"), "user");
        ShouldBeValidationError(await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes/nope"), "mailbox");
        var inbox = await _api.InboxAsync(user);
        ShouldBeValidationError(await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages/-1"), "message");
        ShouldBeValidationError(await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/addresses/zzz"), "address");
    }

    [Fact]
    public async Task Errors_never_carry_exception_text_or_stack_traces()
    {
        var (_, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = "Not A Valid Name!" });
        var text = body.ToJsonString();
        text.Should().NotContain("Exception").And.NotContain(" at ").And.NotContain("StackTrace");
        body.Select(p => p.Key).Should().BeSubsetOf(new[] { "error", "code", "details" });
    }

    [Fact]
    public async Task An_empty_password_is_refused()
    {
        ShouldBeValidationError(await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = _api.NewName("empty"), ["password"] = string.Empty }), "password");
    }

    private static void ShouldBeValidationError((HttpStatusCode Status, JsonObject Body) result, string field) => ShouldBeValidationError(result.Status, result.Body, field);
}
