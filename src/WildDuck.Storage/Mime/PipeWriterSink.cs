// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Writes chunks to a <see cref="PipeWriter"/>, flushing whenever <see cref="FlushThreshold"/> bytes
/// are buffered so back-pressure applies; the caller flushes the tail.
/// </summary>
/// <remarks>
/// Flushing every chunk would cost one send per segment (thousands per FETCH of a mailbox); batching
/// up to the threshold keeps a slow client pushing back while letting many small messages share a
/// send. Writers that cannot report their unflushed bytes are flushed per chunk.
/// </remarks>
internal readonly struct PipeWriterSink : IByteSink
{
    /// <summary>Buffered bytes that trigger a flush.</summary>
    public const int FlushThreshold = 64 * 1024;

    private readonly PipeWriter _writer;

    public PipeWriterSink(PipeWriter writer) => _writer = writer;

    public ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (_writer.CanGetUnflushedBytes && _writer.UnflushedBytes + chunk.Length < FlushThreshold)
        {
            _writer.Write(chunk.Span);
            return new ValueTask<bool>(true);
        }

        // WriteAsync copies and flushes; a completed or canceled flush means nobody reads any more.
        // Not an async method, so a flush that completes synchronously allocates nothing.
        ValueTask<FlushResult> flush = _writer.WriteAsync(chunk, cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            return new ValueTask<bool>(ShouldContinue(flush.Result));
        }

        return AwaitAsync(flush);

        static async ValueTask<bool> AwaitAsync(ValueTask<FlushResult> pending) =>
            ShouldContinue(await pending.ConfigureAwait(false));
    }

    private static bool ShouldContinue(FlushResult result) => !result.IsCompleted && !result.IsCanceled;
}
