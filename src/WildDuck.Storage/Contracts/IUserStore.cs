// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>Users, their addresses and domain aliases.</summary>
public partial interface IUserStore
{
    /// <summary>
    /// Creates a user with INBOX, Drafts, Sent Mail, Junk and Trash and its main address, atomically.
    /// Throws <see cref="StorageException"/> with <see cref="StorageError.AlreadyExists"/> when the
    /// username (ignoring dots) or the address is taken, <see cref="StorageError.Invalid"/> for a bad name.
    /// </summary>
    Task<UserRecord> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a user by id.</summary>
    Task<UserRecord?> GetUserAsync(UserId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds a user by login name: a username (matched without dots) or one of the user's addresses
    /// (matched by the normalised address view, labels and dots ignored; reference §6.2).
    /// </summary>
    Task<UserRecord?> FindUserAsync(string usernameOrAddress, CancellationToken cancellationToken = default);

    /// <summary>Lists users ordered by username, after <paramref name="afterUsername"/> when given.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(int limit, string? afterUsername = null, CancellationToken cancellationToken = default);

    /// <summary>Applies a partial update; returns the updated user or null when it does not exist.</summary>
    Task<UserRecord?> UpdateUserAsync(UserId id, UserUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a user with everything it owns (mailboxes, messages, addresses, filters), releasing
    /// attachment references with the messages. Returns false when the user does not exist. A
    /// backend that bounds its transactions may first remove a large user's messages in several
    /// (each consistent); if one fails the user remains, and deleting it again finishes the job.
    /// </summary>
    Task<bool> DeleteUserAsync(UserId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds an address to a user; <see cref="StorageError.AlreadyExists"/> when taken. Catch-all
    /// forms with <c>*</c> in the local part (<c>*@domain</c>, <c>news*@domain</c>) are allowed except
    /// as the main address; they receive mail only where wildcard resolution is on.
    /// <paramref name="name"/> is the identity name shown with the address (trimmed; empty = none).
    /// </summary>
    Task<AddressRecord> AddAddressAsync(UserId user, string address, bool main = false, string? name = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a user's addresses.</summary>
    Task<IReadOnlyList<AddressRecord>> ListAddressesAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>Removes an address; the main address cannot be removed (<see cref="StorageError.Cannot"/>).</summary>
    Task<bool> DeleteAddressAsync(UserId user, EntityId address, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves a recipient address to its owner (reference §6.2): exact address view, then domain
    /// alias, then (when <paramref name="allowWildcard"/>) wildcard addresses. Null when unknown.
    /// </summary>
    Task<AddressRecord?> ResolveAddressAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default);

    /// <summary>Adds a domain alias.</summary>
    Task AddDomainAliasAsync(DomainAlias alias, CancellationToken cancellationToken = default);

    /// <summary>Lists the domain aliases ordered by alias.</summary>
    Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a domain alias.</summary>
    Task<bool> DeleteDomainAliasAsync(string alias, CancellationToken cancellationToken = default);
}
