// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage;

/// <summary>
/// The input rules every backend applies the same way before it stores anything: user identities,
/// addresses, mailbox paths, outbound messages, filter defaults. One place, so that the backends
/// cannot drift apart (the conformance suite checks the outcome).
/// </summary>
internal static class StoreRules
{
    /// <summary>Room for trace header fields above <see cref="MessageLimits.MaxMessageSize"/> in queued forwards.</summary>
    public const int TraceFieldAllowance = 64 * 1024;

    /// <summary>Validates keywords and removes case-insensitive duplicates (first spelling wins).</summary>
    public static List<string> NormalizeKeywords(IEnumerable<string> keywords)
    {
        var seen = new HashSet<string>(Flags.KeywordComparer);
        var list = new List<string>();
        foreach (var keyword in keywords)
        {
            if (!Flags.IsValidKeyword(keyword))
            {
                throw new StorageException(StorageError.Invalid, "Invalid keyword.");
            }

            if (seen.Add(keyword))
            {
                list.Add(keyword);
            }
        }

        return list;
    }

    /// <summary>The folders every new user gets (reference §9.8, English names).</summary>
    public static IReadOnlyList<(string Path, SpecialUse SpecialUse)> DefaultMailboxes { get; } =
    [
        ("INBOX", SpecialUse.None),
        ("Drafts", SpecialUse.Drafts),
        ("Sent Mail", SpecialUse.Sent),
        ("Junk", SpecialUse.Junk),
        ("Trash", SpecialUse.Trash),
    ];

    /// <summary>
    /// The normalised username and main address of a new user (null when it gets none);
    /// <see cref="StorageError.Invalid"/> for a bad username or address.
    /// </summary>
    public static (string Username, string? Address) NewUserIdentity(CreateUserRequest request, WildDuckOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var username = UsernameRules.Normalize(request.Username);
        if (!UsernameRules.IsValid(username))
        {
            throw new StorageException(StorageError.Invalid, "Invalid username.");
        }

        if (request.EmptyAddress)
        {
            return (username, null);
        }

        var candidate = request.Address;
        if (string.IsNullOrWhiteSpace(candidate))
        {
            candidate = username.Contains('@', StringComparison.Ordinal) && AddressNormalizer.IsValidAddress(username)
                ? username
                : username + "@" + (options.EmailDomain ?? options.Hostname);
        }

        var address = AddressNormalizer.Normalize(candidate, removeLabel: false, removeDots: false);
        if (!AddressNormalizer.IsValidAddress(address) || address.Contains('*', StringComparison.Ordinal))
        {
            throw new StorageException(StorageError.Invalid, "Invalid address.");
        }

        return (username, address);
    }

    /// <summary>
    /// The normalised form of an address added to a user. Catch-all forms (<c>*@domain</c>,
    /// <c>pre*@domain</c>, <c>*suf@domain</c>) are addresses like any other, but a main address must
    /// be a real one; <see cref="StorageError.Invalid"/> otherwise.
    /// </summary>
    public static string NewAddress(string address, bool main)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalized = AddressNormalizer.Normalize(address, removeLabel: false, removeDots: false);
        if (!AddressNormalizer.IsValidAddress(normalized, allowWildcard: !main))
        {
            throw new StorageException(StorageError.Invalid, "Invalid address.");
        }

