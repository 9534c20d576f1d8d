// SPDX-License-Identifier: MIT
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using WildDuck.Api.Internal.TwoFactor;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>
/// The API host for the 2FA tests: a fixed clock (so TOTP codes are computed for known time steps,
/// never racing a step boundary), a secret-encryption key, and a WebAuthn relying party.
/// </summary>
public sealed class TwoFactorHost : ApiHost
{
    public const string SecretKey = "test-secret-encryption-key-0123456789";
    public const string RpId = "mail.example.test";
    public const string Origin = "https://mail.example.test";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 8, 0, 10, TimeSpan.Zero));

    public ITwoFactorStore TwoFactor => Services.GetRequiredService<ITwoFactorStore>();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(Clock);
        services.Configure<ApiOptions>(o =>
        {
            o.TwoFactor.SecretEncryptionKey = SecretKey;
            o.TwoFactor.WebAuthnRpId = RpId;
            o.TwoFactor.WebAuthnOrigins.Add(Origin);
        });
    }

    /// <summary>The code of the time step <paramref name="offset"/> steps from the clock's.</summary>
    public string Code(string secret, int offset = 0) => Totp.Code(Base32.Decode(secret)!, Totp.Step(Clock.GetUtcNow()) + offset);

    /// <summary>Sets TOTP up and enables it through the API (root); returns the secret. The current step's code is used up.</summary>
    public async Task<string> EnableTotpAsync(UserRecord user)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, $"/users/{user.Id}/2fa/totp/setup", json: new JsonObject());
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var secret = (string)body["secret"]!;
        (status, body) = await CallAsync(HttpMethod.Post, $"/users/{user.Id}/2fa/totp/enable", json: new JsonObject { ["token"] = Code(secret) });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return secret;
    }

    /// <summary>Logs in and returns the token and the login response.</summary>
    public async Task<(string Token, JsonObject Body)> AuthenticateAsync(UserRecord user)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = Password, ["token"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        return ((string)body["token"]!, body);
    }
}
