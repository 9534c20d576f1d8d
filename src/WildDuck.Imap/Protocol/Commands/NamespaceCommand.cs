// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>NAMESPACE (RFC 2342).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record NamespaceCommand(string Tag) : ImapCommand(Tag);
