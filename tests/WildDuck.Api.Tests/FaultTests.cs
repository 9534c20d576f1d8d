// SPDX-License-Identifier: MIT
using System.Net.Http;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Api.Tests;

/// <summary>A host whose store fails in chosen methods with an exception carrying internal details.</summary>
public sealed class FaultyApiHost : ApiHost
{
    public const string Secret = "internal detail: /var/lib/secret.db constraint users_pk";

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IMailboxStore>(sp => Wrap<IMailboxStore>(sp.GetRequiredService<SqliteMailStore>(), nameof(IMailboxStore.ListMailboxesAsync)));
        services.AddSingleton<IUserStore>(sp => Wrap<IUserStore>(sp.GetRequiredService<SqliteMailStore>(), nameof(IUserStore.ListUsersAsync), nameof(IUserStore.ListAddressesAsync)));
    }

    private static T Wrap<T>(T inner, string failing, string? unavailable = null)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, Failing<T>>();
        ((Failing<T>)(object)proxy).Init(inner, failing, unavailable);
        return proxy;
    }

    /// <summary>Forwards every call to the real store except <c>failing</c>, which throws.</summary>
    public class Failing<T> : DispatchProxy
        where T : class
    {
        private T _inner = null!;
        private string _failing = string.Empty;
        private string? _unavailable;

        public void Init(T inner, string failing, string? unavailable)
        {
            _inner = inner;
            _failing = failing;
            _unavailable = unavailable;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == _failing)
            {
                throw new InvalidOperationException(Secret);
            }

            if (targetMethod.Name == _unavailable)
            {
                // What a backend throws when its database cannot serve (SQLite busy past the timeout,
                // MongoDB unreachable): nothing committed, a retry may work.
                throw new StorageException(StorageError.Unavailable, Secret);
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex)
            {
                throw ex.InnerException!;
            }
        }
    }
}

public sealed class FaultTests : IClassFixture<FaultyApiHost>
{
    private readonly FaultyApiHost _api;

    public FaultTests(FaultyApiHost api) => _api = api;

    [Fact]
    public async Task A_server_fault_is_a_500_with_a_fixed_message_and_no_internal_detail()
    {
        var user = await _api.CreateUserAsync();
        using var response = await _api.SendAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes");
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain("secret").And.NotContain("InvalidOperationException").And.NotContain(" at ");
        var body = JsonNode.Parse(text)!.AsObject();
        ((string)body["code"]!).Should().Be("InternalDatabaseError");
        body.Select(p => p.Key).Should().BeEquivalentTo(new[] { "error", "code" });
    }

    [Fact]
    public async Task An_unavailable_store_is_a_503_that_invites_a_retry()
    {
        var user = await _api.CreateUserAsync();
        using var response = await _api.SendAsync(HttpMethod.Get, "/users/" + user.Id + "/addresses");
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain("secret");
        ((string)JsonNode.Parse(text)!["code"]!).Should().Be("ServiceUnavailable");
    }

    [Fact]
    public async Task Health_reports_a_failing_store()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/health", token: null);
        status.Should().Be(HttpStatusCode.InternalServerError);
        ((string)body["code"]!).Should().Be("HealthcheckFailed");
        body.ToJsonString().Should().NotContain("secret");
    }
}
