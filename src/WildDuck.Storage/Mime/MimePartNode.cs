// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Mime;

/// <summary>
/// One MIME entity of a stored message, described by byte offsets into the (CRLF-normalised)
/// message. Sections (RFC 3501 §6.4.5 / RFC 9051 §6.4.5) are computed from these offsets.
/// </summary>
public sealed class MimePartNode
{
    /// <summary>Offset of the entity's first header byte.</summary>
    public long HeaderOffset { get; set; }

    /// <summary>Length of the raw header block, including the empty line that ends it when present.</summary>
    public long HeaderLength { get; set; }

    /// <summary>Offset of the body (the first byte after the header block).</summary>
    public long BodyOffset { get; set; }

    /// <summary>
    /// Length of the body. For a part inside a multipart this excludes the CRLF that precedes the
    /// next boundary delimiter (RFC 2046 §5.1.1: that CRLF belongs to the delimiter).
    /// </summary>
    public long BodyLength { get; set; }

    /// <summary>Number of lines in the body (RFC 3501 body-fld-lines).</summary>
    public int BodyLines { get; set; }

    /// <summary>Lowercased media type ("text", "multipart", "message", ...); defaults per RFC 2045 §5.2.</summary>
    public string MediaType { get; set; } = "text";

    /// <summary>Lowercased media subtype.</summary>
    public string MediaSubtype { get; set; } = "plain";

    /// <summary>Lowercased Content-Transfer-Encoding ("7bit" when absent).</summary>
    public string TransferEncoding { get; set; } = "7bit";

    /// <summary>The charset parameter, if any.</summary>
    public string? Charset { get; set; }

    /// <summary>Lowercased Content-Disposition value ("inline", "attachment") or null.</summary>
    public string? Disposition { get; set; }

    /// <summary>The decoded file name (disposition filename, else content-type name), or null.</summary>
    public string? FileName { get; set; }

    /// <summary>The Content-ID without angle brackets, or null.</summary>
    public string? ContentId { get; set; }

    /// <summary>Children of a multipart entity, in order (part numbers 1..n).</summary>
    public IList<MimePartNode> Children { get; } = new List<MimePartNode>();

    /// <summary>The encapsulated message of a message/rfc822 (or message/global) entity.</summary>
    public MimePartNode? Message { get; set; }

    /// <summary>
    /// True when the entity's inner structure was deliberately not indexed (MIME depth or part limits
    /// with <see cref="MimeLimitBehavior.Truncate"/>, or an encoded message/rfc822): it is then a
    /// single opaque leaf typed application/octet-stream whose body is stored byte-exact.
    /// </summary>
    public bool IsOpaque { get; set; }

    /// <summary>True for multipart/* entities.</summary>
    public bool IsMultipart => string.Equals(MediaType, "multipart", StringComparison.Ordinal);

    /// <summary>End offset of the whole entity (headers and body).</summary>
    public long EndOffset => BodyOffset + BodyLength;
}
