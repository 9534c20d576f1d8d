// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Mime;

/// <summary>
/// One contiguous piece of a stored message. Concatenating a message's segments in order gives back
/// exactly the ingested (CRLF-normalised) bytes.
/// </summary>
/// <remarks>
/// A segment is either <em>inline</em> (its bytes live in the message record's inline content at
/// <see cref="InlineOffset"/>) or <em>external</em> (its bytes are an attachment-store entry keyed by
/// <see cref="Hash"/>, the SHA-256 of exactly these bytes).
/// </remarks>
public readonly struct MessageSegment
{
    private MessageSegment(long length, long inlineOffset, ContentHash hash, bool isExternal)
    {
        Length = length;
        InlineOffset = inlineOffset;
        Hash = hash;
        IsExternal = isExternal;
    }

    /// <summary>Number of message bytes this segment covers.</summary>
    public long Length { get; }

    /// <summary>For inline segments, where the bytes start in the inline content; -1 for external ones.</summary>
    public long InlineOffset { get; }

    /// <summary>For external segments, the attachment-store key.</summary>
    public ContentHash Hash { get; }

    /// <summary>True when the bytes live in the attachment store.</summary>
    public bool IsExternal { get; }

    /// <summary>Creates an inline segment.</summary>
    public static MessageSegment Inline(long inlineOffset, long length) => new(length, inlineOffset, default, false);

    /// <summary>Creates an external (attachment-store) segment.</summary>
    public static MessageSegment External(ContentHash hash, long length) => new(length, -1, hash, true);
}
