// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Mime;

/// <summary>
/// The normalised message bytes plus a cache of each entity's parsed header block. Offsets from the
/// tree are clamped to the message, so an inconsistent tree degrades instead of throwing.
/// </summary>
internal sealed class MessageView
{
    private readonly Dictionary<MimePartNode, HeaderBlock> _headers = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the view.</summary>
    public MessageView(ReadOnlyMemory<byte> message) => Message = message;

    /// <summary>The normalised message.</summary>
    public ReadOnlyMemory<byte> Message { get; }

    /// <summary>The parsed header block of <paramref name="node"/>.</summary>
    public HeaderBlock Headers(MimePartNode node)
    {
        if (!_headers.TryGetValue(node, out HeaderBlock? block))
        {
            block = HeaderBlock.Parse(Slice(node.HeaderOffset, node.HeaderLength));
            _headers[node] = block;
        }

        return block;
    }

    /// <summary>The body bytes of <paramref name="node"/>.</summary>
    public ReadOnlySpan<byte> Body(MimePartNode node) => Slice(node.BodyOffset, node.BodyLength);

    /// <summary>The bytes at [offset, offset+length) clamped to the message.</summary>
    public ReadOnlySpan<byte> Slice(long offset, long length)
    {
        long total = Message.Length;
        long start = Math.Clamp(offset, 0, total);
        long end = Math.Clamp(offset + Math.Max(0, length), start, total);
        return Message.Span[(int)start..(int)end];
    }
}
