// SPDX-License-Identifier: MIT
using System.IO;

namespace WildDuck.Storage.Conformance;

/// <summary>Reads a stored message back in full through the pipeline's streaming writer.</summary>
internal static class ContentReader
{
    /// <summary>Returns every byte of the message.</summary>
    public static async Task<byte[]> ReadAllAsync(MessageContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, 0, content.Size, cancellationToken);
        return stream.ToArray();
    }
}
