// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Pop3.Protocol;

/// <summary>
/// The write-only stream <see cref="WildDuck.Storage.Mime.MessageContent.WriteToAsync(Stream, long, long, CancellationToken)"/>
/// streams a message into: each chunk is stuffed by a <see cref="DotStuffer"/> into the connection's
/// output, which is flushed whenever 64 KiB are buffered, so a slow client pushes back and a large
/// RETR never sits in memory.
/// </summary>
internal sealed class DotStuffingStream : Stream
{
    private const int FlushThreshold = 64 * 1024;
    private readonly PipeWriter _output;
    private readonly Func<CancellationToken> _armDeadline;

    /// <param name="output">The connection's output.</param>
    /// <param name="stuffer">Stuffs into <paramref name="output"/>.</param>
    /// <param name="armDeadline">Called before each flush; returns the token that bounds it (the send deadline).</param>
    public DotStuffingStream(PipeWriter output, DotStuffer stuffer, Func<CancellationToken> armDeadline)
    {
        _output = output;
        Stuffer = stuffer;
        _armDeadline = armDeadline;
    }

    public DotStuffer Stuffer { get; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Stuffer.Write(buffer.Span);
        if (_output.UnflushedBytes < FlushThreshold)
        {
            return default;
        }

        return FlushOutputAsync();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Stuffer.Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask FlushOutputAsync()
    {
        var result = await _output.FlushAsync(_armDeadline()).ConfigureAwait(false);
        if (result.IsCompleted || result.IsCanceled)
        {
            // The client stopped reading: stop copying the message.
            throw new IOException("The client closed the connection during a multi-line response.");
        }
    }
}
