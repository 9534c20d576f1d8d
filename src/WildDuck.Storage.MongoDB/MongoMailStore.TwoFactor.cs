// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB;

/// <summary>
/// Two-factor state in the user document as WildDuck keeps it (<c>enabled2fa</c>, <c>seed</c>,
/// <c>pendingSeed</c>, <c>pendingSeedChanged</c>, <c>webauthn.credentials</c>; reference §1.2, §7.4)
/// plus <c>totpLastStep</c>, and pending ceremonies in <c>webauthnchallenges</c>. Every change is one
/// single-document atomic update. Enabling the first method bumps <c>authVersion</c> in the same
/// update: the filter says whether the user has no method yet (<c>enabled2fa.0</c> absent), and when
/// a concurrent change made that guess wrong the other variant is tried.
/// </summary>
public sealed partial class MongoMailStore : ITwoFactorStore
{
    /// <summary>Rounds of the "no method yet" / "some method" guess before giving up as a conflict.</summary>
    private const int FirstMethodAttempts = 3;

    /// <summary>"No method yet" first: the usual case when a user enables 2FA.</summary>
    private static readonly bool[] FirstMethodGuesses = { true, false };

    /// <inheritdoc />
    public Task<TwoFactorState?> GetTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct =>
            {
                var document = await _context.Users.FindWith(null, UserById(MongoIds.ToObjectId(user)), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
                return document is null ? null : ToTwoFactorState(document);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPendingTotpSeedAsync(UserId user, string seed, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(seed);
        return RunDirectAsync(
            async ct => (await _context.Users.UpdateOneWithAsync(null, UserById(MongoIds.ToObjectId(user)), TotpSetupUpdate(seed, MongoMapping.ToBsonDate(now)), null, ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord?> EnableTotpAsync(UserId user, string pendingSeed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pendingSeed);
        var id = MongoIds.ToObjectId(user);
        return RunDirectAsync(
            ct => AddMethodAsync(
                id,
                first => TotpEnableFilter(id, pendingSeed, first),
                first => TotpEnableUpdate(pendingSeed, first),

                // Neither variant matched: the user is gone or its pending secret changed, unless the
                // method list changed between the two tries.
                document => document.PendingSeed == pendingSeed,
                ct),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryUseTotpStepAsync(UserId user, long timeStep, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Users.UpdateOneWithAsync(null, TotpStepUnused(MongoIds.ToObjectId(user), timeStep), TotpStepUse(timeStep), null, ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> DisableTotpAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(ct => FindAndUpdateUserAsync(UserById(MongoIds.ToObjectId(user)), TotpDisableUpdate(), ct), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> DisableTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(ct => FindAndUpdateUserAsync(UserById(MongoIds.ToObjectId(user)), TwoFactorDisableUpdate(), ct), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> EnableCustomTwoFactorAsync(UserId user, CancellationToken cancellationToken = default)
    {
        var id = MongoIds.ToObjectId(user);

        // Neither variant matched only when the method list moved between them: try again.
        return RunDirectAsync(ct => AddMethodAsync(id, first => UserById(id) & SecondFactors(none: first), CustomEnableUpdate, _ => true, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord?> DisableCustomTwoFactorAsync(UserId user, CancellationToken cancellationToken = default) =>
        RunDirectAsync(ct => FindAndUpdateUserAsync(UserById(MongoIds.ToObjectId(user)), CustomDisableUpdate(), ct), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> AddWebAuthnCredentialAsync(UserId user, WebAuthnCredentialRecord credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var id = MongoIds.ToObjectId(user);
        var document = ToWebAuthnCredentialDocument(credential);
        return RunDirectAsync(
            ct => AddMethodAsync(
                id,
                first => WebAuthnAddFilter(id, document.RawId, first),
                first => WebAuthnAddUpdate(document, first),
                current => current.WebAuthn?.Credentials.Any(c => c.RawId.AsSpan().SequenceEqual(document.RawId)) == true
                    ? throw new StorageException(StorageError.AlreadyExists, "The credential is registered already.")
                    : true,
                ct),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateWebAuthnSignCountAsync(UserId user, EntityId credential, uint signCount, CancellationToken cancellationToken = default) =>
        RunDirectAsync(
            async ct => (await _context.Users.UpdateOneWithAsync(
                null,
                WebAuthnCredentialOfUser(MongoIds.ToObjectId(user), MongoIds.ToObjectId(credential)),
                WebAuthnCounterUpdate(signCount),
                null,
                ct).ConfigureAwait(false)).MatchedCount > 0,
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Two updates: the credential is pulled, then <c>webauthn</c> is pulled from <c>enabled2fa</c> only
    /// while no credential is left (a concurrent registration in between keeps the method).
    /// </remarks>
    public Task<bool> DeleteWebAuthnCredentialAsync(UserId user, EntityId credential, CancellationToken cancellationToken = default)
    {
        var id = MongoIds.ToObjectId(user);
        var credentialId = MongoIds.ToObjectId(credential);
        return RunDirectAsync(
            async ct =>
            {
                var pulled = await _context.Users.UpdateOneWithAsync(null, WebAuthnCredentialOfUser(id, credentialId), WebAuthnRemoveUpdate(credentialId), null, ct).ConfigureAwait(false);
                if (pulled.MatchedCount == 0)
                {
                    return false;
                }

                await _context.Users.UpdateOneWithAsync(null, WebAuthnNoCredentialLeft(id), WebAuthnMethodRemove(), null, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveWebAuthnChallengeAsync(WebAuthnChallengeRecord challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var document = ToWebAuthnChallengeDocument(challenge);
        return RunDirectAsync(
            async ct =>
            {
                await RequireUserAsync(null, document.User, ct).ConfigureAwait(false);
                await InsertUniqueAsync(_context.WebAuthnChallenges, null, document, "The challenge exists.", ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<WebAuthnChallengeRecord?> TakeWebAuthnChallengeAsync(UserId user, string challenge, string kind, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(kind);
        return RunDirectAsync(
            async ct =>
            {
                var document = await _context.WebAuthnChallenges.FindOneAndDeleteWithAsync(null, WebAuthnChallengeOfUser(challenge, MongoIds.ToObjectId(user), kind), ct).ConfigureAwait(false);
                return document is null || MongoMapping.FromBsonDate(document.Expires) <= now ? null : ToWebAuthnChallengeRecord(document);
            },
            cancellationToken);
    }

    /// <summary>
    /// Applies a change that enables a method: first as if the user had none (with the auth-version
    /// bump), then as if it had some. When neither matches, <paramref name="stillApplies"/> says, from
    /// the current document, whether the change can still apply (the method list moved meanwhile:
    /// try again) or not (null). A missing user is null.
    /// </summary>
    private async Task<UserRecord?> AddMethodAsync(
        ObjectId user,
        Func<bool, FilterDefinition<UserDocument>> filter,
        Func<bool, UpdateDefinition<UserDocument>> update,
        Func<UserDocument, bool> stillApplies,
        CancellationToken ct)
    {
        for (int attempt = 0; attempt < FirstMethodAttempts; attempt++)
        {
            foreach (var first in FirstMethodGuesses)
            {
                var after = await FindAndUpdateUserAsync(filter(first), update(first), ct).ConfigureAwait(false);
                if (after is not null)
                {
                    return after;
                }
            }

            var current = await _context.Users.FindWith(null, UserById(user), UsersFind()).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (current is null || !stillApplies(current))
            {
                return null;
            }
        }

        throw new StorageException(StorageError.Conflict, "The 2FA settings changed concurrently.");
    }

    private async Task<UserRecord?> FindAndUpdateUserAsync(FilterDefinition<UserDocument> filter, UpdateDefinition<UserDocument> update, CancellationToken ct)
    {
        var after = await _context.Users.FindOneAndUpdateWithAsync(
            null,
            filter,
            update,
            new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After, MaxTime = _context.UsersTimeLimit },
            ct).ConfigureAwait(false);
        return after is null ? null : ToUserRecord(after);
    }

    // ------------------------------------------------------------------ filters and updates (unit-tested as rendered BSON)

    /// <summary><c>{'enabled2fa.0': {$exists: false}}</c> when <paramref name="none"/>, else <c>{$exists: true}</c>: whether any method is on (a missing field counts as none).</summary>
    internal static FilterDefinition<UserDocument> SecondFactors(bool none) =>
        Builders<UserDocument>.Filter.Exists("enabled2fa.0", !none);

    /// <summary><c>{$set: {pendingSeed, pendingSeedChanged}}</c>.</summary>
    internal static UpdateDefinition<UserDocument> TotpSetupUpdate(string seed, DateTime now) =>
        Builders<UserDocument>.Update.Set(u => u.PendingSeed, seed).Set(u => u.PendingSeedChanged, now);

    /// <summary><c>{_id, pendingSeed, 'enabled2fa.0': {$exists: !first}}</c>.</summary>
    internal static FilterDefinition<UserDocument> TotpEnableFilter(ObjectId user, string pendingSeed, bool first) =>
        UserById(user) & Builders<UserDocument>.Filter.Eq(u => u.PendingSeed, pendingSeed) & SecondFactors(none: first);

    /// <summary>The pending secret becomes the secret, <c>totp</c> is added, and for the first method <c>authVersion</c> is incremented.</summary>
    internal static UpdateDefinition<UserDocument> TotpEnableUpdate(string pendingSeed, bool first)
    {
        var builder = Builders<UserDocument>.Update;
        var update = builder.Set(u => u.Seed, pendingSeed)
            .Unset(u => u.PendingSeed)
            .Unset(u => u.PendingSeedChanged)
            .AddToSet(u => u.Enabled2fa, TwoFactorMethod.Totp);
        return first ? update.Inc(u => u.AuthVersion, 1) : update;
    }

    /// <summary><c>{_id, totpLastStep: {$not: {$gte: step}}}</c>: the step is later than any used (a missing field matches).</summary>
    internal static FilterDefinition<UserDocument> TotpStepUnused(ObjectId user, long step) =>
        UserById(user) & Builders<UserDocument>.Filter.Not(Builders<UserDocument>.Filter.Gte(u => u.TotpLastStep, step));

    /// <summary><c>{$set: {totpLastStep}}</c>.</summary>
    internal static UpdateDefinition<UserDocument> TotpStepUse(long step) => Builders<UserDocument>.Update.Set(u => u.TotpLastStep, step);

    /// <summary>
    /// Clears both secrets and pulls <c>totp</c>. The replay guard stays: time steps only grow, so a
    /// later secret never needs it reset.
    /// </summary>
    internal static UpdateDefinition<UserDocument> TotpDisableUpdate() =>
        Builders<UserDocument>.Update.Unset(u => u.Seed)
            .Unset(u => u.PendingSeed)
            .Unset(u => u.PendingSeedChanged)
            .Pull(u => u.Enabled2fa, TwoFactorMethod.Totp);

    /// <summary><c>{$addToSet: {enabled2fa: 'custom'}}</c>, and for the first method <c>$inc: {authVersion: 1}</c>.</summary>
    internal static UpdateDefinition<UserDocument> CustomEnableUpdate(bool first)
    {
        var update = Builders<UserDocument>.Update.AddToSet(u => u.Enabled2fa, TwoFactorMethod.Custom);
        return first ? update.Inc(u => u.AuthVersion, 1) : update;
    }

    /// <summary><c>{$pull: {enabled2fa: 'custom'}}</c>.</summary>
    internal static UpdateDefinition<UserDocument> CustomDisableUpdate() => Builders<UserDocument>.Update.Pull(u => u.Enabled2fa, TwoFactorMethod.Custom);

    /// <summary>WildDuck's <c>disable2fa</c>: no method, no secret, no credential.</summary>
    internal static UpdateDefinition<UserDocument> TwoFactorDisableUpdate() =>
        Builders<UserDocument>.Update.Set(u => u.Enabled2fa, new List<string>())
            .Unset(u => u.Seed)
            .Unset(u => u.PendingSeed)
            .Unset(u => u.PendingSeedChanged)
            .Set(u => u.WebAuthn, new WebAuthnDocument());

    /// <summary><c>{_id, 'webauthn.credentials.rawId': {$ne: rawId}, 'enabled2fa.0': {$exists: !first}}</c>.</summary>
    internal static FilterDefinition<UserDocument> WebAuthnAddFilter(ObjectId user, byte[] rawId, bool first) =>
        UserById(user) & Builders<UserDocument>.Filter.Ne("webauthn.credentials.rawId", new BsonBinaryData(rawId)) & SecondFactors(none: first);

    /// <summary>Pushes the credential, adds <c>webauthn</c>, and for the first method increments <c>authVersion</c>.</summary>
    internal static UpdateDefinition<UserDocument> WebAuthnAddUpdate(WebAuthnCredentialDocument credential, bool first)
    {
        var update = Builders<UserDocument>.Update.Push("webauthn.credentials", credential.ToBsonDocument())
            .AddToSet(u => u.Enabled2fa, TwoFactorMethod.WebAuthn);
        return first ? update.Inc(u => u.AuthVersion, 1) : update;
    }

    /// <summary><c>{_id, 'webauthn.credentials._id': credential}</c>.</summary>
    internal static FilterDefinition<UserDocument> WebAuthnCredentialOfUser(ObjectId user, ObjectId credential) =>
        UserById(user) & Builders<UserDocument>.Filter.Eq("webauthn.credentials._id", credential);

    /// <summary><c>{$set: {'webauthn.credentials.$.counter': count}}</c> (the element the filter matched).</summary>
    internal static UpdateDefinition<UserDocument> WebAuthnCounterUpdate(uint signCount) =>
        Builders<UserDocument>.Update.Set("webauthn.credentials.$.counter", (long)signCount);

    /// <summary><c>{$pull: {'webauthn.credentials': {_id: credential}}}</c>.</summary>
    internal static UpdateDefinition<UserDocument> WebAuthnRemoveUpdate(ObjectId credential) =>
        Builders<UserDocument>.Update.PullFilter("webauthn.credentials", Builders<BsonDocument>.Filter.Eq("_id", credential));

    /// <summary><c>{_id, 'webauthn.credentials.0': {$exists: false}}</c>.</summary>
    internal static FilterDefinition<UserDocument> WebAuthnNoCredentialLeft(ObjectId user) =>
        UserById(user) & Builders<UserDocument>.Filter.Exists("webauthn.credentials.0", false);

    /// <summary><c>{$pull: {enabled2fa: 'webauthn'}}</c>.</summary>
    internal static UpdateDefinition<UserDocument> WebAuthnMethodRemove() => Builders<UserDocument>.Update.Pull(u => u.Enabled2fa, TwoFactorMethod.WebAuthn);

    /// <summary><c>{_id: challenge, user, kind}</c>.</summary>
    internal static FilterDefinition<WebAuthnChallengeDocument> WebAuthnChallengeOfUser(string challenge, ObjectId user, string kind) =>
        Builders<WebAuthnChallengeDocument>.Filter.Eq(c => c.Id, challenge)
        & Builders<WebAuthnChallengeDocument>.Filter.Eq(c => c.User, user)
        & Builders<WebAuthnChallengeDocument>.Filter.Eq(c => c.Kind, kind);

    /// <summary><c>{user}</c>: a user's ceremonies, deleted with the user.</summary>
    internal static FilterDefinition<WebAuthnChallengeDocument> WebAuthnChallengesOfUser(ObjectId user) =>
        Builders<WebAuthnChallengeDocument>.Filter.Eq(c => c.User, user);

    // ------------------------------------------------------------------ mapping

    /// <summary>The methods this store knows; WildDuck's legacy <c>u2f</c> is dropped as WildDuck 2025 does.</summary>
    internal static string[] ToMethods(List<string>? enabled) =>
        enabled?.Where(m => m != "u2f").ToArray() ?? Array.Empty<string>();

    internal static TwoFactorState ToTwoFactorState(UserDocument document) => new()
    {
        Enabled = ToMethods(document.Enabled2fa),
        TotpSeed = document.Seed,
        PendingTotpSeed = document.PendingSeed,
        PendingTotpSeedChanged = document.PendingSeedChanged is { } changed ? MongoMapping.FromBsonDate(changed) : null,
        WebAuthnCredentials = document.WebAuthn?.Credentials.Select(ToWebAuthnCredentialRecord).ToArray() ?? Array.Empty<WebAuthnCredentialRecord>(),
    };

    internal static WebAuthnCredentialDocument ToWebAuthnCredentialDocument(WebAuthnCredentialRecord credential) => new()
    {
        Id = MongoIds.ToObjectId(credential.Id),
        RawId = credential.CredentialId,
        PublicKey = credential.PublicKey,
        Counter = credential.SignCount,
        RpId = credential.RpId,
        Description = credential.Description,
        AuthenticatorAttachment = credential.AuthenticatorAttachment,
        Created = MongoMapping.ToBsonDate(credential.Created),
    };

    internal static WebAuthnCredentialRecord ToWebAuthnCredentialRecord(WebAuthnCredentialDocument document) => new()
    {
        Id = MongoIds.ToEntityId(document.Id),
        CredentialId = document.RawId,
        PublicKey = document.PublicKey,
        SignCount = (uint)Math.Clamp(document.Counter, 0, uint.MaxValue),
        RpId = document.RpId,
        Description = document.Description,
        AuthenticatorAttachment = document.AuthenticatorAttachment,
        Created = MongoMapping.FromBsonDate(document.Created),
    };

    internal static WebAuthnChallengeDocument ToWebAuthnChallengeDocument(WebAuthnChallengeRecord challenge) => new()
    {
        Id = challenge.Challenge,
        User = MongoIds.ToObjectId(challenge.User),
        Kind = challenge.Kind,
        Options = challenge.Options,
        Description = challenge.Description,
        AuthenticatorAttachment = challenge.AuthenticatorAttachment,
        Expires = MongoMapping.ToBsonDate(challenge.Expires),
    };

    internal static WebAuthnChallengeRecord ToWebAuthnChallengeRecord(WebAuthnChallengeDocument document) => new()
    {
        Challenge = document.Id,
        User = MongoIds.ToUserId(document.User),
        Kind = document.Kind,
        Options = document.Options,
        Description = document.Description,
        AuthenticatorAttachment = document.AuthenticatorAttachment,
        Expires = MongoMapping.FromBsonDate(document.Expires),
    };
}
