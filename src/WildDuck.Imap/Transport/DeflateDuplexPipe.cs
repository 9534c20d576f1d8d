// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Threading.Tasks;

namespace WildDuck.Imap.Transport;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978): raw DEFLATE (RFC 1951, no zlib header) in both directions over an
/// existing transport. Every flush of the output is a DEFLATE sync flush, so each response reaches
/// the client as soon as it is written (RFC 4978 §4: the server must flush after each response).
/// </summary>
internal sealed class DeflateDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly DeflateStream _inflate;
    private readonly DeflateStream _deflate;

    public DeflateDuplexPipe(IDuplexPipe inner, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inflate = new DeflateStream(inner.Input.AsStream(leaveOpen: true), CompressionMode.Decompress, leaveOpen: false);
        _deflate = new DeflateStream(inner.Output.AsStream(leaveOpen: true), level, leaveOpen: false);
        Input = PipeReader.Create(_inflate, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(_deflate, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        await _inflate.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _deflate.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer is gone; nothing left to flush to.
        }
        catch (InvalidOperationException)
        {
            // The inner writer was already completed by the connection.
        }
    }
}
