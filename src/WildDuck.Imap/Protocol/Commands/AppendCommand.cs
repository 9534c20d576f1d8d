// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <summary>APPEND whose message literal was framed inline (small messages). Streamed APPENDs use <see cref="AppendPrefix"/> instead.</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Prefix">Mailbox, flags and date.</param>
/// <param name="Message">The message bytes (a copy).</param>
internal sealed record AppendCommand(string Tag, AppendPrefix Prefix, ReadOnlyMemory<byte> Message) : ImapCommand(Tag);
