// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage.Addressing;

namespace WildDuck.Storage.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Just enough of <see cref="IUserStore"/> for the authenticator tests.</summary>
internal sealed class InMemoryUserStore : IUserStore
{
    private readonly Dictionary<UserId, UserRecord> _users = [];

    public List<(UserId Id, UserUpdate Update)> Updates { get; } = [];

    public bool FailUpdates { get; set; }

    public UserRecord Add(string username, string passwordHash, Func<UserRecord, UserRecord>? configure = null)
    {
        var user = new UserRecord
        {
            Id = UserId.NewId(),
            Username = username,
            UsernameView = AddressNormalizer.UsernameView(username),
            Address = username + "@example.com",
            PasswordHash = passwordHash,
        };
        user = configure?.Invoke(user) ?? user;
        _users[user.Id] = user;
        return user;
    }

    public UserRecord Get(UserId id) => _users[id];

    public Task<UserRecord?> FindUserAsync(string usernameOrAddress, CancellationToken cancellationToken = default)
    {
        string key = usernameOrAddress.Contains('@', StringComparison.Ordinal)
            ? AddressNormalizer.AddressView(usernameOrAddress)
            : AddressNormalizer.UsernameView(usernameOrAddress);
        UserRecord? user = _users.Values.FirstOrDefault(u =>
            u.UsernameView == key || (u.Address is not null && AddressNormalizer.AddressView(u.Address) == key));
        return Task.FromResult(user);
    }

    public Task<UserRecord?> GetUserAsync(UserId id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_users.TryGetValue(id, out UserRecord? user) ? user : null);

    public Task<UserRecord?> UpdateUserAsync(UserId id, UserUpdate update, CancellationToken cancellationToken = default)
    {
        if (FailUpdates)
        {
            throw new StorageException(StorageError.Invalid, "update failed");
        }

        Updates.Add((id, update));
        if (!_users.TryGetValue(id, out UserRecord? user))
        {
            return Task.FromResult<UserRecord?>(null);
        }

        if (update.PasswordHash is not null)
        {
            user = user with { PasswordHash = update.PasswordHash, AuthVersion = user.AuthVersion + 1 };
        }

        _users[id] = user;
        return Task.FromResult<UserRecord?>(user);
    }

    public Task<UserRecord> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(int limit, string? afterUsername = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteUserAsync(UserId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<AddressRecord> AddAddressAsync(UserId user, string address, bool main = false, string? name = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<AddressRecord>> ListAddressesAsync(UserId user, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAddressAsync(UserId user, EntityId address, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<AddressRecord?> ResolveAddressAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task AddDomainAliasAsync(DomainAlias alias, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteDomainAliasAsync(string alias, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ForwardedAddressRecord> CreateForwardedAddressAsync(CreateForwardedAddressRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ForwardedAddressRecord?> GetForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<ForwardedAddressRecord>> ListForwardedAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ForwardedAddressRecord?> UpdateForwardedAddressAsync(EntityId id, ForwardedAddressUpdate update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteForwardedAddressAsync(EntityId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ResolvedAddress?> ResolveRecipientAsync(string address, bool allowWildcard = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> TryRecordForwardedAutoreplyAsync(EntityId address, string sender, DateTimeOffset now, TimeSpan interval, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<AddressRecord>> ListAllAddressesAsync(int limit, string? afterAddressView = null, string? query = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<AddressRecord?> UpdateAddressAsync(UserId user, EntityId address, AddressUpdate update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<DomainRenameResult> RenameAddressDomainAsync(string oldDomain, string newDomain, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
