// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>Session facts that change how a command is parsed.</summary>
/// <param name="Utf8Accept">
/// True once the client enabled UTF8=ACCEPT (RFC 6855 §3): mailbox names are raw UTF-8 instead of
/// modified UTF-7.
/// </param>
/// <param name="IsAuthenticated">True after LOGIN/AUTHENTICATE (informational; the state table gates commands).</param>
internal readonly record struct ImapParserContext(bool Utf8Accept, bool IsAuthenticated);
