// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>
/// Where WildDuck.Core announces what happened (reference §8.7: WildDuck's <c>publish()</c>):
/// users, mailboxes, filters, addresses, junk moves. The API's webhook dispatcher is one
/// implementation; an embedder may register its own (a message bus) instead.
/// </summary>
/// <remarks>
/// <see cref="Publish"/> is called on the originating operation's path after it committed: it must
/// return at once and never throw, so an event subscriber can neither slow down nor fail the
/// operation (a store move, an API call).
/// </remarks>
public interface IWildDuckEvents
{
    /// <summary>Announces <paramref name="wildDuckEvent"/>; returns immediately, never throws.</summary>
    /// <param name="wildDuckEvent">The event.</param>
    void Publish(WildDuckEvent wildDuckEvent);
}

/// <summary>One event: its type (<see cref="WildDuckEventTypes"/>), the user it concerns, and its fields.</summary>
/// <param name="Type">The event name, e.g. <c>mailbox.created</c>.</param>
/// <param name="User">The user it concerns; null for system-wide events (domain aliases).</param>
/// <param name="Data">Event fields (ids, names, paths), sent as JSON strings next to <c>event</c> and <c>user</c>.</param>
public sealed record WildDuckEvent(string Type, UserId? User, IReadOnlyDictionary<string, string> Data)
{
    /// <summary>An event without fields besides the user.</summary>
    /// <param name="type">The event name.</param>
    /// <param name="user">The user.</param>
    /// <returns>The event.</returns>
    public static WildDuckEvent Of(string type, UserId? user) => new(type, user, new Dictionary<string, string>(0, StringComparer.Ordinal));

    /// <summary>An event with fields given as name/value pairs (null values are left out).</summary>
    /// <param name="type">The event name.</param>
    /// <param name="user">The user.</param>
    /// <param name="fields">The fields.</param>
    /// <returns>The event.</returns>
    public static WildDuckEvent Of(string type, UserId? user, params (string Name, string? Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var data = new Dictionary<string, string>(fields.Length, StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                data[name] = value;
            }
        }

        return new WildDuckEvent(type, user, data);
    }
}

/// <summary>The event names WildDuck.Core publishes (WildDuck's names, reference §8.7).</summary>
public static class WildDuckEventTypes
{
    /// <summary>A user was created.</summary>
    public const string UserCreated = "user.created";

    /// <summary>A user's profile or limits changed (not in WildDuck, which only has password changes).</summary>
    public const string UserUpdated = "user.updated";

    /// <summary>A user's password changed.</summary>
    public const string UserPasswordChanged = "user.password.changed";

    /// <summary>A user was deleted (immediately: WildDuck's <c>user.delete.completed</c>).</summary>
    public const string UserDeleted = "user.delete.completed";

    /// <summary>An address was added to a user.</summary>
    public const string AddressUserCreated = "address.user.created";

    /// <summary>An address was removed from a user.</summary>
    public const string AddressUserDeleted = "address.user.deleted";

    /// <summary>A forwarded address was created (no user).</summary>
    public const string AddressForwardedCreated = "address.forwarded.created";

    /// <summary>A forwarded address was deleted (no user).</summary>
    public const string AddressForwardedDeleted = "address.forwarded.deleted";

    /// <summary>A domain alias was added.</summary>
    public const string DomainAliasCreated = "domainalias.created";

    /// <summary>A domain alias was removed.</summary>
    public const string DomainAliasDeleted = "domainalias.deleted";

    /// <summary>The addresses of a domain moved to another domain (PUT /addresses/renameDomain; no user).</summary>
    public const string AddressDomainRenamed = "address.domain.renamed";

    /// <summary>A filter was created.</summary>
    public const string FilterCreated = "filter.created";

    /// <summary>A filter was deleted.</summary>
    public const string FilterDeleted = "filter.deleted";

    /// <summary>A filter with forward targets was created (WildDuck's literal name, with a space).</summary>
    public const string ForwardAdded = "forward added";

    /// <summary>A user's autoreply was switched on.</summary>
    public const string AutoreplyEnabled = "autoreply.user.enabled";

    /// <summary>A user's autoreply was switched off or removed.</summary>
    public const string AutoreplyDisabled = "autoreply.user.disabled";

    /// <summary>A mailbox was created.</summary>
    public const string MailboxCreated = "mailbox.created";

    /// <summary>A mailbox was renamed.</summary>
    public const string MailboxRenamed = "mailbox.renamed";

    /// <summary>A mailbox was deleted.</summary>
    public const string MailboxDeleted = "mailbox.deleted";

    /// <summary>Messages were moved or copied into Junk from a mailbox that is not Junk (reference §9.1).</summary>
    public const string MarkedSpam = "marked.spam";

    /// <summary>Messages were moved or copied out of Junk.</summary>
    public const string MarkedHam = "marked.ham";

    /// <summary>An application-specific password was created.</summary>
    public const string AspCreated = "asp.created";

