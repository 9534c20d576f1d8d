// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Imap.Mailboxes;

/// <summary>Mailbox name attributes of LIST/LSUB responses (RFC 3501 §7.2.2, RFC 5258 §3.4, RFC 6154).</summary>
[Flags]
internal enum ListAttributes
{
    None = 0,

    /// <summary>\Noselect: the name exists only as a hierarchy level.</summary>
    NoSelect = 1,

    /// <summary>\NonExistent (RFC 5258): no such mailbox; implies \Noselect.</summary>
    NonExistent = 2,

    /// <summary>\HasChildren (RFC 3348/5258).</summary>
    HasChildren = 4,

    /// <summary>\HasNoChildren.</summary>
    HasNoChildren = 8,

    /// <summary>\Subscribed (RFC 5258 RETURN (SUBSCRIBED) or SUBSCRIBED selection).</summary>
    Subscribed = 16,
}

/// <summary>What LIST selects (RFC 5258 selection options, plus LSUB).</summary>
internal sealed record ListSelection
{
    /// <summary>SUBSCRIBED selection option, or LSUB.</summary>
    public bool SubscribedOnly { get; init; }

    /// <summary>RECURSIVEMATCH: report parents whose descendants match, with CHILDINFO.</summary>
    public bool RecursiveMatch { get; init; }

    /// <summary>SPECIAL-USE selection option (RFC 6154 §5.1).</summary>
    public bool SpecialUseOnly { get; init; }

    /// <summary>RETURN (SUBSCRIBED).</summary>
    public bool ReturnSubscribed { get; init; }

    /// <summary>Use \NonExistent for implied hierarchy levels (extended LIST syntax was used).</summary>
    public bool Extended { get; init; }

    /// <summary>LSUB semantics (RFC 3501 §6.3.9).</summary>
    public bool Lsub { get; init; }
}

/// <summary>One LIST/LSUB response line.</summary>
/// <param name="Path">The mailbox name (unicode, "/" delimited).</param>
/// <param name="Attributes">Name attributes.</param>
/// <param name="SpecialUse">Special-use attribute to report.</param>
/// <param name="Mailbox">The mailbox, or null for an implied hierarchy level.</param>
/// <param name="ChildInfoSubscribed">RFC 5258 CHILDINFO ("SUBSCRIBED") extended data.</param>
internal sealed record ListEntry(string Path, ListAttributes Attributes, SpecialUse SpecialUse, MailboxRecord? Mailbox, bool ChildInfoSubscribed);

/// <summary>Computes LIST and LSUB results over a user's mailboxes (a flat, "/"-delimited namespace).</summary>
internal static class MailboxListing
{
    /// <summary>Computes the LIST/LSUB lines.</summary>
    /// <param name="mailboxes">The user's mailboxes.</param>
    /// <param name="orphanSubscriptions">
    /// Subscribed names without a mailbox: listed only by LSUB and the SUBSCRIBED selection, as
    /// \NonExistent (RFC 5258 §3.1, §5 example) or \Noselect (LSUB).
    /// </param>
    /// <param name="patterns">The patterns, reference already combined.</param>
    /// <param name="selection">What to select and return.</param>
    public static List<ListEntry> Build(IReadOnlyList<MailboxRecord> mailboxes, IReadOnlyCollection<string> orphanSubscriptions, IReadOnlyList<string> patterns, ListSelection selection)
    {
        // Every visible mailbox, plus every hierarchy level implied by one (a/b/c implies a and a/b).
        var byPath = new Dictionary<string, MailboxRecord>(StringComparer.Ordinal);
        var allNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var mailbox in mailboxes)
        {
            if (mailbox.Hidden)
            {
                continue;
            }

            byPath[mailbox.Path] = mailbox;
            allNames.Add(mailbox.Path);
            for (var i = mailbox.Path.IndexOf(MailboxPattern.Delimiter, StringComparison.Ordinal); i > 0; i = mailbox.Path.IndexOf(MailboxPattern.Delimiter, i + 1))
            {
                allNames.Add(mailbox.Path[..i]);
            }
        }

