// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// The part of an APPEND before its message literal (RFC 3501 §6.3.11, RFC 6855 §4 UTF8 (~{n}),
/// RFC 3516 literal8): enough for the session to check the mailbox, APPENDLIMIT and quota before
/// it sends the continuation request, then stream the body.
/// </summary>
/// <param name="Tag">The tag.</param>
/// <param name="Mailbox">The decoded mailbox name.</param>
/// <param name="Flags">System flags.</param>
/// <param name="Keywords">Keywords (validated).</param>
/// <param name="InternalDate">The date-time argument, or null.</param>
/// <param name="IsUtf8">True for the <c>UTF8 (~{n})</c> form: the line must continue with ")".</param>
/// <param name="LiteralSize">The announced size.</param>
/// <param name="NonSync">True for <c>{n+}</c>.</param>
/// <param name="Binary">True for literal8 <c>~{n}</c>.</param>
internal sealed record AppendPrefix(
    string Tag,
    string Mailbox,
    MessageFlags Flags,
    IReadOnlyList<string> Keywords,
    DateTimeOffset? InternalDate,
    bool IsUtf8,
    long LiteralSize,
    bool NonSync,
    bool Binary);
