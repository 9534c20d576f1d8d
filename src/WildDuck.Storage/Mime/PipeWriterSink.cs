// SPDX-License-Identifier: MIT
using System;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <summary>Writes chunks to a <see cref="PipeWriter"/>, flushing each one so back-pressure applies.</summary>
internal readonly struct PipeWriterSink : IByteSink
{
    private readonly PipeWriter _writer;

    public PipeWriterSink(PipeWriter writer) => _writer = writer;

    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        // WriteAsync copies and flushes; a completed or canceled flush means nobody reads any more.
        FlushResult result = await _writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        return !result.IsCompleted && !result.IsCanceled;
    }
}
