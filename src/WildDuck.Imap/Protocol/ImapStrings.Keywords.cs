// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <content>Command names, keywords and arguments the parser matches (upper case; matching ignores case).</content>
internal static partial class ImapStrings
{
    public static ReadOnlySpan<byte> Answered => "ANSWERED"u8;

    public static ReadOnlySpan<byte> Append => "APPEND"u8;

    public static ReadOnlySpan<byte> AppendLimit => "APPENDLIMIT"u8;

    public static ReadOnlySpan<byte> Authenticate => "AUTHENTICATE"u8;

    public static ReadOnlySpan<byte> Bcc => "BCC"u8;

    public static ReadOnlySpan<byte> Before => "BEFORE"u8;

    public static ReadOnlySpan<byte> Capability => "CAPABILITY"u8;

    public static ReadOnlySpan<byte> Cc => "CC"u8;

    public static ReadOnlySpan<byte> Charset => "CHARSET"u8;

    public static ReadOnlySpan<byte> Check => "CHECK"u8;

    public static ReadOnlySpan<byte> Children => "CHILDREN"u8;

    public static ReadOnlySpan<byte> Close => "CLOSE"u8;

    public static ReadOnlySpan<byte> CloseParen => ")"u8;

    public static ReadOnlySpan<byte> Compress => "COMPRESS"u8;

    public static ReadOnlySpan<byte> CondStore => "CONDSTORE"u8;

    public static ReadOnlySpan<byte> Copy => "COPY"u8;

    public static ReadOnlySpan<byte> Count => "COUNT"u8;

    public static ReadOnlySpan<byte> Create => "CREATE"u8;

    public static ReadOnlySpan<byte> Delete => "DELETE"u8;

    public static ReadOnlySpan<byte> Deleted => "DELETED"u8;

    public static ReadOnlySpan<byte> Done => "DONE"u8;

    public static ReadOnlySpan<byte> Draft => "DRAFT"u8;

    public static ReadOnlySpan<byte> Enable => "ENABLE"u8;

    public static ReadOnlySpan<byte> Examine => "EXAMINE"u8;

    public static ReadOnlySpan<byte> Expunge => "EXPUNGE"u8;

    public static ReadOnlySpan<byte> Flagged => "FLAGGED"u8;

    public static ReadOnlySpan<byte> FlagsEntryPrefix => "/flags/"u8;

    public static ReadOnlySpan<byte> FlagsSilent => "FLAGS.SILENT"u8;

    public static ReadOnlySpan<byte> From => "FROM"u8;

    public static ReadOnlySpan<byte> GetQuota => "GETQUOTA"u8;

    public static ReadOnlySpan<byte> GetQuotaRoot => "GETQUOTAROOT"u8;

    public static ReadOnlySpan<byte> HighestModSeq => "HIGHESTMODSEQ"u8;

    public static ReadOnlySpan<byte> Id => "ID"u8;

    public static ReadOnlySpan<byte> Idle => "IDLE"u8;

    public static ReadOnlySpan<byte> Keyword => "KEYWORD"u8;

    public static ReadOnlySpan<byte> Larger => "LARGER"u8;

    public static ReadOnlySpan<byte> List => "LIST"u8;

    public static ReadOnlySpan<byte> Login => "LOGIN"u8;

    public static ReadOnlySpan<byte> Logout => "LOGOUT"u8;

    public static ReadOnlySpan<byte> Lsub => "LSUB"u8;

    public static ReadOnlySpan<byte> Max => "MAX"u8;

    public static ReadOnlySpan<byte> Messages => "MESSAGES"u8;

    public static ReadOnlySpan<byte> Min => "MIN"u8;

    public static ReadOnlySpan<byte> Move => "MOVE"u8;

    public static ReadOnlySpan<byte> Namespace => "NAMESPACE"u8;

    public static ReadOnlySpan<byte> New => "NEW"u8;

    public static ReadOnlySpan<byte> Noop => "NOOP"u8;

    public static ReadOnlySpan<byte> Not => "NOT"u8;

    public static ReadOnlySpan<byte> Old => "OLD"u8;

    public static ReadOnlySpan<byte> Older => "OLDER"u8;

    public static ReadOnlySpan<byte> On => "ON"u8;

    public static ReadOnlySpan<byte> Or => "OR"u8;

    public static ReadOnlySpan<byte> Priv => "PRIV"u8;

    public static ReadOnlySpan<byte> Recent => "RECENT"u8;

    public static ReadOnlySpan<byte> RecursiveMatch => "RECURSIVEMATCH"u8;

    public static ReadOnlySpan<byte> Remote => "REMOTE"u8;

    public static ReadOnlySpan<byte> Rename => "RENAME"u8;

    public static ReadOnlySpan<byte> Return => "RETURN"u8;

    public static ReadOnlySpan<byte> Search => "SEARCH"u8;

    public static ReadOnlySpan<byte> Seen => "SEEN"u8;

    public static ReadOnlySpan<byte> Select => "SELECT"u8;

    public static ReadOnlySpan<byte> SentBefore => "SENTBEFORE"u8;

    public static ReadOnlySpan<byte> SentOn => "SENTON"u8;

    public static ReadOnlySpan<byte> SentSince => "SENTSINCE"u8;

    public static ReadOnlySpan<byte> SetQuota => "SETQUOTA"u8;

    public static ReadOnlySpan<byte> Shared => "SHARED"u8;

    public static ReadOnlySpan<byte> Since => "SINCE"u8;

    public static ReadOnlySpan<byte> Size => "SIZE"u8;

    public static ReadOnlySpan<byte> Smaller => "SMALLER"u8;

    public static ReadOnlySpan<byte> SpecialUse => "SPECIAL-USE"u8;

    public static ReadOnlySpan<byte> StartTls => "STARTTLS"u8;

    public static ReadOnlySpan<byte> Status => "STATUS"u8;

    public static ReadOnlySpan<byte> Store => "STORE"u8;

    public static ReadOnlySpan<byte> Subject => "SUBJECT"u8;

    public static ReadOnlySpan<byte> Subscribe => "SUBSCRIBE"u8;

    public static ReadOnlySpan<byte> Subscribed => "SUBSCRIBED"u8;

    public static ReadOnlySpan<byte> To => "TO"u8;

    public static ReadOnlySpan<byte> UidNext => "UIDNEXT"u8;

    public static ReadOnlySpan<byte> UidValidity => "UIDVALIDITY"u8;

    public static ReadOnlySpan<byte> Unanswered => "UNANSWERED"u8;

    public static ReadOnlySpan<byte> Undeleted => "UNDELETED"u8;

    public static ReadOnlySpan<byte> Undraft => "UNDRAFT"u8;

    public static ReadOnlySpan<byte> Unflagged => "UNFLAGGED"u8;

    public static ReadOnlySpan<byte> Unkeyword => "UNKEYWORD"u8;

    public static ReadOnlySpan<byte> Unseen => "UNSEEN"u8;

    public static ReadOnlySpan<byte> Unselect => "UNSELECT"u8;

    public static ReadOnlySpan<byte> Unsubscribe => "UNSUBSCRIBE"u8;

    public static ReadOnlySpan<byte> Use => "USE"u8;

    public static ReadOnlySpan<byte> Utf8 => "UTF8"u8;

    public static ReadOnlySpan<byte> Younger => "YOUNGER"u8;
}
