// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Security;
using WildDuck.Testing;
using Xunit;

namespace WildDuck.Imap.Tests;

/// <summary>MailKit logging in with application-specific passwords (reference §7.3) and the authentication log it leaves.</summary>
public sealed class ApplicationPasswordTests
{
    [Fact]
    public async Task An_imap_scoped_password_logs_in_and_a_pop3_scoped_one_does_not()
    {
        await using var server = await ImapTestServer.StartAsync();
        var imap = await ApplicationPasswords.CreateAsync(server.Services, server.Alice.Id, "imap");
        var pop3 = await ApplicationPasswords.CreateAsync(server.Services, server.Alice.Id, "pop3");

        using (var client = await server.ConnectClientAsync(login: false))
        {
            await client.AuthenticateAsync(ImapTestServer.User, imap);
            client.IsAuthenticated.Should().BeTrue();
            await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        }

        using (var client = await server.ConnectClientAsync(login: false))
        {
            var act = () => client.AuthenticateAsync(ImapTestServer.User, pop3);
            await act.Should().ThrowAsync<AuthenticationException>();
            client.IsAuthenticated.Should().BeFalse();
        }

        var log = await server.Services.GetRequiredService<IAuthLogStore>().ListAuthEventsAsync(server.Alice.Id, new AuthEventQuery(), System.DateTimeOffset.UtcNow);
        log.Events.Should().Contain(e => e.Protocol == "IMAP" && e.Source == "asp" && e.Result == "success" && e.Session != null);
        log.Events.Should().Contain(e => e.Protocol == "IMAP" && e.Source == "asp" && e.Result == "fail" && e.Reason == "InvalidScope");
    }

    [Fact]
    public async Task With_a_second_factor_only_application_passwords_open_imap()
    {
        await using var server = await ImapTestServer.StartAsync(services: s => s.AddSingleton<ITwoFactorPolicy>(new TotpEnabled()));
        var asp = await ApplicationPasswords.CreateAsync(server.Services, server.Alice.Id, "*");

        using (var client = await server.ConnectClientAsync(login: false))
        {
            var act = () => client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
            await act.Should().ThrowAsync<AuthenticationException>("the account password is for the API's first step only");
        }

        using (var client = await server.ConnectClientAsync(login: false))
        {
            await client.AuthenticateAsync(ImapTestServer.User, asp);
            client.IsAuthenticated.Should().BeTrue();
        }
    }

    [Fact]
    public async Task With_custom_2fa_enabled_in_the_store_the_account_password_no_longer_opens_imap()
    {
        await using var server = await ImapTestServer.StartAsync();
        var asp = await ApplicationPasswords.CreateAsync(server.Services, server.Alice.Id, "imap");
        (await server.Services.GetRequiredService<ITwoFactorStore>().EnableCustomTwoFactorAsync(server.Alice.Id))!.Enabled2fa.Should().Equal(TwoFactorMethod.Custom);

        using (var client = await server.ConnectClientAsync(login: false))
        {
            var act = () => client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
            await act.Should().ThrowAsync<AuthenticationException>("custom 2FA: the external system checks the second factor, so only ASPs open IMAP");
        }

        using (var client = await server.ConnectClientAsync(login: false))
        {
            await client.AuthenticateAsync(ImapTestServer.User, asp);
            client.IsAuthenticated.Should().BeTrue();
        }

        await server.Services.GetRequiredService<ITwoFactorStore>().DisableCustomTwoFactorAsync(server.Alice.Id);
        using (var client = await server.ConnectClientAsync(login: false))
        {
            await client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
            client.IsAuthenticated.Should().BeTrue("the marker is gone");
        }
    }

    [Fact]
    public async Task A_suspended_user_or_a_disabled_imap_scope_refuses_even_an_application_password()
    {
        await using var server = await ImapTestServer.StartAsync();
        var asp = await ApplicationPasswords.CreateAsync(server.Services, server.Alice.Id, "*");
        await server.Users.UpdateUserAsync(server.Alice.Id, new UserUpdate { DisabledScopes = new[] { "imap" } });
        using (var client = await server.ConnectClientAsync(login: false))
        {
            var act = () => client.AuthenticateAsync(ImapTestServer.User, asp);
            await act.Should().ThrowAsync<AuthenticationException>();
        }

        await server.Users.UpdateUserAsync(server.Alice.Id, new UserUpdate { DisabledScopes = System.Array.Empty<string>(), Suspended = true });
        using (var client = await server.ConnectClientAsync(login: false))
        {
            var act = () => client.AuthenticateAsync(ImapTestServer.User, asp);
            await act.Should().ThrowAsync<AuthenticationException>();
        }

        await server.Users.UpdateUserAsync(server.Alice.Id, new UserUpdate { Suspended = false });
        using (var client = await server.ConnectClientAsync(login: false))
        {
            await client.AuthenticateAsync(ImapTestServer.User, asp);
            client.IsAuthenticated.Should().BeTrue();
        }
    }

    private sealed class TotpEnabled : ITwoFactorPolicy
    {
        public IReadOnlyList<string> EnabledMethods(UserRecord user) => new[] { "totp" };
    }
}
