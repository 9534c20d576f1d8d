// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Mime;

/// <summary>
/// A stored message opened for reading: its layout, its inline bytes and the attachment source
/// for its external segments. Recomposition and section extraction work from this, streaming,
/// without assembling the whole message.
/// </summary>
public sealed partial class MessageContent
{
    /// <summary>Creates the view.</summary>
    public MessageContent(MessageLayout layout, ReadOnlyMemory<byte> inlineContent, IAttachmentContentSource attachments)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(attachments);
        Layout = layout;
        InlineContent = inlineContent;
        Attachments = attachments;
    }

    /// <summary>
    /// Opens a message that was indexed but not stored, reading its external bodies from memory.
    /// </summary>
    public static MessageContent FromIndexed(IndexedMessage indexed)
    {
        ArgumentNullException.ThrowIfNull(indexed);
        return new MessageContent(indexed.Layout, indexed.InlineContent, new InMemoryAttachmentSource(indexed.ExternalBodies));
    }

    /// <summary>The layout.</summary>
    public MessageLayout Layout { get; }

    /// <summary>Concatenated inline segments.</summary>
    public ReadOnlyMemory<byte> InlineContent { get; }

    /// <summary>Where external segments are read from.</summary>
    public IAttachmentContentSource Attachments { get; }

    /// <summary>RFC822.SIZE.</summary>
    public long Size => Layout.Size;
}
