// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Imap.Protocol;

/// <summary>SETQUOTA root (resource limit...) (RFC 9208 §4.1); parsed so the session can refuse it cleanly.</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Root">The quota root.</param>
/// <param name="Limits">Resource names (upper-cased) and limits.</param>
internal sealed record SetQuotaCommand(string Tag, string Root, IReadOnlyList<KeyValuePair<string, ulong>> Limits) : ImapCommand(Tag);
