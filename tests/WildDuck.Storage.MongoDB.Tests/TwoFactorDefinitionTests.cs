// SPDX-License-Identifier: MIT
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson.Serialization;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// The 2FA store without a server: the BSON of every filter and update, WildDuck's element names
/// in the user document, the challenge collection and its indexes, and the record mappings.
/// </summary>
public sealed class TwoFactorDefinitionTests
{
    private const string UserHex = "65a1f0c2e4b0a1b2c3d4e5f7";
    private const string CredentialHex = "65a1f0c2e4b0a1b2c3d4e5f8";
    private static readonly ObjectId User = ObjectId.Parse(UserHex);
    private static readonly ObjectId CredentialId = ObjectId.Parse(CredentialHex);
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc);

    [Fact]
    public void Setup_stores_the_pending_seed_with_its_time()
    {
        Update(MongoMailStore.TotpSetupUpdate("SEALED", When)).ShouldBe(Json(
            "{ $set: { pendingSeed: 'SEALED', pendingSeedChanged: ISODate('2026-11-29T06:00:00.123Z') } }"));
    }

    [Fact]
    public void Enabling_totp_matches_the_verified_pending_seed_and_bumps_the_auth_version_only_for_the_first_method()
    {
        Filter(MongoMailStore.TotpEnableFilter(User, "SEALED", first: true)).ShouldBe(Json(
            $"{{ _id: ObjectId('{UserHex}'), pendingSeed: 'SEALED', 'enabled2fa.0': {{ $exists: false }} }}"));
        Filter(MongoMailStore.TotpEnableFilter(User, "SEALED", first: false)).ShouldBe(Json(
            $"{{ _id: ObjectId('{UserHex}'), pendingSeed: 'SEALED', 'enabled2fa.0': {{ $exists: true }} }}"));
        Update(MongoMailStore.TotpEnableUpdate("SEALED", first: true)).ShouldBe(Json(
            "{ $set: { seed: 'SEALED' }, $unset: { pendingSeed: 1, pendingSeedChanged: 1 }, $addToSet: { enabled2fa: 'totp' }, $inc: { authVersion: 1 } }"));
        Update(MongoMailStore.TotpEnableUpdate("SEALED", first: false)).ShouldBe(Json(
            "{ $set: { seed: 'SEALED' }, $unset: { pendingSeed: 1, pendingSeedChanged: 1 }, $addToSet: { enabled2fa: 'totp' } }"));
    }

    [Fact]
    public void The_replay_guard_is_a_compare_and_set_on_the_last_step()
    {
        Filter(MongoMailStore.TotpStepUnused(User, 58_000_000)).ShouldBe(Json(
            $"{{ _id: ObjectId('{UserHex}'), totpLastStep: {{ $not: {{ $gte: NumberLong(58000000) }} }} }}"));
        Update(MongoMailStore.TotpStepUse(58_000_000)).ShouldBe(Json("{ $set: { totpLastStep: NumberLong(58000000) } }"));
    }

    [Fact]
    public void Disabling_clears_secrets_and_methods()
    {
        Update(MongoMailStore.TotpDisableUpdate()).ShouldBe(Json(
            "{ $unset: { seed: 1, pendingSeed: 1, pendingSeedChanged: 1 }, $pull: { enabled2fa: 'totp' } }"));
        Update(MongoMailStore.TwoFactorDisableUpdate()).ShouldBe(Json(
            "{ $set: { enabled2fa: [], webauthn: { credentials: [] } }, $unset: { seed: 1, pendingSeed: 1, pendingSeedChanged: 1 } }"));
    }

    [Fact]
    public void Custom_2fa_is_a_marker_added_to_the_set_and_pulled()
    {
        Update(MongoMailStore.CustomEnableUpdate(first: true)).ShouldBe(Json("{ $addToSet: { enabled2fa: 'custom' }, $inc: { authVersion: 1 } }"));
        Update(MongoMailStore.CustomEnableUpdate(first: false)).ShouldBe(Json("{ $addToSet: { enabled2fa: 'custom' } }"));
        Update(MongoMailStore.CustomDisableUpdate()).ShouldBe(Json("{ $pull: { enabled2fa: 'custom' } }"));
    }

    [Fact]
    public void A_credential_is_pushed_unless_its_raw_id_is_there_and_the_last_one_pulls_the_method()
    {
        var credential = new WebAuthnCredentialDocument
        {
            Id = CredentialId,
            RawId = new byte[] { 1, 2, 3 },
            PublicKey = new byte[] { 0xa5 },
            Counter = 7,
            RpId = "mail.example.test",
            Description = "key",
            Created = When,
        };
        Filter(MongoMailStore.WebAuthnAddFilter(User, new byte[] { 1, 2, 3 }, first: true)).ShouldBe(Json(
            $"{{ _id: ObjectId('{UserHex}'), 'webauthn.credentials.rawId': {{ $ne: BinData(0, 'AQID') }}, 'enabled2fa.0': {{ $exists: false }} }}"));
        Update(MongoMailStore.WebAuthnAddUpdate(credential, first: true)).ShouldBe(Json($$"""
            { $push: { 'webauthn.credentials': { _id: ObjectId('{{CredentialHex}}'), rawId: BinData(0, 'AQID'), publicKey: BinData(0, 'pQ=='),
                counter: NumberLong(7), type: 'public-key', rpId: 'mail.example.test', description: 'key', created: ISODate('2026-11-29T06:00:00.123Z') } },
              $addToSet: { enabled2fa: 'webauthn' }, $inc: { authVersion: 1 } }
            """));
        Filter(MongoMailStore.WebAuthnCredentialOfUser(User, CredentialId)).ShouldBe(Json(
            $"{{ _id: ObjectId('{UserHex}'), 'webauthn.credentials._id': ObjectId('{CredentialHex}') }}"));
        Update(MongoMailStore.WebAuthnCounterUpdate(42)).ShouldBe(Json("{ $set: { 'webauthn.credentials.$.counter': NumberLong(42) } }"));
        Update(MongoMailStore.WebAuthnRemoveUpdate(CredentialId)).ShouldBe(Json(
            $"{{ $pull: {{ 'webauthn.credentials': {{ _id: ObjectId('{CredentialHex}') }} }} }}"));
        Filter(MongoMailStore.WebAuthnNoCredentialLeft(User)).ShouldBe(Json(
            $"{{ _id: ObjectId('{UserHex}'), 'webauthn.credentials.0': {{ $exists: false }} }}"));
        Update(MongoMailStore.WebAuthnMethodRemove()).ShouldBe(Json("{ $pull: { enabled2fa: 'webauthn' } }"));
    }

    [Fact]
    public void The_user_document_keeps_WildDucks_2fa_fields_and_reads_legacy_ones()
    {
        var bson = Json($$"""
            { _id: ObjectId('{{UserHex}}'), username: 'alice', unameview: 'alice', password: '', enabled2fa: ['totp', 'u2f', 'webauthn'],
              seed: 'SEED', pendingSeed: 'PENDING', pendingSeedChanged: ISODate('2026-11-29T06:00:00.123Z'), u2fKeyHandle: 'legacy',
              webauthn: { credentials: [ { _id: ObjectId('{{CredentialHex}}'), rawId: BinData(0, 'AQID'), publicKey: BinData(0, 'pQ=='), counter: 3,
                type: 'public-key', description: 'key', origin: 'https://mail.example.test', authenticatorAttachment: 'platform', created: ISODate('2026-11-29T06:00:00.123Z') } ] } }
            """);
        var document = BsonSerializer.Deserialize<UserDocument>(bson);
        MongoMailStore.ToUserRecord(document).Enabled2fa.Should().Equal("totp", "webauthn");
        var state = MongoMailStore.ToTwoFactorState(document);
        state.Enabled.Should().Equal("totp", "webauthn");
        state.TotpSeed.Should().Be("SEED");
        state.PendingTotpSeed.Should().Be("PENDING");
        state.PendingTotpSeedChanged.Should().Be(new DateTimeOffset(When));
        var credential = state.WebAuthnCredentials.Should().ContainSingle().Subject;
        credential.Id.Should().Be(MongoIds.ToEntityId(CredentialId));
        credential.CredentialId.Should().Equal(1, 2, 3);
        credential.SignCount.Should().Be(3);
        credential.AuthenticatorAttachment.Should().Be("platform");
        credential.RpId.Should().BeEmpty("WildDuck's credentials have no rpId field");

        var plain = BsonSerializer.Deserialize<UserDocument>(Json($"{{ _id: ObjectId('{UserHex}'), username: 'bob', unameview: 'bob' }}"));
        MongoMailStore.ToTwoFactorState(plain).Should().BeEquivalentTo(new TwoFactorState());
        plain.ToBsonDocument().Names.Should().NotContain(new[] { "seed", "pendingSeed", "pendingSeedChanged", "totpLastStep", "webauthn" }, "absent values are not written");
    }

    [Fact]
    public void A_credential_record_maps_to_the_document_and_back()
    {
        var record = new WebAuthnCredentialRecord
        {
            Id = MongoIds.ToEntityId(CredentialId),
            CredentialId = new byte[] { 9, 8, 7 },
            PublicKey = new byte[] { 1 },
            SignCount = uint.MaxValue,
            RpId = "mail.example.test",
            Description = "key",
            AuthenticatorAttachment = null,
            Created = new DateTimeOffset(When),
        };
        var document = MongoMailStore.ToWebAuthnCredentialDocument(record);
        document.Counter.Should().Be(uint.MaxValue, "a 32-bit unsigned counter fits a long");
        MongoMailStore.ToWebAuthnCredentialRecord(BsonSerializer.Deserialize<WebAuthnCredentialDocument>(document.ToBsonDocument())).Should().BeEquivalentTo(record);
    }

    [Fact]
    public void Challenges_live_in_their_own_collection_keyed_by_the_challenge_with_a_TTL()
    {
        var record = new WebAuthnChallengeRecord
        {
            Challenge = "00ff",
            User = MongoIds.ToUserId(User),
            Kind = WebAuthnChallengeRecord.Registration,
            Options = "{}",
            Description = "key",
            Expires = new DateTimeOffset(When),
        };
        var bson = MongoMailStore.ToWebAuthnChallengeDocument(record).ToBsonDocument();
        bson.ShouldBe(Json($"{{ _id: '00ff', user: ObjectId('{UserHex}'), kind: 'reg', options: '{{}}', description: 'key', expires: ISODate('2026-11-29T06:00:00.123Z') }}"));
        MongoMailStore.ToWebAuthnChallengeRecord(BsonSerializer.Deserialize<WebAuthnChallengeDocument>(bson)).Should().BeEquivalentTo(record);

        Filter(MongoMailStore.WebAuthnChallengeOfUser("00ff", User, "auth")).ShouldBe(Json($"{{ _id: '00ff', user: ObjectId('{UserHex}'), kind: 'auth' }}"));
        Filter(MongoMailStore.WebAuthnChallengesOfUser(User)).ShouldBe(Json($"{{ user: ObjectId('{UserHex}') }}"));
        MongoContext.WebAuthnChallengesCollection.Should().Be("webauthnchallenges");
        MongoIndexes.WebAuthnChallenges.Select(m => (m.Options.Name, Keys(m.Keys).ToJson(), m.Options.ExpireAfter)).Should().Equal(
            ("user", "{ \"user\" : 1 }", (TimeSpan?)null),
            ("challenge_autoexpire", "{ \"expires\" : 1 }", TimeSpan.Zero));
    }

    [Fact]
    public void Tokens_are_confirmed_by_dropping_the_pending_flag_which_is_written_only_when_set()
    {
        Update(MongoMailStore.AccessTokenConfirm()).ShouldBe(Json("{ $unset: { pending2fa: 1 } }"));
        new AccessTokenDocument { Id = "h", Pending2fa = true }.ToBsonDocument()["pending2fa"].Should().Be(BsonBoolean.True);
        new AccessTokenDocument { Id = "h" }.ToBsonDocument().Contains("pending2fa").Should().BeFalse();
    }

    [Fact]
    public void UseMongoDBStorage_registers_the_store_as_the_2fa_store()
    {
        var services = new ServiceCollection();
        services.AddWildDuck().UseMongoDBStorage(o => o.ConnectionString = "mongodb://127.0.0.1:1");
        services.Should().ContainSingle(d => d.ServiceType == typeof(ITwoFactorStore)).Which.Lifetime.Should().Be(ServiceLifetime.Singleton);
    }
}
