// SPDX-License-Identifier: MIT
using System.Collections.Generic;

namespace WildDuck.Imap.Protocol;

/// <summary>LIST, basic or extended (RFC 3501 §6.3.8, RFC 5258, RFC 6154, RFC 5819 LIST-STATUS).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Reference">The decoded reference name.</param>
/// <param name="Patterns">The decoded patterns (1..n).</param>
/// <param name="Selection">Selection options.</param>
/// <param name="Return">Return options.</param>
/// <param name="StatusItems">The STATUS items of RETURN (STATUS (...)), or None.</param>
internal sealed record ListCommand(string Tag, string Reference, IReadOnlyList<string> Patterns, ListSelectionOptions Selection, ListReturnOptions Return, StatusItems StatusItems) : ImapCommand(Tag);
