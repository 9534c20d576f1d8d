// SPDX-License-Identifier: MIT
using System;
using System.Text;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage;

/// <summary>
/// The input rules of the address administration calls (<see cref="IUserStore.UpdateAddressAsync"/>,
/// <see cref="IUserStore.ListAllAddressesAsync"/>, <see cref="IUserStore.RenameAddressDomainAsync"/>),
/// shared by the backends so that they cannot drift apart.
/// </summary>
internal static class AddressAdminRules
{
    /// <summary>The text a list query matches literally: trimmed, NFC, lowercased like stored addresses; null for none.</summary>
    public static string? QueryNeedle(string? query) =>
        string.IsNullOrWhiteSpace(query) ? null : query.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant();

    /// <summary>A domain argument of a rename, normalised; <see cref="StorageError.Invalid"/> when it is not a domain name.</summary>
    public static string Domain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var normalized = AddressNormalizer.NormalizeDomain(domain);
        if (!AddressNormalizer.IsValidAddress("postmaster@" + normalized))
        {
            throw new StorageException(StorageError.Invalid, "Invalid domain name.");
        }

        return normalized;
    }

    /// <summary>The address with its domain replaced (the local part stays as stored).</summary>
    public static string MoveToDomain(string address, string newDomain)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address[..address.LastIndexOf('@')] + "@" + newDomain;
    }

    /// <summary>The suffix every address view at <paramref name="domain"/> ends with.</summary>
    public static string DomainSuffix(string domain) => "@" + domain;

    /// <summary>
    /// What an update makes of an address: whether it is main afterwards and its (normalised) form.
    /// <see cref="StorageError.Invalid"/> for a new form that is not an address, and for a catch-all
    /// that would be main (reference §8.3: "a wildcard address cannot be main").
    /// </summary>
    public static (bool Main, string Address) Plan(AddressRecord current, AddressUpdate update)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(update);
        bool main = current.Main || update.MakeMain;
        var address = update.Address is null ? current.Address : StoreRules.NewAddress(update.Address, main);
        if (main && address.Contains('*', StringComparison.Ordinal))
        {
            throw new StorageException(StorageError.Invalid, "A catch-all address cannot be the main address.");
        }

        return (main, address);
    }

    /// <summary>The identity name to store: trimmed, null for an empty one (the name is removed).</summary>
    public static string? Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}
