// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace WildDuck.Filters;

/// <summary>
/// Whether an automatic reply (vacation) may be sent, and the headers it carries
/// (RFC 3834 §2 and §3.1.7; reference §6.6). The user's enabled flag, time window and the
/// once-per-sender interval are checked by the caller.
/// </summary>
public static partial class AutoreplyPolicy
{
    private static readonly char[] SuppressSeparators = { ',', ' ', '\t' };

    /// <summary>
    /// True when a reply may be sent: the envelope sender is not null, not <c>&lt;&gt;</c>, does not
    /// match <c>mailer-daemon</c> or <c>no-?reply</c>; the message is not spam; <c>Auto-Submitted</c>
    /// is absent or <c>no</c>; <c>Precedence</c> is not list, junk or bulk; no <c>List-Id</c> or
    /// <c>List-Unsubscribe</c> is present; and <c>X-Auto-Response-Suppress</c> contains neither
    /// <c>OOF</c> nor <c>AutoReply</c> (nor <c>All</c>).
    /// </summary>
    /// <param name="envelopeSender">The envelope MAIL FROM (RFC 3834 §2: reply only to it).</param>
    /// <param name="headers">The message's header fields as (name, value) pairs.</param>
    /// <param name="isSpam">The delivery's spam verdict.</param>
    /// <returns>Whether to reply.</returns>
    public static bool ShouldReply(string? envelopeSender, IReadOnlyList<KeyValuePair<string, string>> headers, bool isSpam)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (isSpam)
        {
            return false;
        }

        var sender = envelopeSender?.Trim().Trim('<', '>').Trim();
        if (string.IsNullOrEmpty(sender) || NoReplySender().IsMatch(sender))
        {
            return false;
        }

        foreach (var (rawName, rawValue) in headers)
        {
            var name = rawName.Trim();
            var value = (rawValue ?? string.Empty).Trim();
            if (name.Equals("Auto-Submitted", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 3834 §5: any value other than "no" (parameters allowed) is automatic.
                var keyword = value.Split(';', 2)[0].Trim();
                if (!keyword.Equals("no", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            else if (name.Equals("Precedence", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 3834 §2: list, junk and bulk mail gets no automatic response.
                var keyword = value.Split(';', 2)[0].Trim();
                if (keyword.Equals("list", StringComparison.OrdinalIgnoreCase)
                    || keyword.Equals("junk", StringComparison.OrdinalIgnoreCase)
                    || keyword.Equals("bulk", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            else if (name.Equals("List-Id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("List-Unsubscribe", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 3834 §2 (mailing lists; RFC 2919, RFC 2369).
                return false;
            }
            else if (name.Equals("X-Auto-Response-Suppress", StringComparison.OrdinalIgnoreCase))
            {
                // [MS-OXCMAIL] §2.2.3.2.20: OOF, AutoReply or All suppress vacation replies.
                foreach (var token in value.Split(SuppressSeparators, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (token.Equals("OOF", StringComparison.OrdinalIgnoreCase)
                        || token.Equals("AutoReply", StringComparison.OrdinalIgnoreCase)
                        || token.Equals("All", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The headers of the reply (RFC 3834 §3.1): <c>Auto-Submitted: auto-replied</c>, <c>Subject</c>
    /// (<c>Auto: &lt;custom&gt;</c> or <c>Auto: Re: &lt;original&gt;</c>, §3.1.5), and when the
    /// original has a Message-ID, <c>In-Reply-To</c> and <c>References</c> (§3.1.4, RFC 5322 §3.6.4:
    /// the original References followed by its Message-ID).
    /// </summary>
    /// <param name="originalSubject">The original subject, decoded (may be null).</param>
    /// <param name="originalMessageId">The original Message-ID with brackets, or null.</param>
    /// <param name="originalReferences">The original References value, or null.</param>
    /// <param name="customSubject">The autoreply's own subject, or null to use the original.</param>
    /// <returns>The headers in order.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> AutoreplyHeaders(
        string? originalSubject, string? originalMessageId, string? originalReferences, string? customSubject = null)
    {
        var subject = string.IsNullOrWhiteSpace(customSubject)
            ? "Auto: Re: " + (originalSubject ?? string.Empty).Trim()
            : "Auto: " + customSubject.Trim();
        var result = new List<KeyValuePair<string, string>>
        {
            new("Auto-Submitted", "auto-replied"),
            new("Subject", subject.TrimEnd()),
        };

        var messageId = originalMessageId?.Trim();
        if (!string.IsNullOrEmpty(messageId))
        {
            result.Add(new("In-Reply-To", messageId));
            var references = originalReferences?.Trim();
            result.Add(new("References", string.IsNullOrEmpty(references) ? messageId : references + " " + messageId));
        }

        return result;
    }

    [GeneratedRegex("mailer-daemon|no-?reply", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NoReplySender();
}
