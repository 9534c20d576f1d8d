// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Mime;

/// <summary>
/// The result of ingesting one message: what a backend stores. Produced by
/// the message indexer; everything derived (ENVELOPE, BODYSTRUCTURE, text, search text,
/// thread keys) is computed here once.
/// </summary>
public sealed class IndexedMessage
{
    /// <summary>The layout (tree and segments).</summary>
    public required MessageLayout Layout { get; init; }

    /// <summary>The bytes of every inline segment, concatenated in order.</summary>
    public required ReadOnlyMemory<byte> InlineContent { get; init; }

    /// <summary>External leaf bodies to put in the attachment store (one entry per distinct hash).</summary>
    public required IReadOnlyList<ExternalBody> ExternalBodies { get; init; }

    /// <summary>Derived, precomputed data.</summary>
    public required MessageMetadata Metadata { get; init; }

    /// <summary>RFC822.SIZE.</summary>
    public long Size => Layout.Size;
}

/// <summary>An external leaf body: the exact encoded bytes and their SHA-256.</summary>
/// <param name="Hash">SHA-256 of <paramref name="EncodedBytes"/>.</param>
/// <param name="EncodedBytes">The leaf body exactly as it appears in the message.</param>
/// <param name="ContentType">Lowercased type/subtype, for the store's metadata.</param>
/// <param name="TransferEncoding">Lowercased transfer encoding.</param>
public sealed record ExternalBody(ContentHash Hash, ReadOnlyMemory<byte> EncodedBytes, string ContentType, string TransferEncoding);

/// <summary>An attachment as listed by the API (WildDuck's <c>attachments[]</c>).</summary>
public sealed record AttachmentDescriptor
{
    /// <summary>Stable id within the message ("ATT00001", ...).</summary>
    public required string Id { get; init; }

    /// <summary>IMAP part number ("2", "1.3", ...).</summary>
    public required string PartNumber { get; init; }

    /// <summary>File name, decoded; may be generated when the message names none.</summary>
    public string? FileName { get; init; }

    /// <summary>Lowercased type/subtype.</summary>
    public required string ContentType { get; init; }

    /// <summary>Lowercased disposition or null.</summary>
    public string? Disposition { get; init; }

    /// <summary>Lowercased transfer encoding.</summary>
    public required string TransferEncoding { get; init; }

    /// <summary>Content-ID without brackets, or null.</summary>
    public string? ContentId { get; init; }

    /// <summary>True when inside multipart/related (an inline image of an HTML body).</summary>
    public bool Related { get; init; }

    /// <summary>Encoded size in bytes.</summary>
    public long EncodedSize { get; init; }

    /// <summary>Estimated decoded size in bytes.</summary>
    public long DecodedSize { get; init; }

    /// <summary>SHA-256 of the encoded bytes when the body is external, else null.</summary>
    public ContentHash? Hash { get; init; }
}

/// <summary>One address of a header (display name decoded).</summary>
/// <param name="Name">Decoded display name, or null.</param>
/// <param name="Address">addr-spec, or null for group markers.</param>
public sealed record MailAddress(string? Name, string? Address);

/// <summary>Derived data computed once at ingest.</summary>
public sealed class MessageMetadata
{
    /// <summary>The ENVELOPE in IMAP syntax (RFC 3501 §7.4.2), starting with "(".</summary>
    public required byte[] Envelope { get; init; }

    /// <summary>The BODYSTRUCTURE in IMAP syntax with extension data.</summary>
    public required byte[] BodyStructure { get; init; }

    /// <summary>The BODY (non-extensible BODYSTRUCTURE) in IMAP syntax.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Decoded Subject (last occurrence), whitespace-collapsed; empty when absent.</summary>
    public required string Subject { get; init; }

    /// <summary>Message-ID value with brackets, or null when absent.</summary>
    public string? MessageIdHeader { get; init; }

    /// <summary>The Date header, or null when absent or unparsable.</summary>
    public DateTimeOffset? HeaderDate { get; init; }

    /// <summary>From addresses.</summary>
    public IReadOnlyList<MailAddress> From { get; init; } = Array.Empty<MailAddress>();

    /// <summary>To addresses.</summary>
    public IReadOnlyList<MailAddress> To { get; init; } = Array.Empty<MailAddress>();

    /// <summary>Cc addresses.</summary>
    public IReadOnlyList<MailAddress> Cc { get; init; } = Array.Empty<MailAddress>();

    /// <summary>Bcc addresses.</summary>
    public IReadOnlyList<MailAddress> Bcc { get; init; } = Array.Empty<MailAddress>();

    /// <summary>Decoded plain text of the message (text parts, HTML converted), capped.</summary>
    public string? Text { get; init; }

    /// <summary>HTML parts, decoded, capped.</summary>
    public IReadOnlyList<string> Html { get; init; } = Array.Empty<string>();

    /// <summary>A short preview (at most 128 characters).</summary>
    public string? Intro { get; init; }

    /// <summary>Attachments, for the API.</summary>
    public IReadOnlyList<AttachmentDescriptor> Attachments { get; init; } = Array.Empty<AttachmentDescriptor>();

    /// <summary>True when at least one attachment is not an inline related resource.</summary>
    public bool HasAttachments { get; init; }

    /// <summary>
    /// Decoded header text for substring search: one "name: value" line per header field, values
    /// decoded from encoded words, in message order.
    /// </summary>
    public required string SearchHeaders { get; init; }

    /// <summary>Decoded body text for substring search (every text part, HTML reduced to text), capped.</summary>
    public required string SearchBody { get; init; }

    /// <summary>Thread reference ids (hashed Message-ID, In-Reply-To, References, Thread-Index), at most 10.</summary>
    public IReadOnlyList<string> ThreadReferences { get; init; } = Array.Empty<string>();

    /// <summary>The subject with reply/forward prefixes removed, for thread matching.</summary>
    public required string ThreadSubject { get; init; }
}
