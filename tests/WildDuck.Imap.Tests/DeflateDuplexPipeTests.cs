// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Imap.Transport;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class DeflateDuplexPipeTests
{
    [Fact]
    public async Task EachFlushIsDecodableByThePeerImmediately()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverTransport = new DuplexPipe(toServer.Reader, toClient.Writer);
        await using var server = new DeflateDuplexPipe(serverTransport);

        // The client side: its own raw DEFLATE streams over the other pipe ends.
        await using var clientOut = new DeflateStream(toServer.Writer.AsStream(), CompressionLevel.Optimal, leaveOpen: true);
        await using var clientIn = new DeflateStream(toClient.Reader.AsStream(), CompressionMode.Decompress, leaveOpen: true);

        await clientOut.WriteAsync(Encoding.ASCII.GetBytes("a1 NOOP\r\n"));
        await clientOut.FlushAsync();
        var read = await server.Input.ReadAsync();
        Encoding.ASCII.GetString(read.Buffer).Should().Be("a1 NOOP\r\n");
        server.Input.AdvanceTo(read.Buffer.End);

        await server.Output.WriteAsync(Encoding.ASCII.GetBytes("a1 OK NOOP completed\r\n"));
        var buffer = new byte[64];
        var n = await clientIn.ReadAsync(buffer);
        Encoding.ASCII.GetString(buffer, 0, n).Should().Be("a1 OK NOOP completed\r\n", "a flushed response must not wait in the compressor");
    }

    [Fact]
    public async Task LargeTransfersRoundTrip()
    {
        var toClient = new Pipe();
        var serverTransport = new DuplexPipe(new Pipe().Reader, toClient.Writer);
        await using var server = new DeflateDuplexPipe(serverTransport);
        var payload = new byte[1_000_000];
        new Random(3).NextBytes(payload.AsSpan(0, 500_000));

        var reading = Task.Run(async () =>
        {
            await using var clientIn = new DeflateStream(toClient.Reader.AsStream(), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            var chunk = new byte[8192];
            while (ms.Length < payload.Length)
            {
                var n = await clientIn.ReadAsync(chunk);
                if (n == 0)
                {
                    break;
                }

                ms.Write(chunk, 0, n);
            }

            return ms.ToArray();
        });

        for (var offset = 0; offset < payload.Length; offset += 65536)
        {
            await server.Output.WriteAsync(payload.AsMemory(offset, Math.Min(65536, payload.Length - offset)));
        }

        (await reading).Should().Equal(payload);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
