// SPDX-License-Identifier: MIT
using System.IO;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class LoginTests
{
    [Fact]
    public async Task LoginCommandSucceeds()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync(login: false);
        client.AuthenticationMechanisms.Clear(); // forces the LOGIN command
        await client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
        client.IsAuthenticated.Should().BeTrue();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.UidPlus); // from the CAPABILITY code in the tagged OK
    }

    [Fact]
    public async Task AuthenticatePlainUsesTheInitialResponse()
    {
        await using var server = await ImapTestServer.StartAsync();
        var (stream, _) = server.Connect();
        using var log = new MemoryStream();
        using var client = new ImapClient(new ProtocolLogger(log, leaveOpen: true));
        await client.ConnectAsync(stream, "imap.test", 143, SecureSocketOptions.None);
        client.Capabilities.Should().HaveFlag(ImapCapabilities.SaslIR);
        client.AuthenticationMechanisms.Should().Contain("PLAIN");
        await client.AuthenticateAsync(new SaslMechanismPlain(new NetworkCredential(ImapTestServer.User, ImapTestServer.Password)));
        client.IsAuthenticated.Should().BeTrue();
        var text = Encoding.ASCII.GetString(log.ToArray());
        text.Should().MatchRegex(@"AUTHENTICATE PLAIN [A-Za-z0-9+/=*]+\r\n");
    }

    [Fact]
    public async Task WrongPasswordIsAnAuthenticationException()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync(login: false);
        var act = () => client.AuthenticateAsync(ImapTestServer.User, "wrong-password");
        await act.Should().ThrowAsync<AuthenticationException>();
        client.IsAuthenticated.Should().BeFalse();
        await client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
        client.IsAuthenticated.Should().BeTrue();
    }

    [Fact]
    public async Task WrongPasswordOverRawLoginGetsAuthenticationFailed()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server, login: false);
        var lines = await raw.CommandAsync("a1", "LOGIN alice nope");
        lines[^1].Should().StartWith("a1 NO [AUTHENTICATIONFAILED]");
    }

    [Fact]
    public async Task InsecureAuthDisallowedAdvertisesLoginDisabled()
    {
        await using var server = await ImapTestServer.StartAsync(allowInsecureAuth: false);
        using var client = await server.ConnectClientAsync(login: false);
        client.Capabilities.Should().HaveFlag(ImapCapabilities.LoginDisabled);
        client.AuthenticationMechanisms.Should().BeEmpty();
        var act = () => client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
        await act.Should().ThrowAsync<AuthenticationException>();

        await using var raw = await RawImapConnection.OpenAsync(server, login: false);
        (await raw.CommandAsync("a1", "LOGIN alice alice-password"))[^1].Should().StartWith("a1 NO");
        (await raw.CommandAsync("a2", "AUTHENTICATE PLAIN AGFsaWNlAGFsaWNlLXBhc3N3b3Jk"))[^1].Should().StartWith("a2 NO");
    }

    [Fact]
    public async Task RepeatedFailedLoginsAreRateLimited()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server, login: false);
        var responses = new System.Collections.Generic.List<string>();
        for (var i = 0; i < 15; i++)
        {
            responses.Add((await raw.CommandAsync("f" + i, "LOGIN alice wrong"))[^1]);
        }

        responses.Should().OnlyContain(r => r.Contains(" NO ", System.StringComparison.Ordinal));
        responses[^1].Should().Contain("[LIMIT]");

        // Even the right password is refused while the limit holds.
        (await raw.CommandAsync("g", "LOGIN alice alice-password"))[^1].Should().StartWith("g NO [LIMIT]");
    }

    [Fact]
    public async Task WithTwoFactorTheMasterPasswordLoginIsAuthenticationFailed()
    {
        await using var server = await ImapTestServer.StartAsync();
        var twoFactor = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<WildDuck.Storage.ITwoFactorStore>(server.Services);
        await twoFactor.SetPendingTotpSeedAsync(server.Alice.Id, "JBSWY3DPEHPK3PXP", System.DateTimeOffset.UtcNow);
        (await twoFactor.EnableTotpAsync(server.Alice.Id, "JBSWY3DPEHPK3PXP")).Should().NotBeNull();

        var (stream, _) = server.Connect();
        using var log = new MemoryStream();
        using var client = new ImapClient(new ProtocolLogger(log, leaveOpen: true));
        await client.ConnectAsync(stream, "imap.test", 143, SecureSocketOptions.None);
        client.AuthenticationMechanisms.Clear(); // forces the LOGIN command
        var act = () => client.AuthenticateAsync(ImapTestServer.User, ImapTestServer.Password);
        await act.Should().ThrowAsync<AuthenticationException>("with 2FA only application-specific passwords open IMAP");
        client.IsAuthenticated.Should().BeFalse();
        Encoding.ASCII.GetString(log.ToArray()).Should().Contain("NO [AUTHENTICATIONFAILED]");
    }
}
