// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Testing;

namespace WildDuck.Pop3.Tests;

/// <summary>MailKit's POP3 client logging in with application-specific passwords (reference §7.3).</summary>
public sealed class ApplicationPasswordTests : IAsyncLifetime
{
    private Pop3TestServer _server = null!;

    public async Task InitializeAsync() => _server = await Pop3TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<MailKit.Net.Pop3.Pop3Client> ConnectAsync() => await _server.ConnectClientAsync(login: false);

    [Fact]
    public async Task A_pop3_scoped_password_logs_in_and_an_imap_scoped_one_does_not()
    {
        await _server.AppendAsync("From: bob@example.org\r\nSubject: hi\r\n\r\nbody\r\n");
        var pop3 = await ApplicationPasswords.CreateAsync(_server.Services, _server.Alice.Id, "pop3", "smtp");
        var imap = await ApplicationPasswords.CreateAsync(_server.Services, _server.Alice.Id, "imap");

        using (var client = await ConnectAsync())
        {
            await client.AuthenticateAsync(Pop3TestServer.User, pop3);
            client.IsAuthenticated.Should().BeTrue();
            client.Count.Should().Be(1);
            await client.DisconnectAsync(true);
        }

        using (var client = await ConnectAsync())
        {
            var act = () => client.AuthenticateAsync(Pop3TestServer.User, imap);
            await act.Should().ThrowAsync<AuthenticationException>();
        }

        var log = await _server.Services.GetRequiredService<IAuthLogStore>().ListAuthEventsAsync(_server.Alice.Id, new AuthEventQuery(), DateTimeOffset.UtcNow);
        log.Events.Should().Contain(e => e.Protocol == "POP3" && e.Source == "asp" && e.Result == "success" && e.RemoteAddress == "127.0.0.1");
        log.Events.Should().Contain(e => e.Protocol == "POP3" && e.Result == "fail" && e.Reason == "InvalidScope");
    }

    [Fact]
    public async Task With_custom_2fa_enabled_only_application_passwords_open_pop3()
    {
        var asp = await ApplicationPasswords.CreateAsync(_server.Services, _server.Alice.Id, "pop3");
        await _server.Services.GetRequiredService<ITwoFactorStore>().EnableCustomTwoFactorAsync(_server.Alice.Id);
        using (var client = await ConnectAsync())
        {
            var act = () => client.AuthenticateAsync(Pop3TestServer.User, Pop3TestServer.Password);
            await act.Should().ThrowAsync<AuthenticationException>();
        }

        using (var client = await ConnectAsync())
        {
            await client.AuthenticateAsync(Pop3TestServer.User, asp);
            client.IsAuthenticated.Should().BeTrue();
            await client.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task A_star_password_logs_in_until_it_is_deleted_and_the_account_password_still_works()
    {
        var star = await ApplicationPasswords.CreateAsync(_server.Services, _server.Alice.Id, "*");
        using (var client = await ConnectAsync())
        {
            await client.AuthenticateAsync(Pop3TestServer.User, star.ToUpperInvariant());
            client.IsAuthenticated.Should().BeTrue();
            await client.DisconnectAsync(true);
        }

        var store = _server.Services.GetRequiredService<IAspStore>();
        var asp = (await store.ListAspsAsync(_server.Alice.Id, DateTimeOffset.UtcNow)).Single();
        (await store.DeleteAspAsync(_server.Alice.Id, asp.Id)).Should().BeTrue();
        using (var client = await ConnectAsync())
        {
            var act = () => client.AuthenticateAsync(Pop3TestServer.User, star);
            await act.Should().ThrowAsync<AuthenticationException>();
        }

        using (var client = await ConnectAsync())
        {
            await client.AuthenticateAsync(Pop3TestServer.User, Pop3TestServer.Password);
            client.IsAuthenticated.Should().BeTrue();
        }
    }
}
