// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Imap.Protocol;

/// <summary>STORE / UID STORE (RFC 3501 §6.4.6, UNCHANGEDSINCE RFC 7162 §3.1.3).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="IsUid">True for UID STORE.</param>
/// <param name="Set">The set as written.</param>
/// <param name="Operation">Replace (FLAGS), Add (+FLAGS) or Remove (-FLAGS).</param>
/// <param name="Silent">True for .SILENT.</param>
/// <param name="Flags">System flags.</param>
/// <param name="Keywords">Keywords as sent (validated).</param>
/// <param name="UnchangedSince">The UNCHANGEDSINCE modifier, or null.</param>
internal sealed record StoreCommand(string Tag, bool IsUid, ImapSequenceSet Set, FlagOperation Operation, bool Silent, MessageFlags Flags, IReadOnlyList<string> Keywords, ulong? UnchangedSince) : ImapCommand(Tag);
