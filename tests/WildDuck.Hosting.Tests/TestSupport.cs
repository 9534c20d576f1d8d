// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Hosting.Internal;
using WildDuck.Storage;

namespace WildDuck.Hosting.Tests;

internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> s_server = new(() =>
    {
        using var created = CertificateProvider.CreateSelfSigned("localhost", DateTimeOffset.UtcNow);
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    });

    public static X509Certificate2 Server => s_server.Value;

    public static async Task<SslStream> AuthenticateClientAsync(Stream stream, Action<X509Certificate?>? seen = null)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                // Tests use self-signed certificates: accept any presented certificate, but require one.
                seen?.Invoke(certificate);
                return certificate is not null;
            },
        });
        return ssl;
    }
}

/// <summary>A minimal line protocol used to exercise the runtime: greeting, ECHO, STARTTLS, INFO, HANG, QUIT.</summary>
internal sealed class LineHandler : IMailProtocolHandler
{
    public ConcurrentQueue<MailConnection> Connections { get; } = new();

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(MailConnection connection, CancellationToken serverStopping)
    {
        Connections.Enqueue(connection);
        Started.TrySetResult();
        await WriteAsync(connection, "* OK ready\r\n");
        while (true)
        {
            ReadResult result;
            try
            {
                result = await connection.Transport.Input.ReadAsync(serverStopping);
            }
            catch (OperationCanceledException)
            {
                await WriteAsync(connection, "* BYE server shutting down\r\n");
                return;
            }

            if (result.IsCanceled)
            {
                await WriteAsync(connection, "* BYE timeout\r\n");
                return;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (result.IsCompleted)
                {
                    return;
                }

                connection.Transport.Input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            string line = Encoding.ASCII.GetString(buffer.Slice(0, lf.Value)).TrimEnd('\r');
            connection.Transport.Input.AdvanceTo(buffer.GetPosition(1, lf.Value));
            switch (line)
            {
                case "STARTTLS":
                    if (!await connection.StartTlsAsync("OK begin TLS\r\n"u8.ToArray(), CancellationToken.None))
                    {
                        await WriteAsync(connection, "BAD STARTTLS refused\r\n");
                        return;
                    }

                    break;
                case "INFO":
                    await WriteAsync(connection, "INFO " + connection.RemoteEndPoint + " " + connection.LocalEndPoint + " " + connection.IsSecure + "\r\n");
                    break;
                case "HANG":
                    // A stuck handler: ignores serverStopping and only ends when aborted. It says so
                    // first, so a test knows the command arrived without guessing a delay.
                    await WriteAsync(connection, "HANGING\r\n");
                    try
                    {
                        await Task.Delay(Timeout.Infinite, connection.ConnectionClosed);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
                case "QUIT":
                    await WriteAsync(connection, "BYE\r\n");
                    return;
                default:
                    await WriteAsync(connection, "ECHO " + line + "\r\n");
                    break;
            }
        }
    }

    private static async Task WriteAsync(MailConnection connection, string text)
    {
        await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(text));
    }
}

/// <summary>Reads CRLF lines byte by byte, so no TLS bytes are buffered away before a STARTTLS swap.</summary>
internal sealed class LineClient(Stream stream)
{
    public Stream Stream { get; set; } = stream;

    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var sb = new StringBuilder();
        byte[] one = new byte[1];
        while (true)
        {
            int n;
            try
            {
                n = await Stream.ReadAsync(one, cts.Token);
            }
            catch (IOException)
            {
                return null;
            }

            if (n == 0)
            {
                return sb.Length == 0 ? null : sb.ToString();
            }

            if (one[0] == (byte)'\n')
            {
                return sb.ToString().TrimEnd('\r');
            }

            sb.Append((char)one[0]);
        }
    }

    public async Task WriteAsync(string text)
    {
        await Stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await Stream.FlushAsync();
    }
}

/// <summary>A real host with listeners on 127.0.0.1, port 0.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly string _listenerName;

    private TestServer(IHost host, string listenerName)
    {
        Host = host;
        _listenerName = listenerName;
        Listeners = host.Services.GetRequiredService<ListenerHostedService>();
    }

    public IHost Host { get; }

    public ListenerHostedService Listeners { get; }

    public static async Task<TestServer> StartAsync(IMailProtocolHandler handler, Action<ListenerOptions>? listener = null, Action<HostingOptions>? hosting = null, Action<TlsOptions>? tls = null)
    {
        var options = new ListenerOptions { Name = "test", Host = "127.0.0.1", Port = 0, TlsMode = TlsMode.None };
        listener?.Invoke(options);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var wd = builder.Services.AddWildDuck(o => o.Hostname = "localhost");
        wd.AddListener(options, _ => handler);
        wd.ConfigureHosting(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(2);
            hosting?.Invoke(o);
        });
        if (tls is not null)
        {
            wd.AddTls(tls);
        }
        else
        {
            builder.Services.AddSingleton<ICertificateProvider>(new FixedCertificateProvider(TestCertificates.Server));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new TestServer(host, options.Name);
    }

    public IPEndPoint EndPoint => Listeners.GetBoundEndPoint(_listenerName)!;

    public async Task<(TcpClient Tcp, LineClient Client)> ConnectAsync()
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(EndPoint);
        return (tcp, new LineClient(tcp.GetStream()));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
