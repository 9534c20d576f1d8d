// SPDX-License-Identifier: MIT
using System.Net.Http;
using WildDuck.Api.Internal.TwoFactor;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

public sealed class TotpTests : IClassFixture<TwoFactorHost>
{
    private readonly TwoFactorHost _api;

    public TotpTests(TwoFactorHost api) => _api = api;

    private static string Path(UserRecord user, string rest) => $"/users/{user.Id}/2fa/{rest}";

    [Fact]
    public async Task Setup_returns_the_secret_its_otpauth_uri_and_a_qr_png_and_keeps_it_sealed()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject { ["issuer"] = "Example Mail", ["label"] = "alice@example.test" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var secret = (string)body["secret"]!;
        secret.Should().MatchRegex("^[A-Z2-7]{32}$", "20 random bytes in base32");
        ((string)body["uri"]!).Should().Be($"otpauth://totp/Example%20Mail:alice%40example.test?secret={secret}&issuer=Example%20Mail&algorithm=SHA1&digits=6&period=30");
        var dataUrl = (string)body["dataUrl"]!;
        dataUrl.Should().StartWith("data:image/png;base64,");
        Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]).Take(8).Should().Equal(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

        var state = (await _api.TwoFactor.GetTwoFactorAsync(user.Id))!;
        state.PendingTotpSeed.Should().StartWith("$wdk1$aes-256-gcm$").And.NotContain(secret, "sealed at rest with the configured key");
        new SecretSealer(TwoFactorHost.SecretKey).Open(state.PendingTotpSeed!).Should().Be(secret);
        state.Enabled.Should().BeEmpty();
    }

    [Fact]
    public async Task Setup_defaults_to_the_configured_issuer_and_the_username()
    {
        var user = await _api.CreateUserAsync();
        var (_, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject());
        ((string)body["uri"]!).Should().StartWith($"otpauth://totp/WildDuck:{user.Username}?secret=");
    }

    [Fact]
    public async Task Setup_and_enable_validate_their_input()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject { ["label"] = "" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["label"].Should().NotBeNull();
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject { ["secret"] = "MINE" });
        status.Should().Be(HttpStatusCode.BadRequest, "unknown fields are refused");
        body["details"]!["secret"].Should().NotBeNull();

        foreach (var bad in new[] { "12345", "1234567", "12a456" })
        {
            (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject { ["token"] = bad });
            status.Should().Be(HttpStatusCode.BadRequest, bad);
            ((string)body["code"]!).Should().Be("InputValidationError");
            body["details"]!["token"].Should().NotBeNull();
        }

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject());
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["token"].Should().NotBeNull();
        (status, _) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = 123456 });
        status.Should().Be(HttpStatusCode.BadRequest, "the code is a string");
        (status, _) = await _api.CallAsync(HttpMethod.Post, "/users/nobody/2fa/totp/setup", json: new JsonObject());
        status.Should().Be(HttpStatusCode.BadRequest);
        (status, body) = await _api.CallAsync(HttpMethod.Post, $"/users/{UserId.NewId()}/2fa/totp/setup", json: new JsonObject());
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("UserNotFound");
    }

    [Fact]
    public async Task Enable_needs_a_setup_and_a_current_code_from_its_secret()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject { ["token"] = "123456" });
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("TotpSetupMissing");

        (_, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject());
        var secret = (string)body["secret"]!;
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject { ["token"] = _api.Code(secret, 5) });
        status.Should().Be(HttpStatusCode.Forbidden, "a code five steps away is outside the ±1 window");
        ((string)body["code"]!).Should().Be("AuthFailed");
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEmpty();

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject { ["token"] = _api.Code(secret, -1) });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var (_, profile) = await _api.CallAsync(HttpMethod.Get, $"/users/{user.Id}");
        profile["enabled2fa"]!.AsArray().Select(n => (string)n!).Should().Equal("totp");
        profile.ToJsonString().Should().NotContain(secret, "the secret is never returned after setup");

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject());
        status.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("TotpEnabled");
    }

    [Fact]
    public async Task A_setup_expires_after_the_configured_lifetime()
    {
        var user = await _api.CreateUserAsync();
        var (_, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/setup"), json: new JsonObject());
        var secret = (string)body["secret"]!;

        // The clock only moves forward; the other tests compute their codes from wherever it is.
        _api.Clock.Advance(TimeSpan.FromHours(6) + TimeSpan.FromMinutes(1));
        var (status, error) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject { ["token"] = _api.Code(secret) });
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)error["code"]!).Should().Be("TotpSetupMissing");
    }

    [Fact]
    public async Task Enabling_the_first_method_revokes_the_users_tokens()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var (_, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/2fa/totp/setup", token, new JsonObject());
        var secret = (string)body["secret"]!;
        var (status, _) = await _api.CallAsync(HttpMethod.Post, "/users/me/2fa/totp/enable", token, new JsonObject { ["token"] = _api.Code(secret) });
        status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.AuthVersion.Should().Be(user.AuthVersion + 1);
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Unauthorized, "the token predates 2FA");
    }

    [Fact]
    public async Task Check_accepts_a_valid_code_once()
    {
        var user = await _api.CreateUserAsync();
        var secret = await _api.EnableTotpAsync(user);

        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = _api.Code(secret) });
        status.Should().Be(HttpStatusCode.Forbidden, "enable used this step's code");
        ((string)body["code"]!).Should().Be("CodeAlreadyUsed");

        var next = _api.Code(secret, 1);
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = next[..3] + " " + next[3..] });
        status.Should().Be(HttpStatusCode.OK, "the next step is in the window; spaces are ignored: " + body.ToJsonString());
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = next });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("CodeAlreadyUsed");

        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = _api.Code(secret, 3) });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("AuthFailed");
    }

    [Fact]
    public async Task Failed_checks_use_up_the_failed_login_budget_shared_with_the_password()
    {
        var user = await _api.CreateUserAsync();
        var secret = await _api.EnableTotpAsync(user);
        var wrong = _api.Code(secret, 4);
        HttpStatusCode last = HttpStatusCode.OK;
        int failures = 0;
        for (; failures < 20 && last != HttpStatusCode.TooManyRequests; failures++)
        {
            (last, _) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = wrong });
        }

        last.Should().Be(HttpStatusCode.TooManyRequests);
        failures.Should().Be(13, "12 failures per window are allowed (reference §7.2)");
        (await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = _api.Code(secret, 1) })).Status
            .Should().Be(HttpStatusCode.TooManyRequests, "even a right code waits for the window");
        (await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password })).Status
            .Should().Be(HttpStatusCode.TooManyRequests, "password logins share the budget");
    }

    [Fact]
    public async Task Check_and_enable_refuse_when_totp_is_off()
    {
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/check"), json: new JsonObject { ["token"] = "123456" });
        status.Should().Be(HttpStatusCode.BadRequest);
        ((string)body["code"]!).Should().Be("TotpDisabled");

        var secret = await _api.EnableTotpAsync(user);
        (status, body) = await _api.CallAsync(HttpMethod.Post, Path(user, "totp/enable"), json: new JsonObject { ["token"] = _api.Code(secret, 1) });
        status.Should().Be(HttpStatusCode.Conflict);
        ((string)body["code"]!).Should().Be("TotpEnabled");
    }

    [Fact]
    public async Task Enabling_and_disabling_totp_and_all_2fa_post_mfa_webhook_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var user = await _api.CreateUserAsync();
        await _api.SubscribeWebhookAsync(receiver.Url, user.Id.ToString(), "mfa.*");

        // Each event is awaited before the next operation: POSTs may run in parallel.
        async Task ExpectAsync(string type)
        {
            var delivered = await receiver.NextDeliveredAsync();
            ((string)delivered["ev"]!).Should().Be(type);
            ((string)delivered["user"]!).Should().Be(user.Id.ToString());
        }

        await _api.EnableTotpAsync(user);
        await ExpectAsync("mfa.totp.enabled");
        (await _api.CallAsync(HttpMethod.Delete, Path(user, "totp"))).Status.Should().Be(HttpStatusCode.OK);
        await ExpectAsync("mfa.totp.disabled");

        _api.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        await _api.EnableTotpAsync(user);
        await ExpectAsync("mfa.totp.enabled");
        (await _api.CallAsync(HttpMethod.Delete, $"/users/{user.Id}/2fa")).Status.Should().Be(HttpStatusCode.OK);
        await ExpectAsync("mfa.disabled");

        _api.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        await _api.EnableTotpAsync(user);
        await ExpectAsync("mfa.totp.enabled");
        (await _api.CallAsync(HttpMethod.Put, $"/users/{user.Id}", json: new JsonObject { ["disable2fa"] = true })).Status.Should().Be(HttpStatusCode.OK);
        await ExpectAsync("mfa.disabled");
    }

    [Fact]
    public async Task Deleting_totp_and_all_2fa_turns_it_off()
    {
        var user = await _api.CreateUserAsync();
        await _api.EnableTotpAsync(user);
        (await _api.CallAsync(HttpMethod.Delete, Path(user, "totp"))).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEmpty();
        (await _api.TwoFactor.GetTwoFactorAsync(user.Id))!.TotpSeed.Should().BeNull();

        // The replay guard outlives the secret: enabling again needs the next time step.
        _api.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        await _api.EnableTotpAsync(user);
        (await _api.CallAsync(HttpMethod.Delete, $"/users/{user.Id}/2fa")).Status.Should().Be(HttpStatusCode.OK);
        var (_, profile) = await _api.CallAsync(HttpMethod.Get, $"/users/{user.Id}");
        profile["enabled2fa"]!.AsArray().Should().BeEmpty();
        (await _api.CallAsync(HttpMethod.Delete, $"/users/{UserId.NewId()}/2fa")).Status.Should().Be(HttpStatusCode.NotFound);

        _api.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        await _api.EnableTotpAsync(user);
        (await _api.CallAsync(HttpMethod.Put, $"/users/{user.Id}", json: new JsonObject { ["disable2fa"] = false })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().Equal("totp");
        (await _api.CallAsync(HttpMethod.Put, $"/users/{user.Id}", json: new JsonObject { ["disable2fa"] = true })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEmpty("PUT /users/:user with disable2fa, as WildDuck");
    }

    [Fact]
    public async Task Authenticate_asks_for_the_second_factor_and_its_token_opens_nothing_else_until_then()
    {
        var user = await _api.CreateUserAsync();
        var secret = await _api.EnableTotpAsync(user);

        var (preStatus, pre) = await _api.CallAsync(HttpMethod.Post, "/preauth", json: new JsonObject { ["username"] = user.Username });
        preStatus.Should().Be(HttpStatusCode.OK);
        pre["require2fa"]!.AsArray().Select(n => (string)n!).Should().Equal("totp");

        var (token, login) = await _api.AuthenticateAsync(user);
        login["require2fa"]!.AsArray().Select(n => (string)n!).Should().Equal("totp");

        foreach (var (method, path) in new[] { ("GET", "/users/me"), ("GET", "/users/me/mailboxes"), ("DELETE", "/users/me/2fa"), ("DELETE", "/users/me/2fa/totp"), ("POST", "/users/me/2fa/totp/setup") })
        {
            var (status, body) = await _api.CallAsync(new HttpMethod(method), path, token, method == "POST" ? new JsonObject() : null);
            status.Should().Be(HttpStatusCode.Forbidden, method + " " + path);
            ((string)body["code"]!).Should().Be("Require2FA");
        }

        (await _api.CallAsync(HttpMethod.Post, "/users/me/2fa/totp/check", token, new JsonObject { ["token"] = _api.Code(secret, 2) })).Status.Should().Be(HttpStatusCode.Forbidden);
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.Forbidden, "a failed check unlocks nothing");

        var (checkStatus, check) = await _api.CallAsync(HttpMethod.Post, "/users/me/2fa/totp/check", token, new JsonObject { ["token"] = _api.Code(secret, 1) });
        checkStatus.Should().Be(HttpStatusCode.OK, check.ToJsonString());
        var (meStatus, me) = await _api.CallAsync(HttpMethod.Get, "/users/me", token);
        meStatus.Should().Be(HttpStatusCode.OK);
        me["enabled2fa"]!.AsArray().Select(n => (string)n!).Should().Equal("totp");

        // Public routes ignore the half-done token: a client may log in again while holding one.
        var (third, _) = await _api.AuthenticateAsync(user);
        (await _api.CallAsync(HttpMethod.Get, "/health", third)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Post, "/authenticate", third, new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password })).Status.Should().Be(HttpStatusCode.OK);

        // Logout works before the check too.
        var (second, _) = await _api.AuthenticateAsync(user);
        (await _api.CallAsync(HttpMethod.Delete, "/authenticate", second)).Status.Should().Be(HttpStatusCode.OK);
        (await _api.CallAsync(HttpMethod.Post, "/users/me/2fa/totp/check", second, new JsonObject { ["token"] = "000000" })).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_user_without_2fa_gets_a_full_token_and_require2fa_false()
    {
        var user = await _api.CreateUserAsync();
        var (token, login) = await _api.AuthenticateAsync(user);
        login["require2fa"]!.GetValue<bool>().Should().BeFalse();
        (await _api.CallAsync(HttpMethod.Get, "/users/me", token)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Master_password_logins_for_mail_scopes_fail_once_2fa_is_on()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password, ["scope"] = "imap" })).Status
            .Should().Be(HttpStatusCode.OK);
        await _api.EnableTotpAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/authenticate", token: null, json: new JsonObject { ["username"] = user.Username, ["password"] = ApiHost.Password, ["scope"] = "imap" });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("InvalidAuthScope", "reference §7.2 step 8: the password is right but 2FA limits it to the master scope");
    }
}

