// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>NOOP (RFC 3501 §6.1.2).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record NoopCommand(string Tag) : ImapCommand(Tag);
