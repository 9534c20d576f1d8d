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

    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
