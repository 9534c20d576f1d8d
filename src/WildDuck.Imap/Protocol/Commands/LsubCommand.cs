// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>LSUB reference pattern (RFC 3501 §6.3.9).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Reference">The decoded reference name.</param>
/// <param name="Pattern">The decoded pattern.</param>
internal sealed record LsubCommand(string Tag, string Reference, string Pattern) : ImapCommand(Tag);
