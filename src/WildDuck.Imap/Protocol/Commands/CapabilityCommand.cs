// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>CAPABILITY (RFC 3501 §6.1.1).</summary>
/// <param name="Tag">The command tag.</param>
internal sealed record CapabilityCommand(string Tag) : ImapCommand(Tag);
