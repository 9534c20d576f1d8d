// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Hosting.Internal;

/// <summary>
/// One end of an in-memory connection: reads from one pipe and writes to the other. Disposing (or
/// <see cref="Abort"/>) completes the outgoing pipe, so the peer reads end-of-stream.
/// </summary>
internal sealed class PipeStream(PipeReader input, PipeWriter output) : Stream
{
    private int _closed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            output.Complete();
            input.CancelPendingRead();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _closed) != 0 || buffer.IsEmpty)
        {
            return 0;
        }

        ReadResult result;
        try
        {
            result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The reader was completed by Abort/Dispose on another thread.
            return 0;
        }

        if (result.IsCanceled || Volatile.Read(ref _closed) != 0)
        {
            return 0;
        }

        ReadOnlySequence<byte> data = result.Buffer;
        int n = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, n).CopyTo(buffer.Span);
        input.AdvanceTo(data.GetPosition(n));
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            throw new IOException("The connection is closed.");
        }

        FlushResult result = await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The peer closed the connection.");
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            output.Complete();
            input.Complete();
        }

        base.Dispose(disposing);
    }
}
