// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using WildDuck.Storage;

namespace WildDuck.Filters;

/// <summary>
/// Turns a <see cref="DeliveryInput"/> into a <see cref="DeliveryPlan"/>: filter evaluation
/// (reference §6.4), the junk verdict (§6.3 step 6, §6.5), forwarding (§6.3 step 7), the autoreply
/// gate (step 8), drop (step 9) and the target mailbox (step 10). Pure and thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Filters.</b> Enabled filters run in list (creation) order. Every matching filter's id is
/// recorded. For each action key (seen, flag, delete, spam, mailbox) the first matching filter
/// that sets it wins, even with <c>false</c> (a <c>seen:false</c> blocks a later <c>seen:true</c>).
/// Forward targets of all matching filters accumulate.</para>
/// <para><b>Spam precedence</b>, first rule that applies:</para>
/// <list type="number">
/// <item>Spam level ≥ 100: never spam, overriding even a filter's <c>spam:true</c>.</item>
/// <item>A filter set <c>spam</c>: its value (<c>false</c> marks ham and blocks every later rule).</item>
/// <item>Spam level ≤ 0: spam.</item>
/// <item>Trusted headers: a matching verdict header scores <see cref="SpamHeaderOptions.VerdictScore"/>,
/// the score header scores its number × <see cref="SpamHeaderOptions.ScoreMultiplier"/> (0–100);
/// the highest score counts and the message is spam when score &gt; 0 and score ≥ spam level.</item>
/// <item>Otherwise not spam.</item>
/// </list>
/// <para><b>Target mailbox</b> (reference §6.3 step 10): the later-inserted of "spam → Junk" and
/// "mailbox → id" wins. Within one filter the keys are inserted in the order seen, flag, delete,
/// spam, mailbox (so a filter's own mailbox beats its own spam:true); across filters the later
/// filter's key is later. A verdict from the spam level or headers is inserted after all filter
/// actions, so it overrides a filter's mailbox. A spam level of 100 removes a filter's Junk target.</para>
/// <para><b>Drop and forwarding.</b> A <c>delete:true</c> action drops the message; filter targets
/// are kept but the user-level targets are not. Nothing is forwarded when the message is spam.</para>
/// </remarks>
public sealed class FilterEvaluator
{
    private readonly SpamHeaderOptions _options;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="options">Default trusted spam headers; null uses <see cref="SpamHeaderOptions.Default"/>.</param>
    public FilterEvaluator(SpamHeaderOptions? options = null)
    {
        _options = options ?? SpamHeaderOptions.Default;
    }

    /// <summary>Evaluates the delivery of one message for one user.</summary>
    /// <param name="input">The message facts and the user's settings.</param>
    /// <returns>The plan.</returns>
    public DeliveryPlan Evaluate(DeliveryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = input.Options ?? _options;
        var matched = new List<EntityId>();
        var filterTargets = new List<string>();

        bool? seen = null, flag = null, delete = null, spam = null;
        MailboxId? mailbox = null;
        int order = 0, spamOrder = -1, mailboxOrder = -1;

        foreach (var filter in input.Filters)
        {
            if (filter is null || filter.Disabled || !Matches(filter.Query, input))
            {
                continue;
            }

            matched.Add(filter.Id);
            var action = filter.Action;

            // First writer wins per key (reference §6.3 step 5); key insertion order seen, flag,
            // delete, spam, mailbox (the stored action object's field order, §1.2).
            seen ??= action.Seen;
            flag ??= action.Flag;
            delete ??= action.Delete;
            if (spam is null && action.Spam is not null)
            {
                spam = action.Spam;
                spamOrder = order++;
            }

            if (mailbox is null && action.Mailbox is not null)
            {
                mailbox = action.Mailbox;
                mailboxOrder = order++;
            }

            if (action.Targets is not null)
            {
                filterTargets.AddRange(action.Targets);
            }
        }

        // Spam verdict (reference §6.3 step 6).
        bool isSpam;
        SpamVerdictSource source;
        bool junkFromFilter = false;
        if (input.SpamLevel >= 100)
        {
            isSpam = false;
            source = SpamVerdictSource.SpamLevelNever;
        }
        else if (spam is not null)
        {
            isSpam = spam.Value;
            source = SpamVerdictSource.Filter;
            junkFromFilter = isSpam;
        }
        else if (input.SpamLevel <= 0)
        {
            isSpam = true;
            source = SpamVerdictSource.SpamLevelAlways;
        }
        else
        {
            var score = HeaderScore(input.Headers, options);
            isSpam = score > 0 && score >= input.SpamLevel;
            source = isSpam ? SpamVerdictSource.Header : SpamVerdictSource.None;
        }

        // Target mailbox (reference §6.3 step 10): the later-inserted of junk and mailbox wins.
        DeliveryTarget target;
        if (isSpam && !junkFromFilter)
        {
            target = DeliveryTarget.Junk;
        }
        else if (isSpam && (mailbox is null || spamOrder > mailboxOrder))
        {
            target = DeliveryTarget.Junk;
        }
        else if (mailbox is not null)
        {
            target = DeliveryTarget.ForMailbox(mailbox.Value);
        }
        else
        {
            target = DeliveryTarget.Inbox;
        }

        var flags = MessageFlags.None;
        if (seen == true)
        {
            flags |= MessageFlags.Seen;
        }

        if (flag == true)
        {
            flags |= MessageFlags.Flagged;
        }

        var drop = delete == true;

        // Forwarding (reference §6.3 step 7): none for spam; user-level targets only when not dropped.
        var forwards = new List<string>();
        if (!isSpam)
        {
            var seenTargets = new HashSet<string>(StringComparer.Ordinal);
            AddTargets(filterTargets, forwards, seenTargets);
            if (!drop)
            {
                AddTargets(input.UserForwardTargets, forwards, seenTargets);
            }
        }

        return new DeliveryPlan
        {
            Drop = drop,
            Target = target,
            Flags = flags,
            IsSpam = isSpam,
            SpamSource = source,
            ForwardTargets = forwards,
            MatchedFilters = matched,
            AutoreplyAllowed = !isSpam,
        };
    }

