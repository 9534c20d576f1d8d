// SPDX-License-Identifier: MIT
using System;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Mime;

/// <summary>Where streamed message bytes go (a pipe or a stream); implemented by structs to avoid boxing.</summary>
internal interface IByteSink
{
    /// <summary>Writes one chunk; returns false when the reader is gone and copying should stop.</summary>
    ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);
}
