// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace WildDuck.Storage.MongoDB.Documents;

/// <summary>
/// A stored message (WildDuck <c>messages</c>, main database; reference §1.2), with WildDuck's
/// field names where a field means the same thing. Instead of WildDuck's <c>mimeTree</c> it holds
/// our layout and inline bytes (external bodies live in the GridFS bucket under
/// <see cref="AttachmentIds"/>), and instead of WildDuck's <c>headers[]</c>/<c>$text</c> index the
/// normalised search text of <see cref="Search"/> (docs/storage.md, "Search").
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class MessageDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user")]
    public ObjectId User { get; set; }

    [BsonElement("mailbox")]
    public ObjectId Mailbox { get; set; }

    [BsonElement("uid")]
    public long Uid { get; set; }

    [BsonElement("modseq")]
    public long ModSeq { get; set; }

    /// <summary>System flags by name (<c>\Seen</c>, …) then keywords, exact case.</summary>
    [BsonElement("flags")]
    public List<string> Flags { get; set; } = new();

    /// <summary>Denormalised: no <c>\Seen</c>.</summary>
    [BsonElement("unseen")]
    public bool Unseen { get; set; }

    /// <summary>Denormalised: <c>\Flagged</c>.</summary>
    [BsonElement("flagged")]
    public bool Flagged { get; set; }

    /// <summary>Denormalised: no <c>\Deleted</c>.</summary>
    [BsonElement("undeleted")]
    public bool Undeleted { get; set; }

    /// <summary>Denormalised: <c>\Draft</c>.</summary>
    [BsonElement("draft")]
    public bool Draft { get; set; }

    /// <summary>INTERNALDATE (UTC, millisecond precision).</summary>
    [BsonElement("idate")]
    public DateTime InternalDate { get; set; }

    /// <summary>Not in WildDuck: the offset of INTERNALDATE in minutes, so it reads back as given.</summary>
    [BsonElement("itz")]
    public int InternalOffset { get; set; }

    /// <summary>Not in WildDuck: the calendar date of INTERNALDATE in its own offset (<see cref="DateOnly.DayNumber"/>), for BEFORE/ON/SINCE.</summary>
    [BsonElement("iday")]
    public int InternalDay { get; set; }

    /// <summary>The Date header (INTERNALDATE when absent).</summary>
    [BsonElement("hdate")]
    public DateTime HeaderDate { get; set; }

    /// <summary>Not in WildDuck: the offset of the Date header in minutes.</summary>
    [BsonElement("htz")]
    public int HeaderOffset { get; set; }

    /// <summary>Not in WildDuck: the calendar date of the Date header in its own offset, for SENTBEFORE/SENTON/SENTSINCE.</summary>
    [BsonElement("hday")]
    public int HeaderDay { get; set; }

    /// <summary>RFC822.SIZE, counted against quota.</summary>
    [BsonElement("size")]
    public long Size { get; set; }

    [BsonElement("thread")]
    public ObjectId Thread { get; set; }

    /// <summary>Decoded, whitespace-collapsed subject.</summary>
    [BsonElement("subject")]
    public string Subject { get; set; } = string.Empty;

    /// <summary>The Message-ID header with brackets; absent when the message has none.</summary>
    [BsonElement("msgid")]
    [BsonIgnoreIfNull]
    public string? MessageIdHeader { get; set; }

    /// <summary>Has attachments (not counting inline related resources).</summary>
    [BsonElement("ha")]
    public bool HasAttachments { get; set; }

    /// <summary>ENVELOPE in IMAP syntax (WildDuck caches it as an array).</summary>
    [BsonElement("envelope")]
    public byte[] Envelope { get; set; } = Array.Empty<byte>();

    /// <summary>BODYSTRUCTURE in IMAP syntax.</summary>
    [BsonElement("bodystructure")]
    public byte[] BodyStructure { get; set; } = Array.Empty<byte>();

    /// <summary>Not in WildDuck: BODY (non-extensible BODYSTRUCTURE) in IMAP syntax.</summary>
    [BsonElement("body")]
    public byte[] Body { get; set; } = Array.Empty<byte>();

    /// <summary>Not in WildDuck (replaces <c>mimeTree</c>): the serialised <see cref="Mime.MessageLayout"/>.</summary>
    [BsonElement("layout")]
    public byte[] Layout { get; set; } = Array.Empty<byte>();

    /// <summary>Not in WildDuck: the inline segments' bytes, concatenated.</summary>
    [BsonElement("inline")]
    public byte[] Inline { get; set; } = Array.Empty<byte>();

    /// <summary>The GridFS files (32-byte SHA-256 ids) this message references once each (WildDuck: <c>mimeTree.attachmentMap</c>).</summary>
    [BsonElement("attachmentIds")]
    public List<byte[]> AttachmentIds { get; set; } = new();

    /// <summary>The random number added to <c>metadata.m</c> of every referenced file (reference §2.5).</summary>
    [BsonElement("magic")]
    public int Magic { get; set; }

    /// <summary>Plain text for the API.</summary>
    [BsonElement("text")]
    [BsonIgnoreIfNull]
    public string? Text { get; set; }

    /// <summary>HTML parts for the API.</summary>
    [BsonElement("html")]
    public List<string> Html { get; set; } = new();

    /// <summary>Preview for the API.</summary>
    [BsonElement("intro")]
    [BsonIgnoreIfNull]
    public string? Intro { get; set; }

    /// <summary>Attachments for the API.</summary>
    [BsonElement("attachments")]
    public List<AttachmentInfoDocument> Attachments { get; set; } = new();

    /// <summary>Provenance (WildDuck <c>meta</c>; only <c>source</c> and <c>time</c> are kept).</summary>
    [BsonElement("meta")]
    public MessageMetaDocument Meta { get; set; } = new();

    /// <summary>Not in WildDuck: the case-folded search text (docs/storage.md, "Search").</summary>
    [BsonElement("search")]
    public SearchTextDocument Search { get; set; } = new();
}

