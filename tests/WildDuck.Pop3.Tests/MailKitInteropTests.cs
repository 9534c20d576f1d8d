// SPDX-License-Identifier: MIT
using System.IO;
using System.Text;
using System.Threading.Tasks;
using MailKit.Net.Pop3;
using MailKit.Security;
using WildDuck.Storage;

namespace WildDuck.Pop3.Tests;

/// <summary>MailKit's <see cref="Pop3Client"/> against the real listener: a real client's view of the server.</summary>
public sealed class MailKitInteropTests : IAsyncLifetime
{
    private Pop3TestServer _server = null!;

    public async Task InitializeAsync() => _server = await Pop3TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Login_STAT_UIDL_and_RETR_return_the_appended_bytes()
    {
        var first = await _server.AppendAsync("From: bob@example.org\r\nSubject: one\r\n\r\n.dot line\r\nbody\r\n");
        var second = await _server.AppendAsync("From: bob@example.org\r\nSubject: two\r\n\r\nsecond\r\n");
        using var client = await _server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(Pop3Capabilities.UIDL).And.HaveFlag(Pop3Capabilities.Top).And.HaveFlag(Pop3Capabilities.Pipelining);
        client.Count.Should().Be(2);
        (await client.GetMessageSizesAsync()).Should().Equal((int)first.Size, (int)second.Size);
        (await client.GetMessageUidsAsync()).Should().Equal(first.Id.ToString(), second.Id.ToString());
        (await RetrieveAsync(client, 0)).Should().Equal(Encoding.ASCII.GetBytes("From: bob@example.org\r\nSubject: one\r\n\r\n.dot line\r\nbody\r\n"));
        (await client.GetMessageAsync(1)).Subject.Should().Be("two");
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task DELE_and_QUIT_move_the_message_to_Trash_and_RSET_undoes_DELE()
    {
        var kept = await _server.AppendAsync("Subject: kept\r\n\r\nkept\r\n");
        var deleted = await _server.AppendAsync("Subject: deleted\r\n\r\ndeleted\r\n");
        using (var client = await _server.ConnectClientAsync())
        {
            await client.DeleteMessageAsync(0);
            await client.ResetAsync();
            await client.DeleteMessageAsync(1);
            await client.DisconnectAsync(true);
        }

        (await _server.ListAsync(_server.Inbox)).Select(m => m.Id).Should().Equal(kept.Id);
        var trash = await _server.ListAsync(await _server.TrashAsync());
        trash.Should().ContainSingle().Which.Id.Should().Be(deleted.Id);
        trash[0].Flags.Should().HaveFlag(MessageFlags.Seen);
    }

    [Fact]
    public async Task TOP_returns_the_headers()
    {
        await _server.AppendAsync("Subject: headers only\r\nX-Test: 1\r\n\r\nbody line\r\n");
        using var client = await _server.ConnectClientAsync();
        var headers = await client.GetMessageHeadersAsync(0);
        headers["Subject"].Should().Be("headers only");
        headers["X-Test"].Should().Be("1");
        using var top = await client.GetStreamAsync(0, headersOnly: true);
        var bytes = new MemoryStream();
        await top.CopyToAsync(bytes);
        Encoding.ASCII.GetString(bytes.ToArray()).Should().Be("Subject: headers only\r\nX-Test: 1\r\n\r\n");
    }

    [Fact]
    public async Task STLS_upgrades_with_the_test_certificate_and_then_logs_in()
    {
        await using var server = await Pop3TestServer.StartAsync(allowInsecureAuth: false);
        await server.AppendAsync("Subject: secure\r\n\r\nsecure\r\n");
        using var client = await server.ConnectClientAsync(login: false, security: SecureSocketOptions.StartTls);
        client.IsSecure.Should().BeTrue();
        await client.AuthenticateAsync(Pop3TestServer.User, Pop3TestServer.Password);
        client.Count.Should().Be(1);
        (await client.GetMessageAsync(0)).Subject.Should().Be("secure");
    }

    [Fact]
    public async Task Implicit_TLS_port_serves_the_same_maildrop()
    {
        await using var server = await Pop3TestServer.StartAsync(allowInsecureAuth: false);
        await server.AppendAsync("Subject: tls\r\n\r\ntls\r\n");
        using var client = await server.ConnectClientAsync(security: SecureSocketOptions.SslOnConnect);
        client.IsSecure.Should().BeTrue();
        client.Count.Should().Be(1);
    }

    [Fact]
    public async Task AUTH_PLAIN_logs_in()
    {
        using var client = await _server.ConnectClientAsync(login: false);
        client.AuthenticationMechanisms.Should().Contain("PLAIN");
        await client.AuthenticateAsync(new SaslMechanismPlain(Pop3TestServer.User, Pop3TestServer.Password));
        client.IsAuthenticated.Should().BeTrue();
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_error_and_the_session_continues()
    {
        using var client = await _server.ConnectClientAsync(login: false);
        var act = async () => await client.AuthenticateAsync(Pop3TestServer.User, "wrong");
        await act.Should().ThrowAsync<AuthenticationException>();
        await client.AuthenticateAsync(Pop3TestServer.User, Pop3TestServer.Password);
    }

    [Fact]
    public async Task With_2fa_the_master_password_is_refused()
    {
        var twoFactor = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ITwoFactorStore>(_server.Services);
        await twoFactor.SetPendingTotpSeedAsync(_server.Alice.Id, "JBSWY3DPEHPK3PXP", System.DateTimeOffset.UtcNow);
        (await twoFactor.EnableTotpAsync(_server.Alice.Id, "JBSWY3DPEHPK3PXP")).Should().NotBeNull();

        using var client = await _server.ConnectClientAsync(login: false);
        var act = async () => await client.AuthenticateAsync(Pop3TestServer.User, Pop3TestServer.Password);
        await act.Should().ThrowAsync<AuthenticationException>("with 2FA only application-specific passwords open POP3");
        client.IsAuthenticated.Should().BeFalse();

        await using var pop = await RawPop3Connection.OpenAsync(_server, login: false);
        (await pop.CommandAsync("USER alice")).Should().StartWith("+OK");
        (await pop.CommandAsync("PASS alice-password")).Should().Be("-ERR [AUTH] Invalid credentials");
    }

    internal static async Task<byte[]> RetrieveAsync(Pop3Client client, int index)
    {
        using var stream = await client.GetStreamAsync(index);
        var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        return bytes.ToArray();
    }
}