    /// <summary>True when every condition of <paramref name="query"/> holds (reference §6.4).</summary>
    /// <param name="query">The filter query; an empty query matches everything.</param>
    /// <param name="input">The message facts.</param>
    /// <returns>Whether the filter matches.</returns>
    public static bool Matches(FilterQuery query, DeliveryInput input)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(input);

        if (IsSet(query.From) && !TextMatch.ContainsAny(query.From!, input.From, input.Sender))
        {
            return false;
        }

        if (IsSet(query.To) && !TextMatch.ContainsAny(query.To!, input.To, input.Cc, input.DeliveredTo))
        {
            return false;
        }

        if (IsSet(query.Subject) && !TextMatch.ContainsAny(query.Subject!, input.Subject))
        {
            return false;
        }

        if (IsSet(query.ListId) && !TextMatch.ContainsAny(TextMatch.ListIdValue(query.ListId!), TextMatch.ListIdValue(input.ListId)))
        {
            return false;
        }

        if (IsSet(query.Text) && !TextMatch.ContainsAny(query.Text!, input.Text))
        {
            return false;
        }

        // Both values filter; the reference ignored ha:false (BUG, §6.4).
        if (query.HasAttachments is bool ha && ha != input.HasAttachments)
        {
            return false;
        }

        if (query.Size is long size)
        {
            if (size > 0 && input.Size < size)
            {
                return false;
            }

            if (size < 0 && input.Size > -size)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    private static void AddTargets(IReadOnlyList<string> source, List<string> into, HashSet<string> seen)
    {
        foreach (var target in source)
        {
            if (!string.IsNullOrWhiteSpace(target) && seen.Add(target.Trim()))
            {
                into.Add(target.Trim());
            }
        }
    }

    private static double HeaderScore(IReadOnlyList<KeyValuePair<string, string>> headers, SpamHeaderOptions options)
    {
        double score = 0;
        foreach (var (name, value) in headers)
        {
            foreach (var rule in options.VerdictHeaders)
            {
                if (string.Equals(name, rule.HeaderName, StringComparison.OrdinalIgnoreCase)
                    && IsMatch(value, rule.Pattern, options.PatternTimeout))
                {
                    score = Math.Max(score, options.VerdictScore);
                }
            }

            if (options.ScoreHeader is not null
                && string.Equals(name, options.ScoreHeader, StringComparison.OrdinalIgnoreCase)
                && TryLeadingNumber(value, out var number))
            {
                score = Math.Max(score, Math.Clamp(number * options.ScoreMultiplier, 0, 100));
            }
        }

        return score;
    }

    private static bool IsMatch(string value, string pattern, TimeSpan timeout)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, timeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static bool TryLeadingNumber(string value, out double number)
    {
        var span = value.AsSpan().Trim();
        var end = 0;
        while (end < span.Length && (char.IsAsciiDigit(span[end]) || span[end] is '.' or '-' or '+'))
        {
            end++;
        }

        return double.TryParse(span[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out number)
            && double.IsFinite(number);
    }
}
