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

    public ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
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
