// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    private ITwoFactorStore TwoFactor
    {
        get
        {
            Skip.If(Backend.TwoFactor is null, "The backend has no 2FA store.");
            return Backend.TwoFactor!;
        }
    }

    private static WebAuthnCredentialRecord Credential(byte id, string description = "key") => new()
    {
        Id = EntityId.NewId(),
        CredentialId = new[] { id, (byte)(id + 1), (byte)(id + 2) },
        PublicKey = new byte[] { 0xa5, 0x01, 0x02, id },
        SignCount = 7,
        RpId = "mail.example.test",
        Description = description,
        AuthenticatorAttachment = "cross-platform",
        Created = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
    };

    [SkippableFact]
    public async Task A_new_user_has_no_second_factor()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        user.Enabled2fa.Should().BeEmpty();
        var state = (await store.GetTwoFactorAsync(user.Id))!;
        state.Enabled.Should().BeEmpty();
        state.TotpSeed.Should().BeNull();
        state.PendingTotpSeed.Should().BeNull();
        state.WebAuthnCredentials.Should().BeEmpty();
        (await store.GetTwoFactorAsync(UserId.NewId())).Should().BeNull();
    }

    [SkippableFact]
    public async Task Enabling_totp_moves_the_pending_secret_and_only_the_first_method_bumps_the_auth_version()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        (await store.SetPendingTotpSeedAsync(user.Id, "SECRETONE", now)).Should().BeTrue();
        (await store.SetPendingTotpSeedAsync(UserId.NewId(), "SECRETONE", now)).Should().BeFalse();
        var state = (await store.GetTwoFactorAsync(user.Id))!;
        state.PendingTotpSeed.Should().Be("SECRETONE");
        state.PendingTotpSeedChanged.Should().Be(now);
        state.Enabled.Should().BeEmpty("setup alone enables nothing");

        (await store.EnableTotpAsync(user.Id, "OTHERSECRET")).Should().BeNull("the pending secret is not the one verified");
        var enabled = (await store.EnableTotpAsync(user.Id, "SECRETONE"))!;
        enabled.Enabled2fa.Should().Equal(TwoFactorMethod.Totp);
        enabled.AuthVersion.Should().Be(user.AuthVersion + 1, "the first 2FA method revokes tokens");
        state = (await store.GetTwoFactorAsync(user.Id))!;
        state.TotpSeed.Should().Be("SECRETONE");
        state.PendingTotpSeed.Should().BeNull();
        (await store.EnableTotpAsync(user.Id, "SECRETONE")).Should().BeNull("the pending secret was used up");

        // A second method does not bump again.
        var withKey = (await store.AddWebAuthnCredentialAsync(user.Id, Credential(1)))!;
        withKey.AuthVersion.Should().Be(enabled.AuthVersion);
        withKey.Enabled2fa.Should().BeEquivalentTo(new[] { TwoFactorMethod.Totp, TwoFactorMethod.WebAuthn });
        (await Backend.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEquivalentTo(new[] { TwoFactorMethod.Totp, TwoFactorMethod.WebAuthn });
    }

    [SkippableFact]
    public async Task A_totp_time_step_is_used_once_and_never_an_earlier_one()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        (await store.TryUseTotpStepAsync(user.Id, 1000)).Should().BeTrue();
        (await store.TryUseTotpStepAsync(user.Id, 1000)).Should().BeFalse("replayed");
        (await store.TryUseTotpStepAsync(user.Id, 999)).Should().BeFalse("older than a used step");
        (await store.TryUseTotpStepAsync(user.Id, 1001)).Should().BeTrue();
        (await store.TryUseTotpStepAsync(UserId.NewId(), 5)).Should().BeFalse("no such user");

        var other = await CreateUserAsync("bob");
        (await store.TryUseTotpStepAsync(other.Id, 1000)).Should().BeTrue("the guard is per user");
    }

    [SkippableFact]
    public async Task Concurrent_uses_of_one_time_step_let_exactly_one_through()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryUseTotpStepAsync(user.Id, 4242)));
        results.Count(r => r).Should().Be(1);
    }

    [SkippableFact]
    public async Task Disabling_totp_clears_both_secrets_and_keeps_other_methods()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        await store.SetPendingTotpSeedAsync(user.Id, "S1", DateTimeOffset.UtcNow);
        await store.EnableTotpAsync(user.Id, "S1");
        await store.AddWebAuthnCredentialAsync(user.Id, Credential(1));
        await store.SetPendingTotpSeedAsync(user.Id, "S2", DateTimeOffset.UtcNow);

        var after = (await store.DisableTotpAsync(user.Id))!;
        after.Enabled2fa.Should().Equal(TwoFactorMethod.WebAuthn);
        var state = (await store.GetTwoFactorAsync(user.Id))!;
        state.TotpSeed.Should().BeNull();
        state.PendingTotpSeed.Should().BeNull();
        state.WebAuthnCredentials.Should().HaveCount(1);
        (await store.DisableTotpAsync(UserId.NewId())).Should().BeNull();
    }

    [SkippableFact]
    public async Task Custom_2fa_is_a_marker_whose_first_enabling_revokes_tokens()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        var enabled = (await store.EnableCustomTwoFactorAsync(user.Id))!;
        enabled.Enabled2fa.Should().Equal(TwoFactorMethod.Custom);
        enabled.AuthVersion.Should().Be(user.AuthVersion + 1, "the first method revokes existing tokens");
        var again = (await store.EnableCustomTwoFactorAsync(user.Id))!;
        again.Enabled2fa.Should().Equal(TwoFactorMethod.Custom);
        again.AuthVersion.Should().Be(enabled.AuthVersion, "enabling again changes nothing");

        await store.SetPendingTotpSeedAsync(user.Id, "S1", DateTimeOffset.UtcNow);
        (await store.EnableTotpAsync(user.Id, "S1"))!.AuthVersion.Should().Be(enabled.AuthVersion, "not the first method");
        var disabled = (await store.DisableCustomTwoFactorAsync(user.Id))!;
        disabled.Enabled2fa.Should().Equal(TwoFactorMethod.Totp);
        (await Backend.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().Equal(TwoFactorMethod.Totp);

        await store.EnableCustomTwoFactorAsync(user.Id);
        (await store.DisableTwoFactorAsync(user.Id))!.Enabled2fa.Should().BeEmpty("disabling 2FA clears the marker too");
        (await store.EnableCustomTwoFactorAsync(UserId.NewId())).Should().BeNull();
        (await store.DisableCustomTwoFactorAsync(UserId.NewId())).Should().BeNull();
    }

    [SkippableFact]
    public async Task Disabling_2fa_removes_every_method_secret_and_credential()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        await store.SetPendingTotpSeedAsync(user.Id, "S1", DateTimeOffset.UtcNow);
        var enabled = (await store.EnableTotpAsync(user.Id, "S1"))!;
        await store.AddWebAuthnCredentialAsync(user.Id, Credential(1));
        await store.AddWebAuthnCredentialAsync(user.Id, Credential(9));

        var after = (await store.DisableTwoFactorAsync(user.Id))!;
        after.Enabled2fa.Should().BeEmpty();
        after.AuthVersion.Should().Be(enabled.AuthVersion, "turning 2FA off revokes nothing");
        var state = (await store.GetTwoFactorAsync(user.Id))!;
        state.TotpSeed.Should().BeNull();
        state.WebAuthnCredentials.Should().BeEmpty();
        (await store.DisableTwoFactorAsync(UserId.NewId())).Should().BeNull();

        // Enabling again is a first method again.
        (await store.AddWebAuthnCredentialAsync(user.Id, Credential(1)))!.AuthVersion.Should().Be(after.AuthVersion + 1);
    }

    [SkippableFact]
    public async Task WebAuthn_credentials_round_trip_count_and_the_last_one_removes_the_method()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        var first = Credential(1, "yubikey");
        var second = Credential(9, "laptop") with { AuthenticatorAttachment = null };
        var added = (await store.AddWebAuthnCredentialAsync(user.Id, first))!;
        added.Enabled2fa.Should().Equal(TwoFactorMethod.WebAuthn);
        added.AuthVersion.Should().Be(user.AuthVersion + 1);
        await store.AddWebAuthnCredentialAsync(user.Id, second);
        (await store.AddWebAuthnCredentialAsync(UserId.NewId(), Credential(3))).Should().BeNull();

        var duplicate = () => store.AddWebAuthnCredentialAsync(user.Id, Credential(1, "again"));
        (await duplicate.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.AlreadyExists);

        var other = await CreateUserAsync("bob");
        (await store.AddWebAuthnCredentialAsync(other.Id, Credential(1))).Should().NotBeNull("credential ids are unique per user");

        var state = (await store.GetTwoFactorAsync(user.Id))!;
        state.WebAuthnCredentials.Should().HaveCount(2);
        var read = state.WebAuthnCredentials.Single(c => c.Id == first.Id);
        read.Should().BeEquivalentTo(first);
        state.WebAuthnCredentials.Single(c => c.Id == second.Id).AuthenticatorAttachment.Should().BeNull();

        (await store.UpdateWebAuthnSignCountAsync(user.Id, first.Id, 42)).Should().BeTrue();
        (await store.UpdateWebAuthnSignCountAsync(other.Id, first.Id, 43)).Should().BeFalse("not the other user's credential");
        (await store.GetTwoFactorAsync(user.Id))!.WebAuthnCredentials.Single(c => c.Id == first.Id).SignCount.Should().Be(42);

        (await store.DeleteWebAuthnCredentialAsync(other.Id, first.Id)).Should().BeFalse();
        (await store.DeleteWebAuthnCredentialAsync(user.Id, first.Id)).Should().BeTrue();
        (await store.DeleteWebAuthnCredentialAsync(user.Id, first.Id)).Should().BeFalse();
        (await Backend.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().Equal(new[] { TwoFactorMethod.WebAuthn }, "one credential is left");
        (await store.DeleteWebAuthnCredentialAsync(user.Id, second.Id)).Should().BeTrue();
        (await Backend.Users.GetUserAsync(user.Id))!.Enabled2fa.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_webauthn_challenge_is_taken_once_by_its_user_and_kind_before_it_expires()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        var other = await CreateUserAsync("bob");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var challenge = new WebAuthnChallengeRecord
        {
            Challenge = "00aa11bb",
            User = user.Id,
            Kind = WebAuthnChallengeRecord.Registration,
            Options = "{\"x\":1}",
            Description = "yubikey",
            AuthenticatorAttachment = "platform",
            Expires = now.AddHours(1),
        };
        await store.SaveWebAuthnChallengeAsync(challenge);
        var missing = () => store.SaveWebAuthnChallengeAsync(challenge with { Challenge = "ff", User = UserId.NewId() });
        (await missing.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.NotFound);

        (await store.TakeWebAuthnChallengeAsync(other.Id, "00aa11bb", WebAuthnChallengeRecord.Registration, now)).Should().BeNull("another user's");
        (await store.TakeWebAuthnChallengeAsync(user.Id, "00aa11bb", WebAuthnChallengeRecord.Authentication, now)).Should().BeNull("another kind");
        (await store.TakeWebAuthnChallengeAsync(user.Id, "00aa11bb", WebAuthnChallengeRecord.Registration, now)).Should().BeEquivalentTo(challenge);
        (await store.TakeWebAuthnChallengeAsync(user.Id, "00aa11bb", WebAuthnChallengeRecord.Registration, now)).Should().BeNull("used once");

        await store.SaveWebAuthnChallengeAsync(challenge with { Challenge = "01", Kind = WebAuthnChallengeRecord.Authentication, Description = null, AuthenticatorAttachment = null });
        (await store.TakeWebAuthnChallengeAsync(user.Id, "01", WebAuthnChallengeRecord.Authentication, now.AddHours(2))).Should().BeNull("expired");
        (await store.TakeWebAuthnChallengeAsync(user.Id, "01", WebAuthnChallengeRecord.Authentication, now)).Should().BeNull("an expired take still uses it up");
    }

    [SkippableFact]
    public async Task Deleting_a_user_removes_its_2fa_state()
    {
        SkipIfUnavailable();
        var store = TwoFactor;
        var user = await CreateUserAsync("alice");
        await store.AddWebAuthnCredentialAsync(user.Id, Credential(1));
        await store.SaveWebAuthnChallengeAsync(new WebAuthnChallengeRecord
        {
            Challenge = "abcd",
            User = user.Id,
            Kind = WebAuthnChallengeRecord.Authentication,
            Options = "{}",
            Expires = DateTimeOffset.UtcNow.AddHours(1),
        });
        (await Backend.Users.DeleteUserAsync(user.Id)).Should().BeTrue();
        (await store.GetTwoFactorAsync(user.Id)).Should().BeNull();
        (await store.TakeWebAuthnChallengeAsync(user.Id, "abcd", WebAuthnChallengeRecord.Authentication, DateTimeOffset.UtcNow)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_token_waiting_for_its_second_factor_round_trips_and_is_confirmed()
    {
        SkipIfUnavailable();
        var tokens = Tokens;
        var user = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        await tokens.CreateTokenAsync(Token(user, new string('e', 64), now, TimeSpan.FromDays(1)) with { Pending2fa = true });
        await tokens.CreateTokenAsync(Token(user, new string('f', 64), now, TimeSpan.FromDays(1)));
        (await tokens.GetTokenAsync(new string('e', 64), now))!.Pending2fa.Should().BeTrue();
        (await tokens.GetTokenAsync(new string('f', 64), now))!.Pending2fa.Should().BeFalse();

        (await tokens.ConfirmTokenAsync(new string('e', 64))).Should().BeTrue();
        (await tokens.GetTokenAsync(new string('e', 64), now))!.Pending2fa.Should().BeFalse();
        (await tokens.ConfirmTokenAsync(new string('0', 64))).Should().BeFalse("no such token");
    }
}
