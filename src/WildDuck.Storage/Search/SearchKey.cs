// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Search;

/// <summary>
/// A node of the search AST: every IMAP SEARCH key (RFC 3501 §6.4.4, RFC 9051 §6.4.4), the
/// CONDSTORE MODSEQ key (RFC 7162 §3.1.5) and WITHIN's OLDER/YOUNGER (RFC 5032).
/// </summary>
/// <remarks>
/// Sequence sets are resolved to UIDs by the session before the query reaches storage, so the
/// AST only carries <see cref="UidKey"/>. String keys match case-insensitively as substrings
/// (RFC 3501 §6.4.4: "In all search keys that use strings, a message matches the key if the
/// string is a substring of the field. The matching is case-insensitive.").
/// </remarks>
public abstract record SearchKey;

/// <summary>ALL.</summary>
public sealed record AllKey : SearchKey
{
    /// <summary>The singleton.</summary>
    public static AllKey Instance { get; } = new();
}

/// <summary>All of the keys (a parenthesised list, or the top level).</summary>
/// <param name="Keys">The keys.</param>
public sealed record AndKey(IReadOnlyList<SearchKey> Keys) : SearchKey;

/// <summary>OR a b.</summary>
/// <param name="Left">First alternative.</param>
/// <param name="Right">Second alternative.</param>
public sealed record OrKey(SearchKey Left, SearchKey Right) : SearchKey;

/// <summary>NOT k.</summary>
/// <param name="Key">The negated key.</param>
public sealed record NotKey(SearchKey Key) : SearchKey;

/// <summary>
/// A system-flag test: SEEN/UNSEEN, ANSWERED/UNANSWERED, FLAGGED/UNFLAGGED, DELETED/UNDELETED,
/// DRAFT/UNDRAFT.
/// </summary>
/// <param name="Flag">The flag.</param>
/// <param name="IsSet">True for SEEN etc., false for UNSEEN etc.</param>
public sealed record FlagKey(MessageFlags Flag, bool IsSet) : SearchKey;

/// <summary>KEYWORD k / UNKEYWORD k.</summary>
/// <param name="Keyword">The keyword.</param>
/// <param name="IsSet">True for KEYWORD.</param>
public sealed record KeywordKey(string Keyword, bool IsSet) : SearchKey;

/// <summary>RECENT, NEW (RECENT UNSEEN) and OLD (NOT RECENT).</summary>
/// <param name="Kind">Which of the three.</param>
public sealed record RecentKey(RecentKind Kind) : SearchKey;

/// <summary>The \Recent-based keys.</summary>
public enum RecentKind
{
    /// <summary>RECENT.</summary>
    Recent,

    /// <summary>NEW.</summary>
    New,

    /// <summary>OLD.</summary>
    Old,
}

/// <summary>Which header a <see cref="HeaderKey"/> tests.</summary>
public enum AddressField
{
    /// <summary>FROM.</summary>
    From,

    /// <summary>TO.</summary>
    To,

    /// <summary>CC.</summary>
    Cc,

    /// <summary>BCC.</summary>
    Bcc,

    /// <summary>SUBJECT.</summary>
    Subject,
}

/// <summary>FROM/TO/CC/BCC/SUBJECT s: substring of that header field's (decoded) value.</summary>
/// <param name="Field">The field.</param>
/// <param name="Value">The substring.</param>
public sealed record HeaderKey(AddressField Field, string Value) : SearchKey;

/// <summary>HEADER name s: a header with that name whose value contains s (an empty s matches presence).</summary>
/// <param name="Name">Header field name (case-insensitive).</param>
/// <param name="Value">The substring.</param>
public sealed record HeaderFieldKey(string Name, string Value) : SearchKey;

/// <summary>BODY s (body only) or TEXT s (header and body).</summary>
/// <param name="Value">The substring.</param>
/// <param name="IncludeHeaders">True for TEXT.</param>
public sealed record TextKey(string Value, bool IncludeHeaders) : SearchKey;

/// <summary>Which date a <see cref="DateKey"/> compares.</summary>
public enum DateField
{
    /// <summary>INTERNALDATE (BEFORE/ON/SINCE).</summary>
    Internal,

    /// <summary>The Date header (SENTBEFORE/SENTON/SENTSINCE).</summary>
    Sent,
}

/// <summary>How a <see cref="DateKey"/> compares.</summary>
public enum DateComparison
{
    /// <summary>Earlier than the date.</summary>
    Before,

    /// <summary>Within the date.</summary>
    On,

    /// <summary>Within or later than the date.</summary>
    Since,
}

/// <summary>
/// BEFORE/ON/SINCE and SENT* keys. RFC 3501 compares dates "disregarding time and timezone";
/// the date is taken in the timezone of the compared value's own offset.
/// </summary>
/// <param name="Field">Which date.</param>
/// <param name="Comparison">How.</param>
/// <param name="Date">The calendar date.</param>
public sealed record DateKey(DateField Field, DateComparison Comparison, DateOnly Date) : SearchKey;

/// <summary>OLDER n / YOUNGER n (RFC 5032): INTERNALDATE relative to now, in seconds.</summary>
/// <param name="Seconds">Interval.</param>
/// <param name="Older">True for OLDER.</param>
public sealed record WithinKey(long Seconds, bool Older) : SearchKey;

/// <summary>LARGER n / SMALLER n.</summary>
/// <param name="Size">The size.</param>
/// <param name="Larger">True for LARGER (size &gt; n), false for SMALLER (size &lt; n).</param>
public sealed record SizeKey(long Size, bool Larger) : SearchKey;

/// <summary>UID set (and sequence sets, after the session resolved them).</summary>
/// <param name="Uids">The UIDs.</param>
public sealed record UidKey(UidSet Uids) : SearchKey;

/// <summary>MODSEQ n (RFC 7162 §3.1.5): messages with MODSEQ ≥ n.</summary>
/// <param name="ModSeq">The threshold.</param>
public sealed record ModSeqKey(long ModSeq) : SearchKey;

/// <summary>
/// The message has attachments (WildDuck's <c>ha</c>: a part the indexer lists as an attachment;
/// the API's <c>has:attachment</c> and <c>attachments</c> parameter, reference §8.5). No IMAP key
/// produces it.
/// </summary>
/// <param name="HasAttachments">True to match messages with attachments, false without.</param>
public sealed record AttachmentKey(bool HasAttachments) : SearchKey;

/// <summary>
/// The message belongs to this thread (WildDuck's <c>thread</c> field; the API's <c>thread</c> parameter and
/// <c>q</c>'s <c>thread:</c>, reference §8.5). No IMAP key produces it.
/// </summary>
/// <param name="Thread">The thread id (<see cref="MessageRecord.Thread"/>).</param>
public sealed record ThreadKey(EntityId Thread) : SearchKey;
