// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
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
    /// Trusted spam verdict headers (reference §6.5): a header whose value matches its pattern (a
    /// case-insensitive .NET regular expression) makes the message spam for every user whose spam
    /// level is not 100. Null (the default) uses <c>X-Spam-Status: ^\s*yes\b</c> and
    /// <c>X-Rspamd-Spam: ^\s*yes\b</c>; an empty list trusts none. Only trust headers your MTA sets
    /// and strips from incoming mail. Configuration: <c>Delivery:SpamVerdictHeaders:0:HeaderName</c>,
    /// <c>…:0:Pattern</c>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Bound from configuration, where null means the defaults.")]
    public List<SpamHeaderRule>? SpamVerdictHeaders { get; set; }

    /// <summary>
    /// A trusted header carrying a spam score (SpamAssassin's <c>X-Spam-Score</c> by default); the
    /// score × 10 is compared with the user's spam level. Empty disables it.
    /// </summary>
    public string? SpamScoreHeader { get; set; } = SpamHeaderOptions.Default.ScoreHeader;

    /// <summary>The <see cref="SpamHeaderOptions"/> these settings describe.</summary>
    internal SpamHeaderOptions ToSpamHeaderOptions() => new()
    {
        VerdictHeaders = SpamVerdictHeaders is { } rules ? rules.ToArray() : SpamHeaderOptions.Default.VerdictHeaders,
        ScoreHeader = string.IsNullOrWhiteSpace(SpamScoreHeader) ? null : SpamScoreHeader,
    };

    /// <summary>
    /// The minimum time between two automatic replies to one sender (RFC 3834 §2; WildDuck's
    /// <c>const:autoreply:interval</c>). Default 4 hours.
    /// </summary>
    public TimeSpan AutoreplyInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// A message with this many <c>Received:</c> header fields or more is not forwarded (loop
    /// protection, reference §6.7; RFC 5321 §6.3 suggests a limit of at least 100 for relays, but a
    /// forward of a forward of a forward is already suspect). Default 30, as WildDuck.
    /// </summary>
    public int MaxReceivedHeadersToForward { get; set; } = 30;
}
