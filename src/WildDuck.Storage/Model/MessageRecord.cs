// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>
/// The per-message metadata a session needs for FETCH without reading content: UID, MODSEQ,
/// flags, dates, size, thread, and the cached ENVELOPE and BODYSTRUCTURE.
/// </summary>
public sealed record MessageRecord
{
    /// <summary>The id.</summary>
    public required MessageId Id { get; init; }

    /// <summary>The mailbox.</summary>
    public required MailboxId Mailbox { get; init; }

    /// <summary>UID within the mailbox.</summary>
    public required uint Uid { get; init; }

    /// <summary>MODSEQ of the last change to this message (RFC 7162).</summary>
    public required long ModSeq { get; init; }

    /// <summary>System flags.</summary>
    public required MessageFlags Flags { get; init; }

    /// <summary>Keywords (exact case as first stored).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = Array.Empty<string>();

    /// <summary>INTERNALDATE.</summary>
    public required DateTimeOffset InternalDate { get; init; }

    /// <summary>The Date header, or <see cref="InternalDate"/> when absent.</summary>
    public required DateTimeOffset HeaderDate { get; init; }

    /// <summary>RFC822.SIZE.</summary>
    public required long Size { get; init; }

    /// <summary>The thread the message belongs to.</summary>
    public EntityId Thread { get; init; }

    /// <summary>Decoded subject.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>Message-ID header value, or null.</summary>
    public string? MessageIdHeader { get; init; }

    /// <summary>ENVELOPE in IMAP syntax (null when not requested).</summary>
    public byte[]? Envelope { get; init; }

    /// <summary>BODYSTRUCTURE in IMAP syntax (null when not requested).</summary>
    public byte[]? BodyStructure { get; init; }

    /// <summary>BODY in IMAP syntax (null when not requested).</summary>
    public byte[]? Body { get; init; }

    /// <summary>True when the message has attachments.</summary>
    public bool HasAttachments { get; init; }

    /// <summary>
    /// The message content, when <see cref="MessageFields.Content"/> was requested (FETCH of body
    /// sections over many messages reads it in the same pass). Dispose it after use.
    /// </summary>
    public WildDuck.Storage.Mime.MessageContent? Content { get; init; }
}

/// <summary>Which optional parts of <see cref="MessageRecord"/> to load.</summary>
[Flags]
public enum MessageFields
{
    /// <summary>UID, MODSEQ, flags, dates, size, thread, subject.</summary>
    Basic = 0,

    /// <summary>ENVELOPE.</summary>
    Envelope = 1,

    /// <summary>BODYSTRUCTURE and BODY.</summary>
    Structure = 2,

    /// <summary>The content (<see cref="MessageRecord.Content"/>), read in the same pass.</summary>
    Content = 4,
}

/// <summary>A message to store.</summary>
public sealed record AppendRequest
{
    /// <summary>The raw message (LF or CRLF line endings); normalised to CRLF once on ingest.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>Initial system flags.</summary>
    public MessageFlags Flags { get; init; }

    /// <summary>Initial keywords.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = Array.Empty<string>();

    /// <summary>INTERNALDATE; now when null.</summary>
    public DateTimeOffset? InternalDate { get; init; }

    /// <summary>Where the message came from ("IMAP", "LMTP", "API", "AUTO").</summary>
    public string Source { get; init; } = "API";

    /// <summary>When false the user's quota is not checked (delivery paths that check earlier).</summary>
    public bool EnforceQuota { get; init; } = true;

    /// <summary>
    /// The result of <see cref="Mime.MessageIndexer.Index"/> on <see cref="Content"/>, when the caller
    /// already indexed it (delivery reads the metadata for filters first); the store then does not
    /// parse the message again. It must come from an indexer with the store's
    /// <see cref="WildDuckOptions.Messages"/> limits; a layout whose size differs from the content's is refused.
    /// </summary>
    public Mime.IndexedMessage? Indexed { get; init; }
}

/// <summary>The result of storing a message (RFC 4315 APPENDUID data).</summary>
/// <param name="Mailbox">The mailbox.</param>
/// <param name="Id">The new message id.</param>
/// <param name="UidValidity">The mailbox UIDVALIDITY.</param>
/// <param name="Uid">The assigned UID.</param>
/// <param name="ModSeq">The assigned MODSEQ.</param>
/// <param name="Size">RFC822.SIZE.</param>
public sealed record AppendResult(MailboxId Mailbox, MessageId Id, uint UidValidity, uint Uid, long ModSeq, long Size);

/// <summary>A flag change request (STORE).</summary>
public sealed record FlagUpdate
{
    /// <summary>Replace, add or remove.</summary>
    public required FlagOperation Operation { get; init; }

    /// <summary>System flags.</summary>
    public MessageFlags Flags { get; init; }

    /// <summary>Keywords.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = Array.Empty<string>();

    /// <summary>CONDSTORE UNCHANGEDSINCE (RFC 7162 §3.1.3); null when absent.</summary>
    public long? UnchangedSince { get; init; }
}

/// <summary>A message whose flags changed.</summary>
/// <param name="Uid">The UID.</param>
/// <param name="ModSeq">Its new MODSEQ.</param>
/// <param name="Flags">New system flags.</param>
/// <param name="Keywords">New keywords.</param>
public sealed record FlagChange(uint Uid, long ModSeq, MessageFlags Flags, IReadOnlyList<string> Keywords);

/// <summary>The result of a STORE.</summary>
public sealed record FlagUpdateResult
{
    /// <summary>Messages that changed (or were matched, with their current flags when unchanged).</summary>
    public required IReadOnlyList<FlagChange> Updated { get; init; }

    /// <summary>UIDs refused because their MODSEQ was above UNCHANGEDSINCE (RFC 7162 MODIFIED).</summary>
    public required IReadOnlyList<uint> Modified { get; init; }

    /// <summary>Keywords that were new to the mailbox (clients get unsolicited FLAGS).</summary>
    public IReadOnlyList<string> NewKeywords { get; init; } = Array.Empty<string>();
}

/// <summary>The result of COPY or MOVE (RFC 4315 COPYUID data).</summary>
/// <param name="UidValidity">Target UIDVALIDITY.</param>
/// <param name="SourceUids">Source UIDs in order.</param>
/// <param name="TargetUids">Corresponding target UIDs.</param>
public sealed record CopyResult(uint UidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> TargetUids);

/// <summary>An expunged message.</summary>
/// <param name="Uid">Its UID.</param>
/// <param name="Size">Its size (released from quota).</param>
public sealed record ExpungedMessage(uint Uid, long Size);
