// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <summary>Writes chunks to a <see cref="Stream"/>.</summary>
internal readonly struct StreamSink : IByteSink
{
    private readonly Stream _stream;

    public StreamSink(Stream stream) => _stream = stream;

    public ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        // Not an async method: a per-chunk state machine would be allocated whenever a write yields.
        ValueTask write = _stream.WriteAsync(chunk, cancellationToken);
        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            return new ValueTask<bool>(true);
        }

        return AwaitAsync(write);

        static async ValueTask<bool> AwaitAsync(ValueTask pending)
        {
            await pending.ConfigureAwait(false);
            return true;
        }
    }
}
