// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Mime;

/// <summary>
/// A stored message opened for reading: its layout, its inline bytes and the attachment source
/// for its external segments. Recomposition and section extraction work from this, streaming,
/// without assembling the whole message.
/// </summary>
public sealed partial class MessageContent : IDisposable
{
    // What Dispose gives back: an array rented for this view alone, or a share of a batch's buffer.
    private object? _pooled;

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

    /// <summary>
    /// A view whose inline bytes live in an array rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>;
    /// <see cref="Dispose"/> returns it. Backends use this so a FETCH of many messages does not allocate
    /// each message's bytes.
    /// </summary>
    internal MessageContent(MessageLayout layout, byte[] pooledInline, int length, IAttachmentContentSource attachments)
        : this(layout, new ReadOnlyMemory<byte>(pooledInline, 0, length), attachments) => _pooled = pooledInline;

    /// <summary>A view whose inline bytes are a share of <paramref name="buffer"/> (released on dispose).</summary>
    internal MessageContent(MessageLayout layout, SharedInlineBuffer buffer, ReadOnlyMemory<byte> inline, IAttachmentContentSource attachments)
        : this(layout, inline, attachments)
    {
        buffer.Retain();
        _pooled = buffer;
    }

    /// <summary>
    /// Returns pooled buffers (if the backend used any). Optional: an undisposed view is simply
    /// collected. Do not use the view, or sections resolved from it, after disposing it.
    /// </summary>
    public void Dispose()
    {
        var pooled = System.Threading.Interlocked.Exchange(ref _pooled, null);
        if (pooled is not null)
        {
            // The layout's encoded tree may live in the buffer that goes back now.
            Layout.ReleaseEncodedTree();
        }

        switch (pooled)
        {
            case byte[] array:
                System.Buffers.ArrayPool<byte>.Shared.Return(array);
                break;
            case SharedInlineBuffer shared:
                shared.Release();
                break;
        }
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