public sealed class TotpAlgorithmTests
{
    // RFC 6238 Appendix B, SHA-1 (secret "12345678901234567890"), last six digits of the 8-digit values.
    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    [InlineData(20000000000L, "353130")]
    public void Codes_match_the_RFC_6238_test_vectors(long unixSeconds, string expected)
    {
        var secret = Encoding.ASCII.GetBytes("12345678901234567890");
        var time = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        Totp.Code(secret, Totp.Step(time)).Should().Be(expected);
        Totp.Match(secret, expected, time, 0).Should().Be(Totp.Step(time));
        Totp.Match(secret, expected, time.AddSeconds(30), 1).Should().Be(Totp.Step(time), "one step later, inside a window of 1");
        Totp.Match(secret, expected, time.AddSeconds(60), 1).Should().BeNull("two steps later");
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_matches_the_RFC_4648_test_vectors(string plain, string encoded)
    {
        Base32.Encode(Encoding.ASCII.GetBytes(plain)).Should().Be(encoded);
        Base32.Decode(encoded)!.Should().Equal(Encoding.ASCII.GetBytes(plain));
        Base32.Decode(encoded.ToLowerInvariant() + "==")!.Should().Equal(Encoding.ASCII.GetBytes(plain));
        Base32.Decode("MZ1W").Should().BeNull("1 is not base32");
    }

    [Fact]
    public void Sealed_secrets_open_with_their_key_only_and_plain_text_passes_through()
    {
        var sealer = new SecretSealer("a-secret-encryption-key-of-some-length");
        var sealed1 = sealer.Seal("JBSWY3DPEHPK3PXP");
        var sealed2 = sealer.Seal("JBSWY3DPEHPK3PXP");
        sealed1.Should().MatchRegex("^\\$wdk1\\$aes-256-gcm\\$[0-9a-f]{32}\\$[0-9a-f]{24}\\$[0-9a-f]{32}\\$[0-9a-f]+$");
        sealed1.Should().NotBe(sealed2, "fresh salt and nonce every time");
        sealer.Open(sealed1).Should().Be("JBSWY3DPEHPK3PXP");
        new SecretSealer("another-key-entirely-0123456789").Open(sealed1).Should().BeNull();
        new SecretSealer(null).Open(sealed1).Should().BeNull();
        sealer.Open(sealed1[..^2] + (sealed1[^2..] == "00" ? "11" : "00")).Should().BeNull("tampering fails the GCM tag");
        sealer.Open("JBSWY3DPEHPK3PXP").Should().Be("JBSWY3DPEHPK3PXP", "stored before a key was configured");
        new SecretSealer(null).Seal("JBSWY3DPEHPK3PXP").Should().Be("JBSWY3DPEHPK3PXP");
        sealer.Open("$wd01$aes-256-gcm$00$00$00$00").Should().BeNull("WildDuck's scrypt format is not read");
    }
}
