// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.MongoDB;

public sealed partial class MongoMailStore
{
    // FOUNDATION: the first engineer replaces these with the implementation right after the foundation commit.
    private const string FoundationMessage = "MongoDB store: not yet implemented (foundation)";

    /// <inheritdoc />
    public Task<UserRecord> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(UserId id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<UserRecord?> FindUserAsync(string usernameOrAddress, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(int limit, string? afterUsername = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<UserRecord?> UpdateUserAsync(UserId id, UserUpdate update, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> DeleteUserAsync(UserId id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<AddressRecord> AddAddressAsync(UserId user, string address, bool main = false, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<IReadOnlyList<AddressRecord>> ListAddressesAsync(UserId user, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> DeleteAddressAsync(UserId user, EntityId address, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<AddressRecord?> ResolveAddressAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task AddDomainAliasAsync(DomainAlias alias, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);

    /// <inheritdoc />
    public Task<bool> DeleteDomainAliasAsync(string alias, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(FoundationMessage);
}