    /// <summary>An application-specific password was deleted.</summary>
    public const string AspDeleted = "asp.deleted";

    /// <summary>TOTP was enabled.</summary>
    public const string MfaTotpEnabled = "mfa.totp.enabled";

    /// <summary>TOTP was disabled.</summary>
    public const string MfaTotpDisabled = "mfa.totp.disabled";

    /// <summary>A WebAuthn credential was registered.</summary>
    public const string MfaWebauthnRegistered = "mfa.webauthn.registered";

    /// <summary>A WebAuthn credential was removed (WildDuck misspells this constant, reference §8.7 BUG; this is the intended name).</summary>
    public const string MfaWebauthnRemoved = "mfa.webauthn.removed";

    /// <summary>Custom 2FA (checked by an external system) was enabled.</summary>
    public const string MfaCustomEnabled = "mfa.custom.enabled";

    /// <summary>Custom 2FA was disabled.</summary>
    public const string MfaCustomDisabled = "mfa.custom.disabled";

    /// <summary>Every second factor was disabled.</summary>
    public const string MfaDisabled = "mfa.disabled";

    /// <summary>
    /// A webhook type pattern: <c>*</c>, or 1–64 characters of lowercase letters, digits, dots and
    /// spaces (WildDuck's <c>forward added</c>), optionally ending in <c>.*</c>.
    /// </summary>
    /// <param name="pattern">The text.</param>
    /// <returns>Whether it is a valid pattern.</returns>
    public static bool IsPattern(string? pattern)
    {
        if (pattern is null || pattern.Length is 0 or > 64)
        {
            return false;
        }

        if (pattern == "*")
        {
            return true;
        }

        var name = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        if (name.Length == 0 || name[0] is '.' or ' ' || name[^1] is '.' or ' ')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or ' '))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="pattern"/> selects <paramref name="type"/>: the exact name, a
    /// prefix pattern ending in <c>.*</c> (<c>mailbox.*</c>), or <c>*</c> (reference §8.7).
    /// </summary>
    /// <param name="pattern">A webhook's type pattern.</param>
    /// <param name="type">An event name.</param>
    /// <returns>Whether the pattern selects the event.</returns>
    public static bool Matches(string pattern, string type)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(type);
        if (pattern == "*" || string.Equals(pattern, type, StringComparison.Ordinal))
        {
            return true;
        }

        return pattern.EndsWith(".*", StringComparison.Ordinal)
            && type.Length > pattern.Length - 1
            && type.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal);
    }
}

/// <summary>
/// The events both backends publish themselves after a commit, because every protocol reaches them
/// there: mailbox changes (IMAP CREATE/RENAME/DELETE and the API) and junk moves (reference §9.1).
/// </summary>
internal static class StoreEvents
{
    public static void MailboxCreated(IWildDuckEvents? events, MailboxRecord mailbox) =>
        Publish(events, WildDuckEvent.Of(WildDuckEventTypes.MailboxCreated, mailbox.User, ("mailbox", mailbox.Id.ToString()), ("path", mailbox.Path)));

    public static void MailboxRenamed(IWildDuckEvents? events, MailboxRecord mailbox, string? previousPath) =>
        Publish(events, WildDuckEvent.Of(WildDuckEventTypes.MailboxRenamed, mailbox.User, ("mailbox", mailbox.Id.ToString()), ("previous", previousPath), ("path", mailbox.Path)));

    public static void MailboxDeleted(IWildDuckEvents? events, UserId user, MailboxId mailbox, string? path) =>
        Publish(events, WildDuckEvent.Of(WildDuckEventTypes.MailboxDeleted, user, ("mailbox", mailbox.ToString()), ("path", path)));

    /// <summary>
    /// <c>marked.spam</c> when messages went into Junk from another mailbox, <c>marked.ham</c> when
    /// they left Junk; nothing otherwise.
    /// </summary>
    public static void JunkTransition(IWildDuckEvents? events, UserId user, MailboxRecord source, MailboxRecord target, CopyResult result)
    {
        var intoJunk = target.SpecialUse == SpecialUse.Junk;
        var fromJunk = source.SpecialUse == SpecialUse.Junk;
        if (result.TargetUids.Count == 0 || intoJunk == fromJunk)
        {
            return;
        }

        Publish(events, WildDuckEvent.Of(
            intoJunk ? WildDuckEventTypes.MarkedSpam : WildDuckEventTypes.MarkedHam,
            user,
            ("mailbox", target.Id.ToString()),
            ("sourceMailbox", source.Id.ToString()),
            ("uids", string.Join(',', result.TargetUids)),
            ("sourceUids", string.Join(',', result.SourceUids))));
    }

    private static void Publish(IWildDuckEvents? events, WildDuckEvent wildDuckEvent)
    {
        if (events is null)
        {
            return;
        }

        try
        {
            events.Publish(wildDuckEvent);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The change is committed; a subscriber that breaks the Publish contract must not turn
            // it into an error the client would retry.
        }
    }
}
