// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Security;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class UserAuthenticatorTests
{
    private const string Password = "correct horse battery staple";

    // One PBKDF2 hash shared by the tests (hashing costs 100k iterations).
    private static readonly string CurrentHash = new PasswordHasher(new PasswordOptions()).Hash(Password);

    private static readonly AuthenticationContext Imap = new(AuthenticationScope.Imap, "192.0.2.1");

    private readonly InMemoryUserStore _store = new();
    private readonly ManualTimeProvider _time = new();
    private readonly WildDuckOptions _options = new();

    private UserAuthenticator CreateAuthenticator() =>
        new(_store, new PasswordHasher(_options.Passwords), Options.Create(_options), _time, NullLogger<UserAuthenticator>.Instance);

    [Fact]
    public async Task Succeeds_with_the_right_password()
    {
        UserRecord user = _store.Add("john.doe", CurrentHash);

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("john.doe", Password, Imap);

        result.Succeeded.Should().BeTrue();
        result.Failure.Should().Be(AuthenticationFailure.None);
        result.User!.Id.Should().Be(user.Id);
        _store.Updates.Should().BeEmpty("a current hash is not rewritten");
    }

    [Theory]
    [InlineData("JohnDoe")]
    [InlineData("john.doe@example.com")]
    [InlineData("John.Doe+imap@Example.COM")]
    public async Task Accepts_username_and_address_forms(string login)
    {
        _store.Add("john.doe", CurrentHash);

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync(login, Password, Imap);

        result.Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(" correct horse battery staple")]
    [InlineData("correct horse battery staple ")]
    [InlineData("Correct horse battery staple")]
    public async Task Fails_with_a_wrong_password(string password)
    {
        _store.Add("john", CurrentHash);

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("john", password, Imap);

        result.Succeeded.Should().BeFalse();
        result.Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        result.User.Should().BeNull();
    }

    [Fact]
    public async Task Passwords_are_not_trimmed()
    {
        _store.Add("john", new PasswordHasher(new PasswordOptions()).Hash("  padded  "));

        (await CreateAuthenticator().AuthenticateAsync("john", "  padded  ", Imap)).Succeeded.Should().BeTrue();
        (await CreateAuthenticator().AuthenticateAsync("john", "padded", Imap)).Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task Fails_for_an_unknown_user()
    {
        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("nobody", Password, Imap);

        result.Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        result.User.Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Fails_with_an_empty_password(string? password)
    {
        _store.Add("john", CurrentHash);

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("john", password!, Imap);

        result.Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
    }

    [Fact]
    public async Task Fails_when_the_user_has_no_password()
    {
        _store.Add("john", string.Empty);

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("john", Password, Imap);

        result.Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
    }

    [Fact]
    public async Task Fails_for_a_disabled_user()
    {
        _store.Add("john", CurrentHash, u => u with { Disabled = true });

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("john", Password, Imap);

        result.Failure.Should().Be(AuthenticationFailure.Disabled);
        result.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task Fails_for_a_suspended_user()
    {
        _store.Add("john", CurrentHash, u => u with { Suspended = true });

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("john", Password, Imap);

        result.Failure.Should().Be(AuthenticationFailure.Suspended);
    }

    [Fact]
    public async Task Fails_for_a_disabled_scope_but_not_for_others()
    {
        _store.Add("john", CurrentHash, u => u with { DisabledScopes = ["imap", "pop3"] });
        UserAuthenticator authenticator = CreateAuthenticator();

        (await authenticator.AuthenticateAsync("john", Password, Imap)).Failure.Should().Be(AuthenticationFailure.ScopeDisabled);
        (await authenticator.AuthenticateAsync("john", Password, new AuthenticationContext(AuthenticationScope.Pop3))).Failure.Should().Be(AuthenticationFailure.ScopeDisabled);
        (await authenticator.AuthenticateAsync("john", Password, new AuthenticationContext(AuthenticationScope.Smtp))).Succeeded.Should().BeTrue();
        (await authenticator.AuthenticateAsync("john", Password, new AuthenticationContext(AuthenticationScope.Master))).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task With_2fa_the_master_password_opens_only_the_master_scope_and_asks_for_the_methods()
    {
        _store.Add("john", CurrentHash, u => u with { Enabled2fa = [TwoFactorMethod.Totp, TwoFactorMethod.WebAuthn] });
        UserAuthenticator authenticator = CreateAuthenticator();

        foreach (string scope in new[] { AuthenticationScope.Imap, AuthenticationScope.Pop3, AuthenticationScope.Smtp })
        {
            AuthenticationResult refused = await authenticator.AuthenticateAsync("john", Password, new AuthenticationContext(scope));
            refused.Failure.Should().Be(AuthenticationFailure.TwoFactorRequired, scope);
            refused.User.Should().BeNull("nothing about the account is handed to a protocol layer");
            refused.RequireTwoFactor.Should().BeEmpty();
        }

        AuthenticationResult master = await authenticator.AuthenticateAsync("john", Password, new AuthenticationContext(AuthenticationScope.Master));
        master.Succeeded.Should().BeTrue();
        master.RequireTwoFactor.Should().Equal(TwoFactorMethod.Totp, TwoFactorMethod.WebAuthn);

        _store.Add("jane", CurrentHash);
        (await authenticator.AuthenticateAsync("jane", Password, new AuthenticationContext(AuthenticationScope.Master))).RequireTwoFactor.Should().BeEmpty();
    }

    [Fact]
    public async Task Master_password_attempts_refused_for_2fa_count_as_failures()
    {
        _store.Add("john", CurrentHash, u => u with { Enabled2fa = [TwoFactorMethod.Totp] });
        UserAuthenticator authenticator = CreateAuthenticator();
        for (int i = 0; i < 12; i++)
        {
            (await authenticator.AuthenticateAsync("john", Password, Imap)).Failure.Should().Be(AuthenticationFailure.TwoFactorRequired);
        }

        (await authenticator.AuthenticateAsync("john", Password, Imap)).Failure.Should().Be(AuthenticationFailure.RateLimited);
    }

    [Fact]
    public async Task Rate_limits_after_12_failures_and_resets_after_the_window()
    {
        _store.Add("john", CurrentHash);
        UserAuthenticator authenticator = CreateAuthenticator();
        var context = new AuthenticationContext(AuthenticationScope.Imap); // no IP: only the per-user limit applies

        for (int i = 0; i < 12; i++)
        {
            (await authenticator.AuthenticateAsync("john", "wrong", context)).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        AuthenticationResult limited = await authenticator.AuthenticateAsync("john", Password, context);
        limited.Failure.Should().Be(AuthenticationFailure.RateLimited);
        limited.RetryAfter.Should().Be(TimeSpan.FromSeconds(120 - 60), "the window started at the first failure");

        _time.Advance(TimeSpan.FromSeconds(59));
        (await authenticator.AuthenticateAsync("john", Password, context)).Failure.Should().Be(AuthenticationFailure.RateLimited);

        _time.Advance(TimeSpan.FromSeconds(1));
        (await authenticator.AuthenticateAsync("john", Password, context)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task A_success_clears_the_user_failure_counter()
    {
        _store.Add("john", CurrentHash);
        UserAuthenticator authenticator = CreateAuthenticator();
        var context = new AuthenticationContext(AuthenticationScope.Imap);

        for (int i = 0; i < 11; i++)
        {
            await authenticator.AuthenticateAsync("john", "wrong", context);
        }

        (await authenticator.AuthenticateAsync("john", Password, context)).Succeeded.Should().BeTrue();
        for (int i = 0; i < 11; i++)
        {
            (await authenticator.AuthenticateAsync("john", "wrong", context)).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        }

        (await authenticator.AuthenticateAsync("john", Password, context)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task Unknown_names_are_rate_limited_too()
    {
        _options.Authentication.UserFailureLimit = 3;
        UserAuthenticator authenticator = CreateAuthenticator();
        var context = new AuthenticationContext(AuthenticationScope.Imap);

        for (int i = 0; i < 3; i++)
        {
            (await authenticator.AuthenticateAsync("ghost", "x", context)).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        }

        (await authenticator.AuthenticateAsync("gh.ost", "x", context)).Failure.Should().Be(AuthenticationFailure.RateLimited);
    }

    [Fact]
    public async Task Rate_limits_per_ip_across_users()
    {
        _options.Authentication.IpFailureLimit = 4;
        _store.Add("alice", CurrentHash);
        _store.Add("bob", CurrentHash);
        UserAuthenticator authenticator = CreateAuthenticator();

        for (int i = 0; i < 2; i++)
        {
            await authenticator.AuthenticateAsync("alice", "wrong", Imap);
            await authenticator.AuthenticateAsync("bob", "wrong", Imap);
        }

        AuthenticationResult limited = await authenticator.AuthenticateAsync("alice", Password, Imap);
        limited.Failure.Should().Be(AuthenticationFailure.RateLimited);
        limited.RetryAfter.Should().Be(TimeSpan.FromSeconds(300));
        (await authenticator.AuthenticateAsync("alice", Password, new AuthenticationContext(AuthenticationScope.Imap, "192.0.2.2"))).Succeeded.Should().BeTrue();

        _time.Advance(TimeSpan.FromSeconds(300));
        (await authenticator.AuthenticateAsync("bob", Password, Imap)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task Ip_limit_of_zero_disables_it()
    {
        _options.Authentication.IpFailureLimit = 0;
        _options.Authentication.UserFailureLimit = 0;
        _store.Add("alice", CurrentHash);
        UserAuthenticator authenticator = CreateAuthenticator();

        for (int i = 0; i < 40; i++)
        {
            (await authenticator.AuthenticateAsync("ghost" + i, "wrong", Imap)).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        }

        (await authenticator.AuthenticateAsync("alice", Password, Imap)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task Rehash_on_login_replaces_a_legacy_hash()
    {
        // md5-crypt of "test" (Python crypt.crypt("test", "$1$abc$")).
        UserRecord user = _store.Add("legacy", "$1$abc$B..HicC/afMveWeNyfNsf/");

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("legacy", "test", Imap);

        result.Succeeded.Should().BeTrue();
        _store.Updates.Should().ContainSingle().Which.Id.Should().Be(user.Id);
        string stored = _store.Get(user.Id).PasswordHash;
        stored.Should().StartWith("$pbkdf2-sha256$i=100000$");
        result.User!.PasswordHash.Should().Be(stored);
        new PasswordHasher(new PasswordOptions()).Verify("test", stored).Should().Be(PasswordVerification.Success);
        (await CreateAuthenticator().AuthenticateAsync("legacy", "test", Imap)).Succeeded.Should().BeTrue();
        _store.Updates.Should().HaveCount(1, "the new hash is current");
    }

    [Fact]
    public async Task Rehash_is_skipped_when_disabled()
    {
        _options.Passwords.RehashOnLogin = false;
        UserRecord user = _store.Add("legacy", "$1$abc$B..HicC/afMveWeNyfNsf/");

        (await CreateAuthenticator().AuthenticateAsync("legacy", "test", Imap)).Succeeded.Should().BeTrue();

        _store.Updates.Should().BeEmpty();
        _store.Get(user.Id).PasswordHash.Should().Be("$1$abc$B..HicC/afMveWeNyfNsf/");
    }

    [Fact]
    public async Task A_failed_rehash_does_not_fail_the_login()
    {
        _store.Add("legacy", "abJnggxhB/yWI"); // DES crypt of "password"
        _store.FailUpdates = true;

        AuthenticationResult result = await CreateAuthenticator().AuthenticateAsync("legacy", "password", Imap);

        result.Succeeded.Should().BeTrue();
        result.User!.PasswordHash.Should().Be("abJnggxhB/yWI");
    }
}
