// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// An application-specific password as stored (WildDuck's <c>asps</c> document, reference §1.2 and §7.3): only
/// its hash, never the password, which the user sees once when it is created.
/// </summary>
public sealed record AspRecord
{
    /// <summary>The id.</summary>
    public required EntityId Id { get; init; }

    /// <summary>The owner.</summary>
    public required UserId User { get; init; }

    /// <summary>What the password is for, as the user named it.</summary>
    public required string Description { get; init; }

    /// <summary>
    /// The services the password opens: <c>["*"]</c> (all), or a sorted subset of <c>imap</c>, <c>pop3</c>,
    /// <c>smtp</c>. Never the master scope (reference §7.2 step 9).
    /// </summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The password hash (PHC string).</summary>
    public required string PasswordHash { get; init; }

    /// <summary>
    /// A one- or two-character hex bucket derived from the password (WildDuck's <c>selector</c>), so a login
    /// verifies only the hashes of its bucket instead of every password of the user.
    /// </summary>
    public string Selector { get; init; } = string.Empty;

    /// <summary>When the password was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>The last successful login with it (WildDuck <c>used</c>); null when never used.</summary>
    public DateTimeOffset? LastUse { get; init; }

    /// <summary>The client IP of that login (WildDuck <c>authIp</c>).</summary>
    public string? LastIp { get; init; }

    /// <summary>Inactivity lifetime: each use moves <see cref="Expires"/> to the use time plus this; null for none.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>When the password stops working; null for never.</summary>
    public DateTimeOffset? Expires { get; init; }
}

/// <summary>Application-specific passwords (reference §7.3).</summary>
public interface IAspStore
{
    /// <summary>
    /// Stores a new password. <see cref="StorageError.NotFound"/> when the user does not exist,
    /// <see cref="StorageError.Limit"/> when the user already has <paramref name="limit"/> unexpired passwords.
    /// The user's expired passwords are deleted first.
    /// </summary>
    Task CreateAspAsync(AspRecord asp, int limit, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The user's passwords that are unexpired at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<AspRecord>> ListAspsAsync(UserId user, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>One of the user's passwords; null when unknown, another user's, or expired at <paramref name="now"/>.</summary>
    Task<AspRecord?> GetAspAsync(UserId user, EntityId id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes one of the user's passwords; false when it did not exist. Deleting the user deletes them all.</summary>
    Task<bool> DeleteAspAsync(UserId user, EntityId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a successful login: <see cref="AspRecord.LastUse"/> and <see cref="AspRecord.LastIp"/>, and for a
    /// password with a <see cref="AspRecord.Ttl"/> moves <see cref="AspRecord.Expires"/> to <paramref name="time"/>
    /// plus the TTL. False when the password no longer exists.
    /// </summary>
    Task<bool> RecordAspUseAsync(UserId user, EntityId id, DateTimeOffset time, string? remoteAddress, CancellationToken cancellationToken = default);
}
