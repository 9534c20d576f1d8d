// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Xunit;

namespace WildDuck.Hosting.Tests;

public class InMemoryConnectionTests
{
    [Fact]
    public async Task EchoesOverPlainPipes()
    {
        var (server, stream) = InMemoryConnection.Create();
        var handler = new LineHandler();
        Task run = handler.RunAsync(server, CancellationToken.None);
        var client = new LineClient(stream);
        (await client.ReadLineAsync()).Should().Be("* OK ready");
        await client.WriteAsync("hello\r\n");
        (await client.ReadLineAsync()).Should().Be("ECHO hello");
        await client.WriteAsync("QUIT\r\n");
        (await client.ReadLineAsync()).Should().Be("BYE");
        await run;
        await server.DisposeAsync();
        (await client.ReadLineAsync()).Should().BeNull("disposing the server ends the client's stream");
    }

    [Fact]
    public async Task ClientDisposeEndsTheServerRead()
    {
        var (server, stream) = InMemoryConnection.Create();
        await stream.DisposeAsync();
        ReadResult result = await server.Transport.Input.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        result.IsCompleted.Should().BeTrue();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task AbortCancelsConnectionClosedAndEndsTheClientStream()
    {
        var (server, stream) = InMemoryConnection.Create();
        server.ConnectionClosed.IsCancellationRequested.Should().BeFalse();
        server.Abort();
        server.ConnectionClosed.IsCancellationRequested.Should().BeTrue();
        (await new LineClient(stream).ReadLineAsync()).Should().BeNull();
        await server.DisposeAsync();
        server.ConnectionClosed.IsCancellationRequested.Should().BeTrue("the token stays readable after dispose");
    }

    [Fact]
    public async Task IdsAreShortRandomBase32()
    {
        var ids = new HashSet<string>();
        for (int i = 0; i < 200; i++)
        {
            var (server, _) = InMemoryConnection.Create();
            server.Id.Should().MatchRegex("^[a-z2-7]{13}$");
            ids.Add(server.Id).Should().BeTrue();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task PlainModeCannotStartTls()
    {
        var (server, _) = InMemoryConnection.Create();
        server.CanStartTls.Should().BeFalse();
        (await server.StartTlsAsync(CancellationToken.None)).Should().BeFalse();
        await server.DisposeAsync();
    }

    [Fact]
    public void CreateRejectsImplicitMode()
    {
        var act = () => InMemoryConnection.Create(TlsMode.Implicit, TestCertificates.Server);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task ImplicitTlsInMemoryIsSecureFromTheFirstByte()
    {
        var (server, stream) = await InMemoryConnection.CreateImplicitTlsAsync(TestCertificates.Server).WaitAsync(TimeSpan.FromSeconds(10));
        server.IsSecure.Should().BeTrue();
        server.TlsMode.Should().Be(TlsMode.Implicit);
        server.CanStartTls.Should().BeFalse();
        server.TlsCipher.Should().NotBeNullOrEmpty();
        stream.Should().BeOfType<System.Net.Security.SslStream>();
        Task run = new LineHandler().RunAsync(server, CancellationToken.None);
        var client = new LineClient(stream);
        (await client.ReadLineAsync()).Should().Be("* OK ready");
        await client.WriteAsync("QUIT\r\n");
        (await client.ReadLineAsync()).Should().Be("BYE");
        await run;
        await server.DisposeAsync();
    }

    [Fact]
    public async Task ImplicitTlsInMemoryFailsWhenTheClientRejectsTheCertificate()
    {
        using var other = Internal.CertificateProvider.CreateSelfSigned("other.test", DateTimeOffset.UtcNow);
        using var otherWithKey = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(other.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        var client = new Func<System.IO.Stream, CancellationToken, Task<System.IO.Stream>>(async (s, ct) =>
        {
            var ssl = new System.Net.Security.SslStream(s);
            await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHashString() == TestCertificates.Server.GetCertHashString(),
            }, ct);
            return ssl;
        });
        Func<Task> act = () => InMemoryConnection.CreateImplicitTlsAsync(otherWithKey, client).WaitAsync(TimeSpan.FromSeconds(10));
        await act.Should().ThrowAsync<Exception>("the client refuses a certificate it did not expect");
    }

    [Theory]
    [InlineData(TlsMode.StartTls)]
    [InlineData(TlsMode.StartTlsRequired)]
    public async Task StartTlsSwapsTheTransport(TlsMode mode)
    {
        var (server, stream) = InMemoryConnection.Create(mode, TestCertificates.Server);
        server.CanStartTls.Should().BeTrue();
        server.IsSecure.Should().BeFalse();
        var handler = new LineHandler();
        Task run = handler.RunAsync(server, CancellationToken.None);
        var client = new LineClient(stream);
        (await client.ReadLineAsync()).Should().Be("* OK ready");
        await client.WriteAsync("STARTTLS\r\n");
        (await client.ReadLineAsync()).Should().Be("OK begin TLS");
        client.Stream = await TestCertificates.AuthenticateClientAsync(stream);
        await client.WriteAsync("secret\r\n");
        (await client.ReadLineAsync()).Should().Be("ECHO secret");
        server.IsSecure.Should().BeTrue();
        server.CanStartTls.Should().BeFalse();
        server.TlsProtocol.Should().BeOneOf(SslProtocols.Tls12, SslProtocols.Tls13);
        server.TlsCipher.Should().NotBeNullOrEmpty();
        await client.WriteAsync("STARTTLS\r\n");
        (await client.ReadLineAsync()).Should().Be("BAD STARTTLS refused", "a second STARTTLS is refused");
        await run;
        await server.DisposeAsync();
    }

    [Theory]
    [InlineData("STARTTLS\r\nA2 LOGIN user pass\r\n")]
    [InlineData("STARTTLS\r\nX")]
    [InlineData("STARTTLS\r\n\r\n")]
    public async Task StartTlsRefusesPlaintextPipelinedAfterTheCommand(string injected)
    {
        var (server, stream) = InMemoryConnection.Create(TlsMode.StartTls, TestCertificates.Server);
        var client = new LineClient(stream);
        var handler = new LineHandler();

        // Everything arrives in one write, so it is in one read: the CVE-2011-0411 injection shape.
        await client.WriteAsync(injected);
        Task run = handler.RunAsync(server, CancellationToken.None);
        (await client.ReadLineAsync()).Should().Be("* OK ready");
        (await client.ReadLineAsync()).Should().Be("BAD STARTTLS refused", "no go-ahead may be sent when plaintext follows STARTTLS");
        await run;
        server.IsSecure.Should().BeFalse();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task StartTlsRefusesPipelinedPlaintextEvenWhenTheEngineExaminedEverything()
    {
        var (server, stream) = InMemoryConnection.Create(TlsMode.StartTls, TestCertificates.Server);
        await new LineClient(stream).WriteAsync("STARTTLS\r\nA2 LOGIN x y");
        ReadResult result = await server.Transport.Input.ReadAsync();
        var buffer = result.Buffer;
        var lineEnd = buffer.GetPosition(1, buffer.PositionOf((byte)'\n')!.Value);

        // A framer that scanned the whole buffer reports examined = end ("wake me only for new bytes").
        server.Transport.Input.AdvanceTo(lineEnd, buffer.End);
        (await server.StartTlsAsync("OK go\r\n"u8.ToArray(), CancellationToken.None)).Should().BeFalse();
        server.IsSecure.Should().BeFalse();

        // The refused upgrade leaves the input intact for the engine.
        server.Transport.Input.TryRead(out var rest).Should().BeTrue();
        Encoding.ASCII.GetString(rest.Buffer).Should().Be("A2 LOGIN x y");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task StartTlsIsRefusedAfterTheTransportWasReplaced()
    {
        var (server, _) = InMemoryConnection.Create(TlsMode.StartTls, TestCertificates.Server);
        var original = server.Transport;
        var wrapper = new Pipe();
        server.UseTransport(new TestDuplexPipe(wrapper.Reader, original.Output));
        server.Transport.Should().NotBeSameAs(original);
        (await server.StartTlsAsync(CancellationToken.None)).Should().BeFalse();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task FailedHandshakeThrowsAndAbortsTheConnection()
    {
        var (server, stream) = InMemoryConnection.Create(TlsMode.StartTls, TestCertificates.Server, handshakeTimeout: TimeSpan.FromMilliseconds(300));
        Task<bool> upgrade = server.StartTlsAsync(CancellationToken.None).AsTask();

        // The client never starts a handshake: the timeout must end it.
        Func<Task> act = () => upgrade;
        await act.Should().ThrowAsync<System.IO.IOException>();
        server.ConnectionClosed.IsCancellationRequested.Should().BeTrue();
        await server.DisposeAsync();
        await stream.DisposeAsync();
    }

    private sealed class TestDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