/// <summary>One attachment as listed by the API (WildDuck <c>attachments[]</c>).</summary>
[BsonIgnoreExtraElements]
internal sealed class AttachmentInfoDocument
{
    [BsonElement("id")]
    public string Id { get; set; } = string.Empty;

    /// <summary>Not in WildDuck: the IMAP part number.</summary>
    [BsonElement("part")]
    public string PartNumber { get; set; } = string.Empty;

    [BsonElement("filename")]
    [BsonIgnoreIfNull]
    public string? FileName { get; set; }

    [BsonElement("contentType")]
    public string ContentType { get; set; } = string.Empty;

    [BsonElement("disposition")]
    [BsonIgnoreIfNull]
    public string? Disposition { get; set; }

    [BsonElement("transferEncoding")]
    public string TransferEncoding { get; set; } = string.Empty;

    /// <summary>Content-ID without brackets.</summary>
    [BsonElement("cid")]
    [BsonIgnoreIfNull]
    public string? ContentId { get; set; }

    [BsonElement("related")]
    public bool Related { get; set; }

    /// <summary>Encoded size in bytes.</summary>
    [BsonElement("size")]
    public long Size { get; set; }

    /// <summary>Not in WildDuck: estimated decoded size in bytes.</summary>
    [BsonElement("decodedSize")]
    public long DecodedSize { get; set; }

    /// <summary>The GridFS id when the body is stored there.</summary>
    [BsonElement("hash")]
    [BsonIgnoreIfNull]
    public byte[]? Hash { get; set; }
}

/// <summary>WildDuck <c>meta</c>, reduced to what this store records.</summary>
[BsonIgnoreExtraElements]
internal sealed class MessageMetaDocument
{
    /// <summary>Where the message came from (<c>IMAP</c>, <c>LMTP</c>, <c>API</c>, …).</summary>
    [BsonElement("source")]
    public string Source { get; set; } = string.Empty;

    /// <summary>When it was stored.</summary>
    [BsonElement("time")]
    public DateTime Time { get; set; }
}

/// <summary>
/// The text SEARCH compares against, case-folded with <c>MongoSearchTranslator.Fold</c>
/// (upper case) so an ordinal substring test in the database equals the backends'
/// case-insensitive (<see cref="StringComparison.OrdinalIgnoreCase"/>) one.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class SearchTextDocument
{
    /// <summary>From: display names and addresses, one per line.</summary>
    [BsonElement("from")]
    public string From { get; set; } = string.Empty;

    [BsonElement("to")]
    public string To { get; set; } = string.Empty;

    [BsonElement("cc")]
    public string Cc { get; set; } = string.Empty;

    [BsonElement("bcc")]
    public string Bcc { get; set; } = string.Empty;

    [BsonElement("subject")]
    public string Subject { get; set; } = string.Empty;

    /// <summary>Every header field as one "name: value" line (TEXT).</summary>
    [BsonElement("headers")]
    public string Headers { get; set; } = string.Empty;

    /// <summary>The same fields split into name and value (HEADER name value).</summary>
    [BsonElement("fields")]
    public List<SearchFieldDocument> Fields { get; set; } = new();

    /// <summary>Decoded body text (BODY, TEXT).</summary>
    [BsonElement("body")]
    public string Body { get; set; } = string.Empty;
}

/// <summary>One header field of <see cref="SearchTextDocument.Fields"/>.</summary>
[BsonIgnoreExtraElements]
internal sealed class SearchFieldDocument
{
    /// <summary>The trimmed field name, case-folded.</summary>
    [BsonElement("k")]
    public string Key { get; set; } = string.Empty;

    /// <summary>The value after the colon, case-folded.</summary>
    [BsonElement("v")]
    public string Value { get; set; } = string.Empty;
}
