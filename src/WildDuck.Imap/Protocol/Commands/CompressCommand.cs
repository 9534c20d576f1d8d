// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>COMPRESS mechanism (RFC 4978).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mechanism">The mechanism, upper-cased (DEFLATE).</param>
internal sealed record CompressCommand(string Tag, string Mechanism) : ImapCommand(Tag);
