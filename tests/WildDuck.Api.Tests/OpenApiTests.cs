// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Api.Tests;

public sealed class OpenApiTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public OpenApiTests(ApiHost api) => _api = api;

    /// <summary>The routes MapWildDuckApi really maps, read from an application's endpoint data sources.</summary>
    private static async Task<HashSet<string>> MappedRoutesAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wildduck-api-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Services.AddWildDuck(o => o.Hostname = "mail.example.test").UseSqliteStorage(o => o.Path = Path.Combine(directory, "wildduck.db")).AddApi();
        await using var app = builder.Build();
        app.MapWildDuckApi();
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>())
        {
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                routes.Add(method + " " + endpoint.RoutePattern.RawText);
            }
        }

        return routes;
    }

    [Fact]
    public async Task Every_mapped_route_is_documented_and_every_documented_route_is_mapped()
    {
        var (status, document) = await _api.CallAsync(HttpMethod.Get, "/openapi.json", token: null);
        status.Should().Be(HttpStatusCode.OK);
        ((string)document["openapi"]!).Should().StartWith("3.1");
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                documented.Add(method.ToUpperInvariant() + " " + path);
            }
        }

        var mapped = await MappedRoutesAsync();
        mapped.Should().NotBeEmpty();
        documented.Should().BeEquivalentTo(mapped);
    }

    [Fact]
    public async Task Path_parameters_and_request_bodies_are_described()
    {
        var (_, document) = await _api.CallAsync(HttpMethod.Get, "/openapi.json", token: null);
        var create = document["paths"]!["/users"]!["post"]!;
        create["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["username"].Should().NotBeNull();
        ((bool)create["requestBody"]!["content"]!["application/json"]!["schema"]!["additionalProperties"]!).Should().BeFalse();
        var get = document["paths"]!["/users/{user}/mailboxes/{mailbox}/messages/{message}"]!["get"]!;
        get["parameters"]!.AsArray().Where(p => (string)p!["in"]! == "path").Select(p => (string)p!["name"]!).Should().Equal("user", "mailbox", "message");
        var list = document["paths"]!["/users"]!["get"]!;
        list["parameters"]!.AsArray().Select(p => (string)p!["name"]!).Should().Contain(new[] { "limit", "next", "previous" });
    }
}
