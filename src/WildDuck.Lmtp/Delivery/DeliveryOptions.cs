// SPDX-License-Identifier: MIT
using System;
using WildDuck.Filters;

namespace WildDuck.Lmtp;

/// <summary>How the delivery agent resolves recipients and applies the users' delivery settings.</summary>
public sealed class DeliveryOptions
{
    /// <summary>
    /// Whether catch-all addresses (<c>*@domain</c>, <c>user*@domain</c>, <c>local@*</c>) receive mail
    /// for otherwise unknown recipients (reference §6.2 step 3). Default true; WildDuck's own LMTP
    /// leaves them to the MX plugin.
    /// </summary>
    public bool AllowWildcardRecipients { get; set; } = true;

    /// <summary>
    /// When true an over-quota recipient gets the permanent <c>552 5.2.2</c> instead of the default
    /// temporary <c>452 4.2.2</c> (RFC 3463 §3.3), so the sending MTA bounces at once rather than retrying.
    /// </summary>
    public bool OverQuotaIsPermanent { get; set; }

    /// <summary>
    /// The trusted spam headers whose verdict moves mail to Junk (reference §6.5); defaults to
    /// <c>X-Spam-Status: Yes</c>, <c>X-Rspamd-Spam: yes</c> and an <c>X-Spam-Score</c>. Only trust
    /// headers your MTA sets (and strips from incoming mail).
    /// </summary>
    public SpamHeaderOptions SpamHeaders { get; set; } = SpamHeaderOptions.Default;

    /// <summary>
    /// The minimum time between two automatic replies to one sender (RFC 3834 §2; WildDuck's
    /// <c>const:autoreply:interval</c>). Default 4 hours.
    /// </summary>
    public TimeSpan AutoreplyInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Forwarded copies allowed per user per 24 hours (WildDuck's <c>MAX_FORWARDS</c>, default 2000).
    /// Past the limit the forward is skipped and the message is still stored. 0 disables forwarding.
    /// </summary>
    public int MaxForwardsPerDay { get; set; } = 2000;

    /// <summary>
    /// A message with this many <c>Received:</c> header fields or more is not forwarded (loop
    /// protection, reference §6.7; RFC 5321 §6.3 suggests a limit of at least 100 for relays, but a
    /// forward of a forward of a forward is already suspect). Default 30, as WildDuck.
    /// </summary>
    public int MaxReceivedHeadersToForward { get; set; } = 30;
}
