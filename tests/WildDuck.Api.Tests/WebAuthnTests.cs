// SPDX-License-Identifier: MIT
using System.Net.Http;

namespace WildDuck.Api.Tests;

/// <summary>
/// WebAuthn registration and assertion through the API against a software authenticator: Fido2
/// verifies real ECDSA signatures, the challenge, the origin and the rp id hash.
/// </summary>
public sealed class WebAuthnTests : IClassFixture<TwoFactorHost>
{
    private readonly TwoFactorHost _api;

    public WebAuthnTests(TwoFactorHost api) => _api = api;

    private static string Path(string user, string rest) => $"/users/{user}/2fa/webauthn/{rest}";

    private async Task<string> ChallengeAsync(string user, string kind, string? token = ApiHost.RootToken, JsonObject? body = null)
    {
        var (status, response) = await _api.CallAsync(HttpMethod.Post, Path(user, kind + "-challenge"), token, body ?? new JsonObject());
        status.Should().Be(HttpStatusCode.OK, response.ToJsonString());
        return (string)response["challenge"]!;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> RegisterAsync(string user, SoftwareAuthenticator key, string description = "security key", string? token = ApiHost.RootToken, string origin = TwoFactorHost.Origin)
    {
        var challenge = await ChallengeAsync(user, "registration", token, new JsonObject { ["description"] = description, ["authenticatorAttachment"] = "cross-platform" });
        var (clientData, attestation) = key.Register(challenge, origin: origin);
        return await _api.CallAsync(HttpMethod.Post, Path(user, "registration-attestation"), token, new JsonObject
        {
            ["challenge"] = challenge,
            ["rawId"] = Convert.ToHexStringLower(key.CredentialId),
            ["clientDataJSON"] = Convert.ToHexStringLower(clientData),
            ["attestationObject"] = Convert.ToHexStringLower(attestation),
        });
    }

    private static JsonObject Assertion(string challenge, SoftwareAuthenticator key, (byte[] ClientData, byte[] AuthenticatorData, byte[] Signature) signed) => new()
    {
        ["challenge"] = challenge,
        ["rawId"] = Convert.ToHexStringLower(key.CredentialId),
        ["clientDataJSON"] = Convert.ToHexStringLower(signed.ClientData),
        ["authenticatorData"] = Convert.ToHexStringLower(signed.AuthenticatorData),
        ["signature"] = Convert.ToHexStringLower(signed.Signature),
    };

    [Fact]
    public async Task A_software_authenticator_registers_and_then_asserts()
    {
        var user = await _api.CreateUserAsync();
        using var key = new SoftwareAuthenticator();
        var id = user.Id.ToString();

        var (status, options) = await _api.CallAsync(HttpMethod.Post, Path(id, "registration-challenge"), json: new JsonObject { ["description"] = "yubikey" });
        status.Should().Be(HttpStatusCode.OK);
        ((string)options["registrationOptions"]!["rp"]!["id"]!).Should().Be(TwoFactorHost.RpId);
        ((string)options["registrationOptions"]!["user"]!["name"]!).Should().Be(user.Username);
        ((string)options["registrationOptions"]!["attestation"]!).Should().Be("none");
        ((string)options["challenge"]!).Should().MatchRegex("^[0-9a-f]{64}$");

        var (registered, body) = await RegisterAsync(id, key, "yubikey");
        registered.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((string)body["rawId"]!).Should().Be(Convert.ToHexStringLower(key.CredentialId));
        var after = (await _api.Users.GetUserAsync(user.Id))!;
        after.Enabled2fa.Should().Equal("webauthn");
        after.AuthVersion.Should().Be(user.AuthVersion + 1, "the first 2FA method revokes tokens");

        var (_, list) = await _api.CallAsync(HttpMethod.Get, Path(id, "credentials"));
        var credential = list["credentials"]!.AsArray().Should().ContainSingle().Subject!;
        ((string)credential["description"]!).Should().Be("yubikey");
        ((string)credential["rpId"]!).Should().Be(TwoFactorHost.RpId);
        ((string)credential["authenticatorAttachment"]!).Should().Be("cross-platform");
        var stored = (await _api.TwoFactor.GetTwoFactorAsync(user.Id))!.WebAuthnCredentials.Single();
        stored.CredentialId.Should().Equal(key.CredentialId);

        var challenge = await ChallengeAsync(id, "authentication");
        var assertion = Assertion(challenge, key, key.Assert(challenge));
        var (authStatus, authBody) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: assertion);
        authStatus.Should().Be(HttpStatusCode.OK, authBody.ToJsonString());
        (await _api.TwoFactor.GetTwoFactorAsync(user.Id))!.WebAuthnCredentials.Single().SignCount.Should().Be(key.Counter, "the counter is stored after each assertion");

        var (replay, replayBody) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: assertion);
        replay.Should().Be(HttpStatusCode.BadRequest, "a challenge is answered once");
        ((string)replayBody["code"]!).Should().Be("InvalidChallenge");
    }

    [Fact]
    public async Task A_bad_signature_a_foreign_origin_and_an_unknown_credential_are_refused()
    {
        var user = await _api.CreateUserAsync();
        var id = user.Id.ToString();
        using var key = new SoftwareAuthenticator();
        using var stranger = new SoftwareAuthenticator();

        var (status, body) = await RegisterAsync(id, key, origin: "https://evil.example");
        status.Should().Be(HttpStatusCode.Forbidden, "the origin is not the relying party's");
        ((string)body["code"]!).Should().Be("WebAuthnVerificationFailed");
        (await RegisterAsync(id, key)).Status.Should().Be(HttpStatusCode.OK);

        var challenge = await ChallengeAsync(id, "authentication");
        var signed = key.Assert(challenge);
        var tampered = signed.Signature.ToArray();
        tampered[^1] ^= 0x01;
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: Assertion(challenge, key, (signed.ClientData, signed.AuthenticatorData, tampered)));
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("AuthFailed");

        challenge = await ChallengeAsync(id, "authentication");
        (status, _) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: Assertion(challenge, key, key.Assert(challenge, origin: "https://evil.example")));
        status.Should().Be(HttpStatusCode.Forbidden);

        challenge = await ChallengeAsync(id, "authentication");
        var other = await ChallengeAsync(id, "authentication");
        (status, _) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: Assertion(challenge, key, key.Assert(other)));
        status.Should().Be(HttpStatusCode.Forbidden, "signed over another challenge");

        challenge = await ChallengeAsync(id, "authentication");
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: Assertion(challenge, stranger, stranger.Assert(challenge)));
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("AuthFailed");
    }

    [Fact]
    public async Task An_assertion_unlocks_a_token_waiting_for_its_second_factor()
    {
        var user = await _api.CreateUserAsync();
        using var key = new SoftwareAuthenticator();
        (await RegisterAsync(user.Id.ToString(), key)).Status.Should().Be(HttpStatusCode.OK);

        var (token, login) = await _api.AuthenticateAsync(user);
        login["require2fa"]!.AsArray().Select(n => (string)n!).Should().Equal("webauthn");
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Get, Path("me", "credentials"), token)).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Post, Path("me", "registration-challenge"), token, new JsonObject { ["description"] = "x" })).Status.Should().Be(HttpStatusCode.Forbidden);

        var challenge = await ChallengeAsync("me", "authentication", token);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path("me", "authentication-assertion"), token, Assertion(challenge, key, key.Assert(challenge)));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Registering_and_removing_a_credential_post_mfa_webauthn_webhook_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await _api.CreateUserAsync();
        var id = user.Id.ToString();
        await _api.SubscribeWebhookAsync(receiver.Url, id, "mfa.*");
        using var key = new SoftwareAuthenticator();

        var (status, body) = await RegisterAsync(id, key);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var credential = (await _api.TwoFactor.GetTwoFactorAsync(user.Id))!.WebAuthnCredentials.Single().Id.ToString();
        var registered = await receiver.NextDeliveredAsync();
        ((string)registered["ev"]!).Should().Be("mfa.webauthn.registered");
        ((string)registered["user"]!).Should().Be(id);
        ((string)registered["credential"]!).Should().Be(credential);

        (await _api.CallAsync(HttpMethod.Delete, Path(id, "credentials/" + credential))).Status.Should().Be(HttpStatusCode.OK);
        var removed = await receiver.NextDeliveredAsync();
        ((string)removed["ev"]!).Should().Be("mfa.webauthn.removed", "the event name WildDuck meant (its misspelled constant is a BUG, reference §8.7)");
        ((string)removed["credential"]!).Should().Be(credential);
    }

    [Fact]
    public async Task Deleting_the_last_credential_turns_webauthn_off()
    {
        var user = await _api.CreateUserAsync();
        var id = user.Id.ToString();
        using var first = new SoftwareAuthenticator();
        using var second = new SoftwareAuthenticator();
        (await RegisterAsync(id, first)).Status.Should().Be(HttpStatusCode.OK);
        var (status, body) = await RegisterAsync(id, first);
        status.Should().Be(HttpStatusCode.Forbidden, "the same authenticator again: " + body.ToJsonString());
        (await RegisterAsync(id, second)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.AuthVersion.Should().Be(user.AuthVersion + 1, "only the first method bumps");

        var credentials = (await _api.TwoFactor.GetTwoFactorAsync(user.Id))!.WebAuthnCredentials;
        credentials.Should().HaveCount(2);
        (await _api.CallAsync(HttpMethod.Delete, Path(id, "credentials/" + credentials[0].Id))).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().Equal("webauthn");
        (await _api.CallAsync(HttpMethod.Delete, Path(id, "credentials/" + credentials[1].Id))).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEmpty();

        (status, body) = await _api.CallAsync(HttpMethod.Delete, Path(id, "credentials/" + credentials[1].Id));
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("CredentialNotFound");
        (status, body) = await _api.CallAsync(HttpMethod.Delete, Path(id, "credentials/not-an-id"));
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["credential"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-challenge"), json: new JsonObject());
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("WebAuthnDisabled");
    }

    [Fact]
    public async Task The_webauthn_routes_validate_their_input()
    {
        var user = await _api.CreateUserAsync();
        var id = user.Id.ToString();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "registration-challenge"), json: new JsonObject());
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["description"].Should().NotBeNull();
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "registration-challenge"), json: new JsonObject { ["description"] = "x", ["authenticatorAttachment"] = "usb" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["authenticatorAttachment"].Should().NotBeNull();

        var valid = new JsonObject { ["challenge"] = "00", ["rawId"] = "00", ["clientDataJSON"] = "00", ["attestationObject"] = "00" };
        foreach (var field in new[] { "rawId", "clientDataJSON", "attestationObject" })
        {
            var request = (JsonObject)valid.DeepClone();
            request[field] = "not hex";
            (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "registration-attestation"), json: request);
            status.Should().Be(HttpStatusCode.BadRequest, field);
            body["details"]![field].Should().NotBeNull();

            request.Remove(field);
            (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "registration-attestation"), json: request);
            status.Should().Be(HttpStatusCode.BadRequest, field + " missing");
            body["details"]![field].Should().NotBeNull();
        }

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "registration-attestation"), json: valid);
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("InvalidChallenge");

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(id, "authentication-assertion"), json: new JsonObject { ["challenge"] = "00", ["rawId"] = "00", ["clientDataJSON"] = "00", ["authenticatorData"] = "00", ["signature"] = "zz" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["signature"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_registration_challenge_cannot_be_answered_as_an_authentication_one_or_by_another_user()
    {
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        using var key = new SoftwareAuthenticator();
        var challenge = await ChallengeAsync(alice.Id.ToString(), "registration", body: new JsonObject { ["description"] = "k" });
        var (clientData, attestation) = key.Register(challenge);
        var request = new JsonObject
        {
            ["challenge"] = challenge,
            ["rawId"] = Convert.ToHexStringLower(key.CredentialId),
            ["clientDataJSON"] = Convert.ToHexStringLower(clientData),
            ["attestationObject"] = Convert.ToHexStringLower(attestation),
        };
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(bob.Id.ToString(), "registration-attestation"), json: (JsonObject)request.DeepClone());
        status.Should().Be(HttpStatusCode.BadRequest, "the challenge is Alice's");
        ((string)body["code"]!).Should().Be("InvalidChallenge");
        (await _api.CallAsync(HttpMethod.Post, Path(alice.Id.ToString(), "registration-attestation"), json: request)).Status.Should().Be(HttpStatusCode.OK);
    }
}
