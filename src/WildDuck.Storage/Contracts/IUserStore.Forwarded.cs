// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// Forwarded addresses (reference §1.2 <c>addresses</c> without a <c>user</c>): addresses that belong
/// to no user; mail to them is forwarded to their targets and never stored. They share one address
/// space with the users' addresses: an address view is unique across both kinds.
/// </summary>
public partial interface IUserStore
{
    /// <summary>
    /// Creates a forwarded address. <see cref="StorageError.AlreadyExists"/> when the address view is
    /// taken by a user's or a forwarded address; <see cref="StorageError.Invalid"/> for a bad address
    /// (a <c>*</c> needs <see cref="CreateForwardedAddressRequest.AllowWildcard"/>) or a bad target.
    /// </summary>
    Task<ForwardedAddressRecord> CreateForwardedAddressAsync(CreateForwardedAddressRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a forwarded address by id; null when there is none.</summary>
    Task<ForwardedAddressRecord?> GetForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists forwarded addresses ordered by address view, after <paramref name="afterAddressView"/>
    /// when given; <paramref name="query"/> keeps those whose address view contains it.
    /// </summary>
    Task<IReadOnlyList<ForwardedAddressRecord>> ListForwardedAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a partial update; null when the address does not exist. A new address keeps the id and
    /// has the errors of <see cref="CreateForwardedAddressAsync"/>. New autoreply settings restart
    /// the once-per-sender log.
    /// </summary>
    Task<ForwardedAddressRecord?> UpdateForwardedAddressAsync(EntityId id, ForwardedAddressUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a forwarded address with its autoreply sender log; false when it does not exist.</summary>
    Task<bool> DeleteForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves a recipient as <see cref="ResolveAddressAsync"/> does (exact view, domain alias, then
    /// with <paramref name="allowWildcard"/> the wildcard candidates, reference §6.2) over user and
    /// forwarded addresses alike, and says which kind matched. Null when unknown.
    /// <see cref="ResolveAddressAsync"/> is this call restricted to user addresses: an address that
    /// resolves to a forwarded address has no owner.
    /// </summary>
    Task<ResolvedAddress?> ResolveRecipientAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="IAutoreplyStore.TryRecordAutoreplyAsync"/> for a forwarded address's own autoreply
    /// (WildDuck's <c>war:&lt;id&gt;</c> keyed by the address). False when the address does not exist.
    /// </summary>
    Task<bool> TryRecordForwardedAutoreplyAsync(EntityId address, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default);
}

/// <summary>A forwarded address (WildDuck's <c>addresses</c> document without <c>user</c>).</summary>
public sealed record ForwardedAddressRecord
{
    /// <summary>The id (also the key of its daily forward counter, WildDuck's <c>wdf:&lt;id&gt;</c>).</summary>
    public required EntityId Id { get; init; }

    /// <summary>Display form (domain in unicode).</summary>
    public required string Address { get; init; }

    /// <summary>Lookup key, unique across user and forwarded addresses (<c>addrview</c>).</summary>
    public required string AddressView { get; init; }

    /// <summary>The identity name (used as the autoreply's From name when it has none).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Where mail goes, in <see cref="Addressing.ForwardTarget.Canonical"/> form: <c>mail:addr</c>,
    /// <c>smtp(s)://</c> relay URLs or <c>http(s)://</c> URLs.
    /// </summary>
    public IReadOnlyList<string> Targets { get; init; } = Array.Empty<string>();

    /// <summary>Forwarded copies allowed per day; 0 means the configured default.</summary>
    public int Forwards { get; init; }

    /// <summary>The address's own automatic reply; null when none is set.</summary>
    public AutoreplySettings? Autoreply { get; init; }

    /// <summary>True when mail to the address is refused (WildDuck <c>forwardedDisabled</c>).</summary>
    public bool ForwardedDisabled { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>What to create for a new forwarded address.</summary>
public sealed record CreateForwardedAddressRequest
{
    /// <summary>The address; normalised like a user's address.</summary>
    public required string Address { get; init; }

    /// <summary>Allow <c>*</c> in the local part or as the domain (catch-all forms, reference §1.2).</summary>
    public bool AllowWildcard { get; init; }

    /// <summary>The identity name.</summary>
    public string? Name { get; init; }

    /// <summary>The targets, each accepted by <see cref="Addressing.ForwardTarget.TryParse"/>; stored canonical.</summary>
    public IReadOnlyList<string> Targets { get; init; } = Array.Empty<string>();

    /// <summary>Forwarded copies allowed per day; 0 for the default.</summary>
    public int Forwards { get; init; }

    /// <summary>The autoreply, or null for none.</summary>
    public AutoreplySettings? Autoreply { get; init; }

    /// <summary>Refuse mail to the address.</summary>
    public bool ForwardedDisabled { get; init; }
}

/// <summary>A partial update of a forwarded address; null members are left unchanged.</summary>
public sealed record ForwardedAddressUpdate
{
    /// <summary>A new address (a rename; the id stays).</summary>
    public string? Address { get; init; }

    /// <summary>Allow a wildcard in <see cref="Address"/>.</summary>
    public bool AllowWildcard { get; init; }

    /// <summary>A new name (empty removes it).</summary>
    public string? Name { get; init; }

    /// <summary>New targets (replace the old ones).</summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>A new daily limit (0 = default).</summary>
    public int? Forwards { get; init; }

    /// <summary>New autoreply settings (replace the old ones and restart the sender log).</summary>
    public AutoreplySettings? Autoreply { get; init; }

    /// <summary>New <see cref="ForwardedAddressRecord.ForwardedDisabled"/>.</summary>
    public bool? ForwardedDisabled { get; init; }
}

/// <summary>
/// What an address resolved to (reference §6.2): a user's address, or — WildDuck's "result without a
/// user field" — a forwarded address. Exactly one of the two is set.
/// </summary>
public sealed record ResolvedAddress
{
    private ResolvedAddress(AddressRecord? userAddress, ForwardedAddressRecord? forwarded)
    {
        UserAddress = userAddress;
        Forwarded = forwarded;
    }

    /// <summary>The user's address, when a user owns the match.</summary>
    public AddressRecord? UserAddress { get; }

    /// <summary>The forwarded address, when the match has no user.</summary>
    public ForwardedAddressRecord? Forwarded { get; }

    /// <summary>A match owned by a user.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The result.</returns>
    public static ResolvedAddress OfUser(AddressRecord address) => new(address ?? throw new ArgumentNullException(nameof(address)), null);

    /// <summary>A match that is a forwarded address.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The result.</returns>
    public static ResolvedAddress OfForwarded(ForwardedAddressRecord address) => new(null, address ?? throw new ArgumentNullException(nameof(address)));
}
