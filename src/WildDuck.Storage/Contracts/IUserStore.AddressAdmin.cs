// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Administration of user addresses across users (reference §8.3 "Addresses").</summary>
public partial interface IUserStore
{
    /// <summary>
    /// Lists user addresses of every user ordered by address view, after
    /// <paramref name="afterAddressView"/> when given; <paramref name="query"/> keeps the addresses whose
    /// display form contains it (case-insensitive, matched literally).
    /// </summary>
    Task<IReadOnlyList<AddressRecord>> ListAllAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Updates one of a user's addresses; null when the user has no such address. A new
    /// <see cref="AddressUpdate.Address"/> is normalised like an added address (the main address keeps
    /// <c>users.address</c> equal to it); <see cref="StorageError.AlreadyExists"/> when it is taken,
    /// <see cref="StorageError.Invalid"/> when it is not an address or a catch-all would become (or
    /// stay) the main address.
    /// </summary>
    Task<AddressRecord?> UpdateAddressAsync(UserId user, EntityId address, AddressUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves every address at <paramref name="oldDomain"/>, users' and forwarded ones, to
    /// <paramref name="newDomain"/> (the local part stays; main addresses update <c>users.address</c>).
    /// Each address moves on its own: one whose new form is already taken stays where it is and is
    /// listed in <see cref="DomainRenameResult.Conflicts"/>. <see cref="StorageError.Invalid"/> for a
    /// domain that is not a domain name.
    /// </summary>
    Task<DomainRenameResult> RenameAddressDomainAsync(string oldDomain, string newDomain, CancellationToken cancellationToken = default);
}

/// <summary>A partial update of a user's address; null members stay as they are.</summary>
public sealed record AddressUpdate
{
    /// <summary>The new address (a rename), normalised by the store.</summary>
    public string? Address { get; init; }

    /// <summary>The identity name shown with the address; <c>""</c> removes it.</summary>
    public string? Name { get; init; }

    /// <summary>True makes it the user's main address (the previous main address stops being main).</summary>
    public bool MakeMain { get; init; }
}

/// <summary>What <see cref="IUserStore.RenameAddressDomainAsync"/> changed.</summary>
/// <param name="Renamed">Addresses moved to the new domain.</param>
/// <param name="MainAddresses">How many of those were main addresses (their users' <c>address</c> changed too).</param>
/// <param name="Conflicts">Addresses left at the old domain because their new form is already taken, in ordinal order.</param>
public sealed record DomainRenameResult(int Renamed, int MainAddresses, IReadOnlyList<string> Conflicts);
