// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Storage.Mime;

/// <summary>
/// The stored shape of a message: its MIME tree (offsets) and its segment list. Backends persist
/// it as an opaque, versioned blob (see the layout serializer).
/// </summary>
public sealed class MessageLayout
{
    /// <summary>Creates a layout.</summary>
    public MessageLayout(MimePartNode root, IReadOnlyList<MessageSegment> segments, long size)
    {
        Root = root;
        Segments = segments;
        Size = size;
    }

    /// <summary>The root entity (the message itself).</summary>
    public MimePartNode Root { get; }

    /// <summary>Ordered segments; their lengths add up to <see cref="Size"/>.</summary>
    public IReadOnlyList<MessageSegment> Segments { get; }

    /// <summary>RFC822.SIZE: the length of the normalised message.</summary>
    public long Size { get; }
}