        return normalized;
    }

    /// <summary>
    /// The normalised form of a forwarded address: a <c>*</c> in the local part only with
    /// <paramref name="allowWildcard"/> (reference §6.2 "allowWildcard"); <see cref="StorageError.Invalid"/> otherwise.
    /// </summary>
    public static string NewForwardedAddress(string address, bool allowWildcard)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalized = AddressNormalizer.Normalize(address, removeLabel: false, removeDots: false);
        if (!AddressNormalizer.IsValidAddress(normalized, allowWildcard))
        {
            throw new StorageException(StorageError.Invalid, allowWildcard || !normalized.Contains('*', StringComparison.Ordinal)
                ? "Invalid address."
                : "Wildcard addresses need allowWildcard.");
        }

        return normalized;
    }

    /// <summary>
    /// Forward targets in their stored (canonical) form, in order and without duplicates;
    /// <see cref="StorageError.Invalid"/> for one that <see cref="ForwardTarget.TryParse"/> refuses.
    /// </summary>
    public static List<string> CanonicalTargets(IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var list = new List<string>();
        foreach (var text in targets)
        {
            if (!ForwardTarget.TryParse(text, out var target))
            {
                throw new StorageException(StorageError.Invalid, "Invalid forward target.");
            }

            if (!list.Contains(target.Canonical, StringComparer.OrdinalIgnoreCase))
            {
                list.Add(target.Canonical);
            }
        }

        return list;
    }

    /// <summary>The retention of a default mailbox: Trash and Junk keep messages at most <see cref="UserLimits.JunkRetention"/>.</summary>
    public static TimeSpan? DefaultRetention(SpecialUse specialUse, TimeSpan? retention, UserLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (specialUse is not (SpecialUse.Trash or SpecialUse.Junk))
        {
            return retention;
        }

        var cap = limits.JunkRetention;
        return retention is { } r && r < cap ? r : cap;
    }

    /// <summary>"INBOX" is case-insensitive (RFC 3501 §5.1); other names are kept as given, NFC-normalised.</summary>
    public static string NormalizeMailboxPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = path.Normalize(NormalizationForm.FormC);
        return normalized.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : normalized;
    }

    /// <summary>A mailbox path to create or rename to, normalised; <see cref="StorageError.Invalid"/> when it breaks the limits.</summary>
    public static string ValidateMailboxPath(string path, UserLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var normalized = NormalizeMailboxPath(path);
        if (normalized.Length == 0 || normalized[0] == '/' || normalized[^1] == '/')
        {
            throw new StorageException(StorageError.Invalid, "Invalid mailbox name.");
        }

        var segments = normalized.Split('/');
        if (segments.Length > limits.MaxMailboxDepth)
        {
            throw new StorageException(StorageError.Invalid, "Mailbox hierarchy is too deep.");
        }

        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                throw new StorageException(StorageError.Invalid, "Adjacent hierarchy separators are not supported.");
            }

            if (segment.Length > limits.MaxMailboxSegmentLength)
            {
                throw new StorageException(StorageError.Invalid, "Mailbox name segment is too long.");
            }

            if (segment.Any(char.IsControl))
            {
                throw new StorageException(StorageError.Invalid, "Mailbox names cannot contain control characters.");
            }
        }

        if (segments.Length > 1 && segments[0].Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            // Keep "INBOX/child" under the canonical INBOX spelling.
            segments[0] = "INBOX";
            normalized = string.Join('/', segments);
        }

        return normalized;
    }

    /// <summary>
    /// Checks a message for the outbound queue: <see cref="StorageError.Invalid"/> without recipients,
    /// reason or content, or with a line break in an address; <see cref="StorageError.TooBig"/> above
    /// the message size limit plus <see cref="TraceFieldAllowance"/>.
    /// </summary>
    public static void ValidateOutbound(OutboundMessage message, MessageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(limits);
        if (message.Recipients is null || message.Recipients.Count == 0)
        {
            throw new StorageException(StorageError.Invalid, "An outbound message needs at least one recipient.");
        }

        foreach (var recipient in message.Recipients)
        {
            // A line break inside an address would be an SMTP injection.
            if (string.IsNullOrWhiteSpace(recipient) || recipient.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new StorageException(StorageError.Invalid, "A recipient is empty or contains a line break.");
            }
        }

        if (string.IsNullOrWhiteSpace(message.Reason))
        {
            throw new StorageException(StorageError.Invalid, "An outbound message needs a reason.");
        }

        if (message.ReturnPath.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new StorageException(StorageError.Invalid, "The return path contains a line break.");
        }

        if (message.Content.IsEmpty)
        {
            throw new StorageException(StorageError.Invalid, "An outbound message needs content.");
        }

        // Forwards carry the trace fields of delivery on top of a message that may be as large as
        // the limit allows; leave them the same room delivery does.
        if (message.Content.Length > limits.MaxMessageSize + TraceFieldAllowance)
        {
            throw new StorageException(StorageError.TooBig, "The message exceeds the message size limit.");
        }
    }

    /// <summary>A filter as it is saved: a creation time and an id when it has none.</summary>
    public static FilterDefinition PrepareFilter(FilterDefinition filter, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(time);
        var saved = filter.Created == default ? filter with { Created = time.GetUtcNow() } : filter;
        return saved.Id.IsEmpty ? saved with { Id = EntityId.NewId(time) } : saved;
    }

    /// <summary>
    /// A webhook as both backends save it: an id and creation time when missing; at least one type
    /// pattern, each an event name, a <c>prefix.*</c> or <c>*</c>; an absolute http(s) URL.
    /// <see cref="StorageError.Invalid"/> otherwise.
    /// </summary>
    public static WebhookRecord PrepareWebhook(WebhookRecord webhook, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(time);
        if (webhook.Types.Count == 0)
        {
            throw new StorageException(StorageError.Invalid, "A webhook needs at least one event type.");
        }

        foreach (var type in webhook.Types)
        {
            if (!WildDuckEventTypes.IsPattern(type))
            {
                throw new StorageException(StorageError.Invalid, "Invalid webhook event type.");
            }
        }

        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new StorageException(StorageError.Invalid, "A webhook URL must be an absolute http or https URL.");
        }

        var saved = webhook.Created == default ? webhook with { Created = time.GetUtcNow() } : webhook;
        return saved.Id.IsEmpty ? saved with { Id = EntityId.NewId(time) } : saved;
    }

    /// <summary>
    /// A delivery as <see cref="IWebhookStore.EnqueueWebhookDeliveriesAsync"/> saves it: checked
    /// (http(s) URL, a type, a body), a new id, no attempts, due and created at <paramref name="now"/>
    /// truncated to milliseconds (what both backends keep).
    /// </summary>
    public static WebhookDelivery PrepareWebhookDelivery(WebhookDelivery delivery, DateTimeOffset now, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new StorageException(StorageError.Invalid, "A webhook URL must be an absolute http or https URL.");
        }

        if (string.IsNullOrEmpty(delivery.Type) || delivery.Body.IsEmpty)
        {
            throw new StorageException(StorageError.Invalid, "A webhook delivery needs an event type and a body.");
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        return delivery with { Id = EntityId.NewId(time), Attempts = 0, NextAttempt = at, Created = at, LastError = null };
    }

    /// <summary>
    /// What <see cref="IUserStore.ResolveAddressAsync"/> looks up after the address view itself
    /// failed (reference §6.2), in order: the address under the domain alias target (when the
    /// domain is an alias), then, when <paramref name="allowWildcard"/>, the wildcard forms of the
    /// address and of its aliased form.
    /// </summary>
    /// <param name="view">The address view that was not found.</param>
    /// <param name="aliasTarget">The domain the address's domain is an alias of, or null.</param>
    /// <param name="allowWildcard">Whether catch-all addresses may receive.</param>
    public static IEnumerable<string> ResolutionFallbacks(string view, string? aliasTarget, bool allowWildcard)
    {
        ArgumentNullException.ThrowIfNull(view);
        var at = view.LastIndexOf('@');
        if (at <= 0)
        {
            yield break;
        }

        var aliased = aliasTarget is null ? null : view[..at] + "@" + aliasTarget;
        if (aliased is not null)
        {
            yield return aliased;
        }

        if (!allowWildcard)
        {
            yield break;
        }

        foreach (var candidate in AddressNormalizer.WildcardCandidates(view))
        {
            yield return candidate;
        }

        if (aliased is not null)
        {
            foreach (var candidate in AddressNormalizer.WildcardCandidates(aliased))
            {
                yield return candidate;
            }
        }
    }

    /// <summary>The domain of an address view whose alias <see cref="ResolutionFallbacks"/> needs; null without a local part.</summary>
    public static string? DomainOf(string view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var at = view.LastIndexOf('@');
        return at <= 0 ? null : view[(at + 1)..];
    }

    /// <summary>
    /// <see cref="IUserStore.FindUserAsync"/> over a backend's lookups: a login name with <c>@</c> is
    /// resolved as an address first (labels and dots ignored, no wildcards); otherwise, or when no
    /// address matches, it is a username matched by its view (usernames may look like addresses,
    /// reference §6.2).
    /// </summary>
    /// <param name="store">The backend's user store (address resolution, users by id).</param>
    /// <param name="usernameOrAddress">The login name.</param>
    /// <param name="findByUsernameView">Finds a user by <see cref="UserRecord.UsernameView"/>.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public static async Task<UserRecord?> FindUserAsync(
        IUserStore store,
        string usernameOrAddress,
        Func<string, CancellationToken, Task<UserRecord?>> findByUsernameView,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(usernameOrAddress);
        ArgumentNullException.ThrowIfNull(findByUsernameView);
        var name = usernameOrAddress.Trim();
        if (name.Length == 0)
        {
            return null;
        }

        if (name.Contains('@', StringComparison.Ordinal))
        {
            var resolved = await store.ResolveAddressAsync(name, allowWildcard: false, cancellationToken).ConfigureAwait(false);
            if (resolved is not null)
            {
                return await store.GetUserAsync(resolved.User, cancellationToken).ConfigureAwait(false);
            }
        }

        return await findByUsernameView(AddressNormalizer.UsernameView(UsernameRules.Normalize(name)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks an application password before it is stored: its scopes in canonical form (<c>["*"]</c> or a sorted
    /// subset of imap, pop3, smtp; never master), a description and a hash. <see cref="StorageError.Invalid"/> otherwise.
    /// </summary>
    public static void ValidateAsp(AspRecord asp)
    {
        ArgumentNullException.ThrowIfNull(asp);
        var canonical = Security.AccountPasswords.NormalizeApplicationScopes(asp.Scopes);
        if (asp.Scopes.Count == 0 || canonical is null || !canonical.SequenceEqual(asp.Scopes, StringComparer.Ordinal))
        {
            throw new StorageException(StorageError.Invalid, "Invalid application password scopes.");
        }

        if (string.IsNullOrEmpty(asp.PasswordHash) || asp.Description is null || asp.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new StorageException(StorageError.Invalid, "Invalid application password.");
        }
    }

    /// <summary>
    /// The merge key of an authentication log entry (WildDuck's <c>key</c>, an MD5 of protocol, IP, action, result
    /// and target): 16 bytes of the SHA-256 of the fields whose repeats are counted in one entry.
    /// </summary>
    public static byte[] AuthEventMergeKey(AuthEventRecord entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = string.Join(
            '\u001f',
            entry.Action,
            entry.Result,
            entry.Reason ?? string.Empty,
            entry.Protocol ?? string.Empty,
            entry.RemoteAddress ?? string.Empty,
            entry.Source ?? string.Empty,
            entry.Asp?.ToString() ?? string.Empty,
            entry.RequiredScope ?? string.Empty);
        return System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16];
    }

    /// <summary>The refusal of a webhook past <see cref="UserLimits.MaxWebhooks"/> (all users together).</summary>
    internal static StorageException TooManyWebhooks(int limit) =>
        new(StorageError.Limit, "Too many webhooks: at most " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " in all (WildDuck:Users:MaxWebhooks).");

    /// <summary>The refusal of an application password past the per-user limit.</summary>
    internal static StorageException TooManyApplicationPasswords(int limit) =>
        new(StorageError.Limit, "Too many application passwords: at most " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " per user (WildDuck:Authentication:MaxApplicationPasswords).");
}
