// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <summary>The protocol tokens of IMAP as UTF-8 literals: the single home for wire bytes.</summary>
internal static partial class ImapStrings
{
    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;
    public static ReadOnlySpan<byte> Nil => "NIL"u8;
    public static ReadOnlySpan<byte> Ok => "OK"u8;
    public static ReadOnlySpan<byte> No => "NO"u8;
    public static ReadOnlySpan<byte> Bad => "BAD"u8;
    public static ReadOnlySpan<byte> Bye => "BYE"u8;
    public static ReadOnlySpan<byte> Preauth => "PREAUTH"u8;
    public static ReadOnlySpan<byte> UntaggedPrefix => "* "u8;
    public static ReadOnlySpan<byte> ContinuationReady => "+ Ready\r\n"u8;
    public static ReadOnlySpan<byte> Fetch => "FETCH"u8;
    public static ReadOnlySpan<byte> Inbox => "INBOX"u8;
    public static ReadOnlySpan<byte> Exists => "EXISTS"u8;

    // Flags (RFC 3501 §2.3.2).
    public static ReadOnlySpan<byte> FlagSeen => "\\Seen"u8;
    public static ReadOnlySpan<byte> FlagAnswered => "\\Answered"u8;
    public static ReadOnlySpan<byte> FlagFlagged => "\\Flagged"u8;
    public static ReadOnlySpan<byte> FlagDeleted => "\\Deleted"u8;
    public static ReadOnlySpan<byte> FlagDraft => "\\Draft"u8;
    public static ReadOnlySpan<byte> FlagRecent => "\\Recent"u8;

    // FETCH items (RFC 3501 §6.4.5, RFC 3516, RFC 7162).
    public static ReadOnlySpan<byte> Flags => "FLAGS"u8;
    public static ReadOnlySpan<byte> Uid => "UID"u8;
    public static ReadOnlySpan<byte> InternalDate => "INTERNALDATE"u8;
    public static ReadOnlySpan<byte> Rfc822Size => "RFC822.SIZE"u8;
    public static ReadOnlySpan<byte> Rfc822 => "RFC822"u8;
    public static ReadOnlySpan<byte> Rfc822Header => "RFC822.HEADER"u8;
    public static ReadOnlySpan<byte> Rfc822Text => "RFC822.TEXT"u8;
    public static ReadOnlySpan<byte> Envelope => "ENVELOPE"u8;
    public static ReadOnlySpan<byte> BodyStructure => "BODYSTRUCTURE"u8;
    public static ReadOnlySpan<byte> Body => "BODY"u8;
    public static ReadOnlySpan<byte> BodyPeek => "BODY.PEEK"u8;
    public static ReadOnlySpan<byte> Binary => "BINARY"u8;
    public static ReadOnlySpan<byte> BinaryPeek => "BINARY.PEEK"u8;
    public static ReadOnlySpan<byte> BinarySize => "BINARY.SIZE"u8;
    public static ReadOnlySpan<byte> ModSeq => "MODSEQ"u8;
    public static ReadOnlySpan<byte> All => "ALL"u8;
    public static ReadOnlySpan<byte> Fast => "FAST"u8;
    public static ReadOnlySpan<byte> Full => "FULL"u8;
    public static ReadOnlySpan<byte> Header => "HEADER"u8;
    public static ReadOnlySpan<byte> HeaderFields => "HEADER.FIELDS"u8;
    public static ReadOnlySpan<byte> HeaderFieldsNot => "HEADER.FIELDS.NOT"u8;
    public static ReadOnlySpan<byte> Text => "TEXT"u8;
    public static ReadOnlySpan<byte> Mime => "MIME"u8;
    public static ReadOnlySpan<byte> ChangedSince => "CHANGEDSINCE"u8;
    public static ReadOnlySpan<byte> UnchangedSince => "UNCHANGEDSINCE"u8;
    public static ReadOnlySpan<byte> Silent => ".SILENT"u8;

    /// <summary>Month abbreviations of date-month (RFC 3501 §9), 3 bytes each, January first.</summary>
    public static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;
}
