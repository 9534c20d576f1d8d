// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Imap.Protocol;

/// <summary>ENABLE capability... (RFC 5161).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Capabilities">The capability names as sent.</param>
internal sealed record EnableCommand(string Tag, IReadOnlyList<string> Capabilities) : ImapCommand(Tag);
