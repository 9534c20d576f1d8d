// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Hosting.Tests;

public class ListenerTests
{
    [Fact]
    public async Task PlainListenerServesTheHandlerAndReportsEndpoints()
    {
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler);
        server.EndPoint.Port.Should().NotBe(0);
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            (await client.ReadLineAsync()).Should().Be("* OK ready");
            await client.WriteAsync("INFO\r\n");
            int port = ((IPEndPoint)tcp.Client.LocalEndPoint!).Port;
            (await client.ReadLineAsync()).Should().Be("INFO 127.0.0.1:" + port + " " + server.EndPoint + " False");
            handler.Connections.TryPeek(out var connection).Should().BeTrue();
            connection!.ListenerName.Should().Be("test");
            await client.WriteAsync("QUIT\r\n");
            (await client.ReadLineAsync()).Should().Be("BYE");
            (await client.ReadLineAsync()).Should().BeNull("the runtime closes the socket when the handler returns");
        }
    }

    [Fact]
    public async Task UnknownListenerNameHasNoEndpoint()
    {
        await using var server = await TestServer.StartAsync(new LineHandler());
        server.Listeners.GetBoundEndPoint("nope").Should().BeNull();
    }

    [Fact]
    public async Task StartTlsOverALoopbackSocketWithASelfSignedCertificate()
    {
        string dir = TempDirectory.Create();
        try
        {
            await using var server = await TestServer.StartAsync(new LineHandler(), l => l.TlsMode = TlsMode.StartTls, tls: t => t.SelfSignedDirectory = dir);
            var (tcp, client) = await server.ConnectAsync();
            using (tcp)
            {
                (await client.ReadLineAsync()).Should().Be("* OK ready");
                await client.WriteAsync("STARTTLS\r\n");
                (await client.ReadLineAsync()).Should().Be("OK begin TLS");
                System.Security.Cryptography.X509Certificates.X509Certificate? presented = null;
                client.Stream = await TestCertificates.AuthenticateClientAsync(tcp.GetStream(), c => presented = c);
                presented!.Subject.Should().Be("CN=localhost");
                await client.WriteAsync("INFO\r\n");
                (await client.ReadLineAsync()).Should().EndWith(" True");
            }

            System.IO.File.Exists(System.IO.Path.Combine(dir, "wildduck-selfsigned.pfx")).Should().BeTrue();
        }
        finally
        {
            TempDirectory.Delete(dir);
        }
    }

    [Fact]
    public async Task StartTlsOverASocketRefusesPipelinedPlaintext()
    {
        await using var server = await TestServer.StartAsync(new LineHandler(), l => l.TlsMode = TlsMode.StartTlsRequired);
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            (await client.ReadLineAsync()).Should().Be("* OK ready");
            await client.WriteAsync("STARTTLS\r\nA2 LOGIN injected\r\n");
            (await client.ReadLineAsync()).Should().Be("BAD STARTTLS refused");
            (await client.ReadLineAsync()).Should().BeNull();
        }
    }

    [Fact]
    public async Task ImplicitTlsListenerHandshakesBeforeTheHandler()
    {
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler, l => l.TlsMode = TlsMode.Implicit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        var ssl = await TestCertificates.AuthenticateClientAsync(tcp.GetStream());
        ssl.SslProtocol.Should().BeOneOf(SslProtocols.Tls12, SslProtocols.Tls13);
        var client = new LineClient(ssl);
        (await client.ReadLineAsync()).Should().Be("* OK ready");
        await client.WriteAsync("INFO\r\n");
        (await client.ReadLineAsync()).Should().EndWith(" True");
        handler.Connections.TryPeek(out var connection).Should().BeTrue();
        connection!.CanStartTls.Should().BeFalse();
        connection.TlsServerName.Should().Be("localhost");
    }

    [Fact]
    public async Task ImplicitTlsHandshakeTimesOut()
    {
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler, l =>
        {
            l.TlsMode = TlsMode.Implicit;
            l.HandshakeTimeout = TimeSpan.FromMilliseconds(300);
        });
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            var sw = Stopwatch.StartNew();
            (await client.ReadLineAsync()).Should().BeNull("a silent client is dropped after the handshake timeout");
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
            handler.Connections.Should().BeEmpty();
        }

        await WaitUntilAsync(() => server.Listeners.ActiveConnections == 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProxyHeaderSetsTheClientAddressAndKeepsTheBytesAfterIt(bool v2)
    {
        await using var server = await TestServer.StartAsync(new LineHandler(), l => l.ProxyProtocol = true);
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            byte[] header = v2
                ? ProxyProtocolParserTests.Header("v2:v4")
                : Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.1 198.51.100.2 56324 993\r\n");

            // The first command arrives in the same segment as the header.
            byte[] payload = [.. header, .. "INFO\r\n"u8.ToArray()];
            await tcp.GetStream().WriteAsync(payload);
            (await client.ReadLineAsync()).Should().Be("* OK ready");
            (await client.ReadLineAsync()).Should().Be("INFO 192.0.2.1:56324 198.51.100.2:993 False");
        }
    }

    [Fact]
    public async Task ProxyHeaderBeforeImplicitTls()
    {
        await using var server = await TestServer.StartAsync(new LineHandler(), l =>
        {
            l.ProxyProtocol = true;
            l.TlsMode = TlsMode.Implicit;
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::1 2001:db8::2 40000 993\r\n"));
        var client = new LineClient(await TestCertificates.AuthenticateClientAsync(tcp.GetStream()));
        (await client.ReadLineAsync()).Should().Be("* OK ready");
        await client.WriteAsync("INFO\r\n");
        (await client.ReadLineAsync()).Should().Be("INFO [2001:db8::1]:40000 [2001:db8::2]:993 True");
    }

    [Theory]
    [InlineData("A1 LOGIN user pass\r\n")]
    [InlineData("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n")]
    public async Task BadProxyHeaderClosesTheConnection(string first)
    {
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler, l => l.ProxyProtocol = true);
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            await client.WriteAsync(first);
            (await client.ReadLineAsync()).Should().BeNull();
            handler.Connections.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task ProxyHeaderFromAnUntrustedPeerIsRefused()
    {
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler, l =>
        {
            l.ProxyProtocol = true;
            l.TrustedProxies.Add("192.0.2.99");
        });
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            await client.WriteAsync("PROXY TCP4 192.0.2.1 198.51.100.2 56324 993\r\n");
            (await client.ReadLineAsync()).Should().BeNull();
            handler.Connections.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task ProxyHeaderFromATrustedPeerIsAccepted()
    {
        await using var server = await TestServer.StartAsync(new LineHandler(), l =>
        {
            l.ProxyProtocol = true;
            l.TrustedProxies.Add("127.0.0.0/8");
        });
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            await client.WriteAsync("PROXY TCP4 192.0.2.1 198.51.100.2 56324 993\r\nINFO\r\n");
            (await client.ReadLineAsync()).Should().Be("* OK ready");
            (await client.ReadLineAsync()).Should().StartWith("INFO 192.0.2.1:56324");
        }
    }

    [Fact]
    public async Task ListenerMaxConnectionsClosesTheExtraConnection()
    {
        var handler = new LineHandler();
        await using var server = await TestServer.StartAsync(handler, l => l.MaxConnections = 1);
        var (tcp1, client1) = await server.ConnectAsync();
        using (tcp1)
        {
            (await client1.ReadLineAsync()).Should().Be("* OK ready");
            var (tcp2, client2) = await server.ConnectAsync();
            using (tcp2)
            {
                (await client2.ReadLineAsync()).Should().BeNull("the second connection is over the listener limit");
            }

            await client1.WriteAsync("QUIT\r\n");
            (await client1.ReadLineAsync()).Should().Be("BYE");
        }

        await WaitUntilAsync(() => server.Listeners.ActiveConnections == 0);
        var (tcp3, client3) = await server.ConnectAsync();
        using (tcp3)
        {
            (await client3.ReadLineAsync()).Should().Be("* OK ready", "the slot was freed");
        }
    }

    [Fact]
    public async Task GlobalMaxConnectionsClosesTheExtraConnection()
    {
        await using var server = await TestServer.StartAsync(new LineHandler(), hosting: h => h.MaxConnections = 2);
        var (tcp1, client1) = await server.ConnectAsync();
        var (tcp2, client2) = await server.ConnectAsync();
        using (tcp1)
        using (tcp2)
        {
            (await client1.ReadLineAsync()).Should().Be("* OK ready");
            (await client2.ReadLineAsync()).Should().Be("* OK ready");
            var (tcp3, client3) = await server.ConnectAsync();
            using (tcp3)
            {
                (await client3.ReadLineAsync()).Should().BeNull();
            }

            server.Listeners.ActiveConnections.Should().Be(2);
        }
    }

    [Fact]
    public async Task StopSendsByeThroughTheHandler()
    {
        var handler = new LineHandler();
        var server = await TestServer.StartAsync(handler);
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            (await client.ReadLineAsync()).Should().Be("* OK ready");
            var sw = Stopwatch.StartNew();
            Task stop = server.Host.StopAsync();
            (await client.ReadLineAsync()).Should().Be("* BYE server shutting down");
            (await client.ReadLineAsync()).Should().BeNull();
            await stop;
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "a cooperative handler does not wait for the shutdown timeout");
        }

        server.Host.Dispose();
    }

    [Fact]
    public async Task StopAbortsAStuckHandlerAfterTheShutdownTimeout()
    {
        var handler = new LineHandler();
        var server = await TestServer.StartAsync(handler, hosting: h => h.ShutdownTimeout = TimeSpan.FromMilliseconds(500));
        var (tcp, client) = await server.ConnectAsync();
        using (tcp)
        {
            (await client.ReadLineAsync()).Should().Be("* OK ready");
            await client.WriteAsync("HANG\r\n");
            (await client.ReadLineAsync()).Should().Be("HANGING");
            var sw = Stopwatch.StartNew();
            await server.Host.StopAsync();
            sw.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(400));
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
            (await client.ReadLineAsync()).Should().BeNull();
            server.Listeners.ActiveConnections.Should().Be(0);
        }

        server.Host.Dispose();
    }

    [Fact]
    public async Task NewConnectionsAreNotAcceptedAfterStop()
    {
        var server = await TestServer.StartAsync(new LineHandler());
        IPEndPoint endPoint = server.EndPoint;
        await server.Host.StopAsync();
        using var tcp = new TcpClient();
        Func<Task> connect = () => tcp.ConnectAsync(endPoint);
        await connect.Should().ThrowAsync<SocketException>();
        server.Host.Dispose();
    }

    [Fact]
    public async Task SeveralListenersShareOneHostedService()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWildDuck()
            .AddListener(new ListenerOptions { Name = "a", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None }, _ => new LineHandler())
            .AddListener(new ListenerOptions { Name = "b", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None, Protocol = "pop3" }, _ => new LineHandler());
        using var host = builder.Build();
        host.Services.GetServices<IHostedService>().Should().ContainSingle(s => s is ListenerHostedService);
        await host.StartAsync();
        var listeners = host.Services.GetRequiredService<ListenerHostedService>();
        listeners.GetBoundEndPoint("a").Should().NotBeNull();
        listeners.GetBoundEndPoint("b").Should().NotBeNull();
        listeners.GetBoundEndPoint("a")!.Port.Should().NotBe(listeners.GetBoundEndPoint("b")!.Port);
        await host.StopAsync();
    }

    [Fact]
    public async Task ATlsListenerWithAnUnreadableCertificateFailsTheStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWildDuck()
            .AddTls(o => o.CertificatePath = "/nonexistent/cert.pem")
            .AddListener(new ListenerOptions { Name = "a", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.Implicit }, _ => new LineHandler());
        using var host = builder.Build();
        Func<Task> start = () => host.StartAsync();
        await start.Should().ThrowAsync<Exception>();
    }

    [Theory]
    [InlineData("dup")]
    [InlineData("badproxy")]
    [InlineData("port")]
    [InlineData("timeout")]
    public async Task InvalidListenerOptionsFailTheStart(string problem)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var a = new ListenerOptions { Name = "a", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None };
        var b = new ListenerOptions { Name = "b", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None };
        switch (problem)
        {
            case "dup":
                b.Name = "a";
                break;
            case "badproxy":
                b.ProxyProtocol = true;
                b.TrustedProxies.Add("not-an-address");
                break;
            case "port":
                b.Port = 70000;
                break;
            default:
                b.HandshakeTimeout = TimeSpan.Zero;
                break;
        }

        builder.Services.AddWildDuck().AddListener(a, _ => new LineHandler()).AddListener(b, _ => new LineHandler());
        using var host = builder.Build();
        Func<Task> start = () => host.StartAsync();
        await start.Should().ThrowAsync<InvalidOperationException>();
        host.Services.GetRequiredService<ListenerHostedService>().GetBoundEndPoint("a").Should().BeNull("nothing stays bound after a failed start");
    }

    [Fact]
    public async Task SniHostNameReachesTheCertificateProvider()
    {
        var provider = new RecordingProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<ICertificateProvider>(provider);
        builder.Services.AddWildDuck().AddListener(new ListenerOptions { Name = "s", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.Implicit }, _ => new LineHandler());
        using var host = builder.Build();
        await host.StartAsync();
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(host.Services.GetRequiredService<ListenerHostedService>().GetBoundEndPoint("s")!);
            await using var ssl = await TestCertificates.AuthenticateClientAsync(tcp.GetStream());
            (await new LineClient(ssl).ReadLineAsync()).Should().Be("* OK ready");
        }

        provider.Names.Should().Contain("localhost");
        await host.StopAsync();
    }

    [Fact]
    public async Task AThrowingHandlerClosesTheConnectionAndFreesItsSlot()
    {
        await using var server = await TestServer.StartAsync(new ThrowingHandler(), l => l.MaxConnections = 1);
        for (int i = 0; i < 3; i++)
        {
            var (tcp, client) = await server.ConnectAsync();
            using (tcp)
            {
                (await client.ReadLineAsync()).Should().Be("* OK about to fail");
                (await client.ReadLineAsync()).Should().BeNull();
            }

            await WaitUntilAsync(() => server.Listeners.ActiveConnections == 0);
        }
    }

    [Fact]
    public async Task LargeResponsesOverTlsArriveIntact()
    {
        await using var server = await TestServer.StartAsync(new BulkHandler(), l => l.TlsMode = TlsMode.Implicit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        await using var ssl = await TestCertificates.AuthenticateClientAsync(tcp.GetStream());
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        long sum = 0;
        int n;
        while ((n = await ssl.ReadAsync(buffer)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                sum += buffer[i];
            }

            total += n;
        }

        total.Should().Be(BulkHandler.Size);
        sum.Should().Be(BulkHandler.ExpectedSum);
    }

    private sealed class ThrowingHandler : IMailProtocolHandler
    {
        public async Task RunAsync(MailConnection connection, System.Threading.CancellationToken serverStopping)
        {
            await connection.Transport.Output.WriteAsync("* OK about to fail\r\n"u8.ToArray(), serverStopping);
            throw new InvalidOperationException("engine bug");
        }
    }

    private sealed class BulkHandler : IMailProtocolHandler
    {
        public const int Size = 8 * 1024 * 1024;

        public static long ExpectedSum
        {
            get
            {
                long sum = 0;
                for (int i = 0; i < Size; i++)
                {
                    sum += (byte)i;
                }

                return sum;
            }
        }

        public async Task RunAsync(MailConnection connection, System.Threading.CancellationToken serverStopping)
        {
            int written = 0;
            while (written < Size)
            {
                var span = connection.Transport.Output.GetSpan(16 * 1024);
                int chunk = Math.Min(span.Length, Size - written);
                for (int i = 0; i < chunk; i++)
                {
                    span[i] = (byte)(written + i);
                }

                connection.Transport.Output.Advance(chunk);
                written += chunk;
                var flushed = await connection.Transport.Output.FlushAsync(serverStopping);
                if (flushed.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    private sealed class RecordingProvider : ICertificateProvider
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Names { get; } = [];

        public System.Security.Cryptography.X509Certificates.X509Certificate2 GetCertificate(string? serverName)
        {
            Names.Add(serverName ?? "(none)");
            return TestCertificates.Server;
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "condition not reached in time");
            await Task.Delay(20);
        }
    }
}

internal static class TempDirectory
{
    public static string Create()
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wd-hosting-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Delete(string dir)
    {
        try
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
        catch (System.IO.IOException)
        {
        }
    }
}