        var hasChildren = new HashSet<string>(StringComparer.Ordinal);
        var hasSubscribedDescendant = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in allNames)
        {
            var slash = name.LastIndexOf(MailboxPattern.Delimiter);
            if (slash > 0)
            {
                hasChildren.Add(name[..slash]);
            }

            if (byPath.TryGetValue(name, out var m) && m.Subscribed)
            {
                for (var i = name.IndexOf(MailboxPattern.Delimiter, StringComparison.Ordinal); i > 0; i = name.IndexOf(MailboxPattern.Delimiter, i + 1))
                {
                    hasSubscribedDescendant.Add(name[..i]);
                }
            }
        }

        // Subscribed names without a mailbox come after the child computation: they are nobody's
        // children (\HasChildren speaks of existing mailboxes), but their superiors do have a
        // subscribed descendant (LSUB "%" parents, RECURSIVEMATCH CHILDINFO).
        var orphans = new HashSet<string>(StringComparer.Ordinal);
        if (selection.SubscribedOnly)
        {
            foreach (var name in orphanSubscriptions)
            {
                if (byPath.ContainsKey(name) || !orphans.Add(name))
                {
                    continue;
                }

                allNames.Add(name);
                for (var i = name.IndexOf(MailboxPattern.Delimiter, StringComparison.Ordinal); i > 0; i = name.IndexOf(MailboxPattern.Delimiter, i + 1))
                {
                    allNames.Add(name[..i]);
                    hasSubscribedDescendant.Add(name[..i]);
                }
            }
        }

        // RFC 5258 §3.5 (RECURSIVEMATCH): a name is reported for its subscribed descendants only
        // where one of them is not returned itself, i.e. matches no pattern (imaptest's listext and
        // Dovecot agree: with "a" and "a/b" both asked for, a subscribed "a/b" is enough).
        var hasUnreturnedSubscribedDescendant = new HashSet<string>(StringComparer.Ordinal);
        if (selection.RecursiveMatch)
        {
            foreach (var name in allNames)
            {
                var subscribedName = (byPath.TryGetValue(name, out var m) && m.Subscribed) || orphans.Contains(name);
                if (!subscribedName || AnyMatch(patterns, name))
                {
                    continue;
                }

                for (var i = name.IndexOf(MailboxPattern.Delimiter, StringComparison.Ordinal); i > 0; i = name.IndexOf(MailboxPattern.Delimiter, i + 1))
                {
                    hasUnreturnedSubscribedDescendant.Add(name[..i]);
                }
            }
        }

        var result = new List<ListEntry>();
        foreach (var name in Ordered(allNames))
        {
            if (!AnyMatch(patterns, name))
            {
                continue;
            }

            byPath.TryGetValue(name, out var mailbox);
            var subscribed = mailbox?.Subscribed == true || orphans.Contains(name);
            var specialUse = mailbox?.SpecialUse ?? SpecialUse.None;
            var childInfo = false;

            if (selection.SpecialUseOnly && specialUse == SpecialUse.None)
            {
                continue;
            }

            if (selection.SubscribedOnly && !subscribed)
            {
                if (selection.Lsub)
                {
                    // RFC 3501 §6.3.9: with "%", an unsubscribed level above subscribed names
                    // is returned with \Noselect.
                    if (!hasSubscribedDescendant.Contains(name) || !PercentStopsHere(patterns, name))
                    {
                        continue;
                    }

                    result.Add(new ListEntry(name, ListAttributes.NoSelect, SpecialUse.None, null, false));
                    continue;
                }

                if (!(selection.RecursiveMatch && hasUnreturnedSubscribedDescendant.Contains(name)))
                {
                    continue;
                }

                childInfo = true;
            }
            else if (selection.SubscribedOnly && selection.RecursiveMatch && hasUnreturnedSubscribedDescendant.Contains(name))
            {
                childInfo = true;
            }

            var attributes = ListAttributes.None;
            if (mailbox is null)
            {
                // RFC 5258 §3: \NonExistent implies \Noselect, so the extended form sends only it.
                attributes |= selection.Extended ? ListAttributes.NonExistent : ListAttributes.NoSelect;
            }

            if (!selection.Lsub)
            {
                attributes |= hasChildren.Contains(name) ? ListAttributes.HasChildren : ListAttributes.HasNoChildren;
            }

            if (subscribed && (selection.ReturnSubscribed || selection.SubscribedOnly) && !selection.Lsub)
            {
                attributes |= ListAttributes.Subscribed;
            }

            result.Add(new ListEntry(name, attributes, specialUse, mailbox, childInfo));
        }

        return result;
    }

    /// <summary>INBOX first, then ordinal order (a parent sorts before its children).</summary>
    private static IEnumerable<string> Ordered(SortedSet<string> names)
    {
        if (names.Contains("INBOX"))
        {
            yield return "INBOX";
        }

        foreach (var name in names)
        {
            if (!string.Equals(name, "INBOX", StringComparison.Ordinal))
            {
                yield return name;
            }
        }
    }

    private static bool AnyMatch(IReadOnlyList<string> patterns, string name)
    {
        foreach (var pattern in patterns)
        {
            if (MailboxPattern.Matches(pattern, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when some pattern ends in '%' at this level (the LSUB parent rule applies).</summary>
    private static bool PercentStopsHere(IReadOnlyList<string> patterns, string name)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith('%') && MailboxPattern.Matches(pattern, name))
            {
                return true;
            }
        }

        return false;
    }
}
