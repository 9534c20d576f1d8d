// SPDX-License-Identifier: MIT
using WildDuck.Storage.Search;

namespace WildDuck.Imap.Protocol;

/// <summary>SEARCH / UID SEARCH (RFC 3501 §6.4.4, ESEARCH RETURN RFC 4731).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="IsUid">True for UID SEARCH.</param>
/// <param name="Charset">The CHARSET argument as sent, or null (the session answers [BADCHARSET] for unsupported ones).</param>
/// <param name="Key">The key tree (an AndKey at the top when several keys were given); may hold SequenceSetKey nodes.</param>
/// <param name="Return">RETURN options (ESEARCH), None when absent.</param>
/// <param name="HasReturn">True when RETURN (...) was given (even empty): answer with ESEARCH.</param>
internal sealed record SearchCommand(string Tag, bool IsUid, string? Charset, SearchKey Key, SearchReturnOptions Return, bool HasReturn) : ImapCommand(Tag);
