// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>GETQUOTA root (RFC 9208 §4.2).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Root">The quota root as sent.</param>
internal sealed record GetQuotaCommand(string Tag, string Root) : ImapCommand(Tag);
