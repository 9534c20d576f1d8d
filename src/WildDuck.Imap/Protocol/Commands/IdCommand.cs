// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Imap.Protocol;

/// <summary>ID (params) / ID NIL (RFC 2971).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Parameters">Field/value pairs in order, or null for NIL.</param>
internal sealed record IdCommand(string Tag, IReadOnlyList<KeyValuePair<string, string?>>? Parameters) : ImapCommand(Tag);
