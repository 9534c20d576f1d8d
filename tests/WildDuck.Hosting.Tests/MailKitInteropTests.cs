// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace WildDuck.Hosting.Tests;

/// <summary>MailKit drives a scripted IMAP stub through <see cref="InMemoryConnection"/>, STARTTLS included.</summary>
public class MailKitInteropTests
{
    [Fact]
    public async Task MailKitUpgradesWithStartTlsOverTheInMemoryTransport()
    {
        var (server, stream) = InMemoryConnection.Create(TlsMode.StartTlsRequired, TestCertificates.Server);
        Task run = new ImapStub().RunAsync(server, CancellationToken.None);
        using var client = new ImapClient();

        // Tests use a self-signed certificate; require one but do not validate the chain.
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        await client.ConnectAsync(stream, "localhost", 143, SecureSocketOptions.StartTls);
        client.IsSecure.Should().BeTrue();
        client.Capabilities.HasFlag(ImapCapabilities.Idle).Should().BeTrue("capabilities were re-read over TLS");
        await client.AuthenticateAsync("user", "pass");
        await client.NoOpAsync();
        await client.DisconnectAsync(quit: true);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        server.IsSecure.Should().BeTrue();
        await server.DisposeAsync();
    }

    private sealed class ImapStub : IMailProtocolHandler
    {
        public async Task RunAsync(MailConnection connection, CancellationToken serverStopping)
        {
            await WriteAsync(connection, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] stub ready\r\n");
            while (true)
            {
                ReadResult result = await connection.Transport.Input.ReadAsync(serverStopping);
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
                string[] parts = line.Split(' ', 2);
                string tag = parts[0];
                string command = parts.Length > 1 ? parts[1].Split(' ')[0].ToUpperInvariant() : string.Empty;
                switch (command)
                {
                    case "CAPABILITY":
                        await WriteAsync(connection, (connection.IsSecure ? "* CAPABILITY IMAP4rev1 IDLE\r\n" : "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n") + tag + " OK done\r\n");
                        break;
                    case "STARTTLS":
                        if (!await connection.StartTlsAsync(Encoding.ASCII.GetBytes(tag + " OK Begin TLS negotiation now\r\n"), serverStopping))
                        {
                            await WriteAsync(connection, tag + " BAD STARTTLS refused\r\n");
                            return;
                        }

                        break;
                    case "LOGOUT":
                        await WriteAsync(connection, "* BYE logging out\r\n" + tag + " OK done\r\n");
                        return;
                    default:
                        await WriteAsync(connection, tag + " OK done\r\n");
                        break;
                }
            }
        }

        private static async Task WriteAsync(MailConnection connection, string text)
            => await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(text));
    }
}
