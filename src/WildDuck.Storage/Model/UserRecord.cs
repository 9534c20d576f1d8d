// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage;

/// <summary>A user account (WildDuck's <c>users</c> document).</summary>
public sealed record UserRecord
{
    /// <summary>The id.</summary>
    public required UserId Id { get; init; }

    /// <summary>The username, lowercased (reference §6.2).</summary>
    public required string Username { get; init; }

    /// <summary>The uniqueness key: the username with dots removed (WildDuck <c>unameview</c>).</summary>
    public required string UsernameView { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>The main address, normalised; null for a user without addresses.</summary>
    public string? Address { get; init; }

    /// <summary>Password hash (PHC or crypt string), or empty when password login is disabled.</summary>
    public string PasswordHash { get; init; } = string.Empty;

    /// <summary>
    /// A temporary password set by a password reset (WildDuck <c>tempPassword</c>, reference §7.6); null when none.
    /// Cleared when the password changes.
    /// </summary>
    public TemporaryPassword? TemporaryPassword { get; init; }

    /// <summary>Storage quota in bytes; 0 means the configured default.</summary>
    public long Quota { get; init; }

    /// <summary>
    /// Recipients the user may submit per day (WildDuck's <c>recipients</c>, reference §1.2); 0 means
    /// the configured default (the API's <c>MaxRecipientsPerDay</c>).
    /// </summary>
    public int Recipients { get; init; }

    /// <summary>Bytes of stored messages (sum of RFC822.SIZE), maintained transactionally.</summary>
    public long StorageUsed { get; init; }

    /// <summary>True when the account may not log in.</summary>
    public bool Disabled { get; init; }

    /// <summary>True when the account is suspended (no login, sessions dropped).</summary>
    public bool Suspended { get; init; }

    /// <summary>Protocols the user may not use ("imap", "pop3", "smtp").</summary>
    public IReadOnlyList<string> DisabledScopes { get; init; } = Array.Empty<string>();

    /// <summary>Default retention for new mailboxes; null for none.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Spam threshold 0-100 (WildDuck <c>spamLevel</c>, default 50).</summary>
    public int SpamLevel { get; init; } = 50;

    /// <summary>Language code used for default folder names.</summary>
    public string? Language { get; init; }

    /// <summary>Incremented on password change, suspension and when 2FA is first enabled; invalidates tokens.</summary>
    public int AuthVersion { get; init; } = 1;

    /// <summary>
    /// The enabled second factors (<see cref="TwoFactorMethod"/>; WildDuck <c>enabled2fa</c>). When any
    /// is enabled the master password opens only the API (reference §7.2 step 8); the secrets are in
    /// <see cref="ITwoFactorStore"/>.
    /// </summary>
    public IReadOnlyList<string> Enabled2fa { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Where every delivered message is also forwarded (WildDuck's user <c>targets</c>): addresses,
    /// <c>smtp(s)://</c> relay URLs or <c>http(s)://</c> URLs (reference §6.3 step 7).
    /// </summary>
    public IReadOnlyList<string> ForwardTargets { get; init; } = Array.Empty<string>();

    /// <summary>
    /// ASCII-armoured OpenPGP public key (WildDuck <c>pubKey</c>); null for none. Validated by the
    /// API before it is stored (see <see cref="Mime.StoredMessageEncryption"/>).
    /// </summary>
    public string? PublicKey { get; init; }

    /// <summary>
    /// Store incoming mail encrypted to <see cref="PublicKey"/> (WildDuck <c>encryptMessages</c>,
    /// reference §7.9): LMTP deliveries, IMAP APPEND and API uploads, drafts excepted.
    /// </summary>
    public bool EncryptMessages { get; init; }

    /// <summary>Encrypt copies forwarded to the user's targets (WildDuck <c>encryptForwarded</c>).</summary>
    public bool EncryptForwarded { get; init; }

    /// <summary>
    /// Addresses the user may send as besides its own (WildDuck <c>fromWhitelist</c>, reference §1.2, §6.9): exact
    /// addresses, <c>*suffix</c> or <c>prefix*</c> patterns, lowercase. See <see cref="Addressing.FromWhitelist"/>.
    /// </summary>
    public IReadOnlyList<string> FromWhitelist { get; init; } = Array.Empty<string>();

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>What to create for a new user.</summary>
public sealed record CreateUserRequest
{
    /// <summary>The username (validated against the username rules of reference §6.2).</summary>
    public required string Username { get; init; }

    /// <summary>The plain password; null creates a user without password login.</summary>
    public string? Password { get; init; }

    /// <summary>A password hash to store instead of hashing <see cref="Password"/> (imports).</summary>
    public string? PasswordHash { get; init; }

    /// <summary>The main address; defaults to the username if it is an address, else username@hostname.</summary>
    public string? Address { get; init; }

    /// <summary>When true, the user gets no address at all.</summary>
    public bool EmptyAddress { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>Quota in bytes; 0 for the default.</summary>
    public long Quota { get; init; }

    /// <summary>Recipients per day (see <see cref="UserRecord.Recipients"/>); 0 for the default.</summary>
    public int Recipients { get; init; }

    /// <summary>Default retention for new mailboxes.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Spam level 0-100.</summary>
    public int SpamLevel { get; init; } = 50;

    /// <summary>Language for the default folder names.</summary>
    public string? Language { get; init; }

    /// <summary>ASCII-armoured OpenPGP public key; null for none.</summary>
    public string? PublicKey { get; init; }

    /// <summary>Store incoming mail encrypted (needs <see cref="PublicKey"/>).</summary>
    public bool EncryptMessages { get; init; }

    /// <summary>Encrypt forwarded copies.</summary>
    public bool EncryptForwarded { get; init; }

    /// <summary>Sender addresses allowed besides the user's own (<see cref="UserRecord.FromWhitelist"/>); null for none.</summary>
    public IReadOnlyList<string>? FromWhitelist { get; init; }
}

/// <summary>A partial update of a user; null members are left unchanged.</summary>
public sealed record UserUpdate
{
    /// <summary>New display name.</summary>
    public string? Name { get; init; }

    /// <summary>New quota (bytes, 0 = default).</summary>
    public long? Quota { get; init; }

    /// <summary>New daily recipient limit (see <see cref="UserRecord.Recipients"/>, 0 = default).</summary>
    public int? Recipients { get; init; }

    /// <summary>New disabled flag.</summary>
    public bool? Disabled { get; init; }

    /// <summary>New suspended flag.</summary>
    public bool? Suspended { get; init; }

    /// <summary>New retention (use <see cref="TimeSpan.Zero"/> for none).</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>New spam level.</summary>
    public int? SpamLevel { get; init; }

    /// <summary>New language.</summary>
    public string? Language { get; init; }

    /// <summary>New disabled scopes.</summary>
    public IReadOnlyList<string>? DisabledScopes { get; init; }

    /// <summary>
    /// New password hash (already hashed); bumps <see cref="UserRecord.AuthVersion"/> and clears
    /// <see cref="UserRecord.TemporaryPassword"/>.
    /// </summary>
    public string? PasswordHash { get; init; }

    /// <summary>
    /// A new temporary password (password reset); ignored when <see cref="PasswordHash"/> is also set, since a
    /// password change clears the temporary password.
    /// </summary>
    public TemporaryPassword? TemporaryPassword { get; init; }

    /// <summary>New forwarding targets (an empty list removes them).</summary>
    public IReadOnlyList<string>? ForwardTargets { get; init; }

    /// <summary>New OpenPGP public key; an empty string removes it.</summary>
    public string? PublicKey { get; init; }

    /// <summary>New <see cref="UserRecord.EncryptMessages"/>.</summary>
    public bool? EncryptMessages { get; init; }

    /// <summary>New <see cref="UserRecord.EncryptForwarded"/>.</summary>
    public bool? EncryptForwarded { get; init; }

    /// <summary>New <see cref="UserRecord.FromWhitelist"/> (an empty list removes it).</summary>
    public IReadOnlyList<string>? FromWhitelist { get; init; }
}

/// <summary>A temporary password (WildDuck <c>tempPassword</c>): usable for the master scope from
/// <paramref name="ValidAfter"/> until a day after <paramref name="Created"/> (reference §7.2 step 7).</summary>
/// <param name="Hash">The password hash.</param>
/// <param name="Created">When it was set.</param>
/// <param name="ValidAfter">When it starts to work.</param>
public sealed record TemporaryPassword(string Hash, DateTimeOffset Created, DateTimeOffset ValidAfter);

/// <summary>An address owned by a user (WildDuck's <c>addresses</c> document).</summary>
public sealed record AddressRecord
{
    /// <summary>The id.</summary>
    public required EntityId Id { get; init; }

    /// <summary>The owner.</summary>
    public required UserId User { get; init; }

    /// <summary>Display form (domain in unicode).</summary>
    public required string Address { get; init; }

    /// <summary>Lookup key: normalised, label and dots removed from the local part (<c>addrview</c>).</summary>
    public required string AddressView { get; init; }

    /// <summary>True for the user's main address.</summary>
    public bool Main { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The identity name shown with the address (WildDuck <c>addresses.name</c>); null for none.</summary>
    public string? Name { get; init; }
}

/// <summary>A domain alias (<c>domainaliases</c>): mail for <see cref="Alias"/> goes to <see cref="Domain"/>.</summary>
/// <param name="Alias">Alias domain, normalised.</param>
/// <param name="Domain">Target domain, normalised.</param>
public sealed record DomainAlias(string Alias, string Domain);
