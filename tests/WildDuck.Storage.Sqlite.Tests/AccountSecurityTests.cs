// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WildDuck.Storage.Security;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>
/// The authenticator with the real SQLite store behind it: application passwords by scope, temporary passwords,
/// the second-factor rule, the authentication log it writes, and the per-IP limit shared by every scope.
/// </summary>
public sealed class AccountSecurityTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly TempDirectory _dir = new();
    private readonly IOptions<WildDuckOptions> _options;
    private readonly SqliteMailStore _store;
    private readonly PasswordHasher _hasher;

    public AccountSecurityTests()
    {
        _options = Options.Create(new WildDuckOptions { Hostname = "example.test" });
        _store = SqliteTestStore.Create(_dir.File("wildduck.db"), _options.Value);
        _hasher = new PasswordHasher(_options);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private UserAuthenticator Authenticator(ITwoFactorPolicy? twoFactor = null, IAuthLogStore? logStore = null) => new(
        _store,
        _hasher,
        new InMemoryAuthenticationRateLimiter(),
        _options,
        NullLogger<UserAuthenticator>.Instance,
        _store,
        new AuthenticationLog(logStore ?? _store, _options, TimeProvider.System, NullLogger<AuthenticationLog>.Instance),
        twoFactor,
        TimeProvider.System);

    private Task<UserRecord> UserAsync(string name = "alice") =>
        _store.CreateUserAsync(new CreateUserRequest { Username = name, Password = Password });

    private async Task<(AspRecord Asp, string Password)> AspAsync(UserRecord user, params string[] scopes)
    {
        var password = AccountPasswords.NewApplicationPassword();
        var now = DateTimeOffset.UtcNow;
        var asp = new AspRecord
        {
            Id = EntityId.NewId(),
            User = user.Id,
            Description = "mail app",
            Scopes = AccountPasswords.NormalizeApplicationScopes(scopes)!,
            PasswordHash = _hasher.Hash(password),
            Selector = AccountPasswords.Selector(password),
            Created = now,
        };
        await _store.CreateAspAsync(asp, 50, now);
        return (asp, password);
    }

    private static AuthenticationContext Context(string scope, string ip = "192.0.2.1") => new(scope, ip);

    private async Task<IReadOnlyList<AuthEventRecord>> LogAsync(UserRecord user) =>
        (await _store.ListAuthEventsAsync(user.Id, new AuthEventQuery { Limit = 100 }, DateTimeOffset.UtcNow)).Events;

    [Fact]
    public async Task An_application_password_opens_only_its_scopes_and_never_the_master_scope()
    {
        var user = await UserAsync();
        var (asp, password) = await AspAsync(user, "imap");
        var authenticator = Authenticator();

        var imap = await authenticator.AuthenticateAsync("alice", password, Context(AuthenticationScope.Imap, "198.51.100.4"));
        imap.Succeeded.Should().BeTrue();
        imap.Source.Should().Be(AuthenticationSource.Asp);
        imap.Asp!.Id.Should().Be(asp.Id);

        var spaced = string.Join(' ', password.Chunk(4).Select(c => new string(c))).ToUpperInvariant();
        (await authenticator.AuthenticateAsync("alice", spaced, Context(AuthenticationScope.Imap))).Succeeded.Should().BeTrue("whitespace and case are ignored");

        (await authenticator.AuthenticateAsync("alice", password, Context(AuthenticationScope.Pop3))).Failure.Should().Be(AuthenticationFailure.InvalidScope);
        (await authenticator.AuthenticateAsync("alice", password, Context(AuthenticationScope.Master))).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        (await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Pop3))).Source.Should().Be(AuthenticationSource.Master);

        var stored = await _store.GetAspAsync(user.Id, asp.Id, DateTimeOffset.UtcNow);
        stored!.LastUse.Should().NotBeNull();
        stored.LastIp.Should().Be("192.0.2.1", "the latest use");
    }

    [Fact]
    public async Task Every_attempt_is_in_the_authentication_log_with_its_source_and_reason()
    {
        var user = await UserAsync();
        var (asp, password) = await AspAsync(user, "pop3");
        var authenticator = Authenticator();
        await authenticator.AuthenticateAsync("alice", password, new AuthenticationContext(AuthenticationScope.Pop3, "192.0.2.1", "POP3", "conn-1"));
        await authenticator.AuthenticateAsync("alice", password, Context(AuthenticationScope.Imap));
        await authenticator.AuthenticateAsync("alice", "wrong", Context(AuthenticationScope.Imap));
        await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Master));

        var log = await LogAsync(user);
        log.Should().HaveCount(4);
        log.Should().ContainSingle(e => e.Source == "asp" && e.Result == "success"
            && e.Protocol == "POP3" && e.Session == "conn-1" && e.RequiredScope == "pop3" && e.Asp == asp.Id && e.AspName == "mail app");
        log.Should().ContainSingle(e => e.Source == "asp" && e.Result == "fail" && e.Reason == "InvalidScope" && e.Protocol == "IMAP");
        log.Should().ContainSingle(e => e.Source == null && e.Result == "fail" && e.Reason == "InvalidCredentials");
        log.Should().ContainSingle(e => e.Source == "master" && e.Result == "success" && e.Protocol == "API" && e.RemoteAddress == "192.0.2.1");

        await _store.UpdateUserAsync(user.Id, new UserUpdate { Suspended = true });
        await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Imap));
        (await LogAsync(user)).Should().Contain(e => e.Result == "suspended");
    }

    [Fact]
    public async Task A_failing_log_never_fails_a_login()
    {
        var user = await UserAsync();

        // A real store that cannot open its file: every log write fails.
        using var broken = SqliteTestStore.Create(_dir.Path);
        var write = () => broken.AddAuthEventAsync(
            new AuthEventRecord { Id = EntityId.NewId(), Action = "x", Result = "success", Created = DateTimeOffset.UtcNow, Expires = DateTimeOffset.UtcNow.AddDays(1) },
            TimeSpan.Zero);
        await write.Should().ThrowAsync<StorageException>("the log store really is broken");
        var result = await Authenticator(logStore: broken).AuthenticateAsync("alice", Password, Context(AuthenticationScope.Imap));
        result.Succeeded.Should().BeTrue();
        result.User!.Id.Should().Be(user.Id);
    }

    [Fact]
    public async Task A_temporary_password_opens_the_master_scope_asking_for_a_change_until_the_password_changes()
    {
        var user = await UserAsync();
        var now = DateTimeOffset.UtcNow;
        await _store.UpdateUserAsync(user.Id, new UserUpdate { TemporaryPassword = new TemporaryPassword(_hasher.Hash("Temp0rary123"), now, now) });
        var authenticator = Authenticator();

        var master = await authenticator.AuthenticateAsync("alice", "Temp0rary123", Context(AuthenticationScope.Master));
        master.Succeeded.Should().BeTrue();
        master.Source.Should().Be(AuthenticationSource.Temporary);
        master.RequirePasswordChange.Should().BeTrue();
        (await authenticator.AuthenticateAsync("alice", "Temp0rary123", Context(AuthenticationScope.Imap))).Failure.Should().Be(AuthenticationFailure.InvalidScope);
        var own = await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Master));
        own.Source.Should().Be(AuthenticationSource.Master, "the account password still works");
        own.RequirePasswordChange.Should().BeFalse();

        await _store.UpdateUserAsync(user.Id, new UserUpdate { PasswordHash = _hasher.Hash("a new password") });
        (await authenticator.AuthenticateAsync("alice", "Temp0rary123", Context(AuthenticationScope.Master))).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        (await LogAsync(user)).Should().Contain(e => e.Source == "temporary" && e.Result == "success");
    }

    [Fact]
    public async Task A_temporary_password_works_only_from_its_valid_after_time_and_for_a_day()
    {
        var user = await UserAsync();
        var now = DateTimeOffset.UtcNow;
        var authenticator = Authenticator();
        await _store.UpdateUserAsync(user.Id, new UserUpdate { TemporaryPassword = new TemporaryPassword(_hasher.Hash("Later0000000"), now, now.AddHours(1)) });
        (await authenticator.AuthenticateAsync("alice", "Later0000000", Context(AuthenticationScope.Master))).Failure.Should().Be(AuthenticationFailure.TemporaryPasswordNotYetValid);

        await _store.UpdateUserAsync(user.Id, new UserUpdate { TemporaryPassword = new TemporaryPassword(_hasher.Hash("Stale0000000"), now.AddDays(-2), now.AddDays(-2)) });
        (await authenticator.AuthenticateAsync("alice", "Stale0000000", Context(AuthenticationScope.Master))).Failure.Should().Be(AuthenticationFailure.InvalidCredentials, "issued two days ago");
    }

    [Fact]
    public async Task With_a_second_factor_the_account_password_opens_only_the_master_scope_and_application_passwords_still_work()
    {
        var user = await UserAsync();
        var (_, password) = await AspAsync(user, "*");
        var authenticator = Authenticator(new FixedTwoFactor("totp"));

        (await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Imap))).Failure.Should().Be(AuthenticationFailure.TwoFactorRequired);
        (await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Pop3))).Failure.Should().Be(AuthenticationFailure.TwoFactorRequired);
        var master = await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Master));
        master.Succeeded.Should().BeTrue();
        master.RequireTwoFactor.Should().Equal("totp");
        (await authenticator.AuthenticateAsync("alice", password, Context(AuthenticationScope.Imap))).Succeeded.Should().BeTrue();
        (await authenticator.AuthenticateAsync("alice", password, Context(AuthenticationScope.Pop3))).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task The_per_ip_limit_counts_failures_of_every_scope_together()
    {
        var options = Options.Create(new WildDuckOptions { Hostname = "example.test", Authentication = { IpFailureLimit = 3, UserFailureLimit = 0 } });
        await UserAsync("alice");
        await UserAsync("bob");
        var authenticator = new UserAuthenticator(_store, _hasher, new InMemoryAuthenticationRateLimiter(), options, NullLogger<UserAuthenticator>.Instance, _store);
        (await authenticator.AuthenticateAsync("alice", "wrong", Context(AuthenticationScope.Imap, "203.0.113.9"))).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        (await authenticator.AuthenticateAsync("bob", "wrong", Context(AuthenticationScope.Pop3, "203.0.113.9"))).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);
        (await authenticator.AuthenticateAsync("nobody", "wrong", Context(AuthenticationScope.Master, "203.0.113.9"))).Failure.Should().Be(AuthenticationFailure.InvalidCredentials);

        var limited = await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Master, "203.0.113.9"));
        limited.Failure.Should().Be(AuthenticationFailure.RateLimited, "three failures from the address through three scopes");
        limited.RetryAfter.Should().NotBeNull();
        (await authenticator.AuthenticateAsync("alice", Password, Context(AuthenticationScope.Imap, "203.0.113.10"))).Succeeded.Should().BeTrue("another address is not limited");
    }

    private sealed class FixedTwoFactor(params string[] methods) : ITwoFactorPolicy
    {
        public IReadOnlyList<string> EnabledMethods(UserRecord user) => methods;
    }
}
