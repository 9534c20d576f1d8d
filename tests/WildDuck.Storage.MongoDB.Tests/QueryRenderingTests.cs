// SPDX-License-Identifier: MIT
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The BSON of every filter, update, sort, projection and pipeline the store sends (users, mailboxes, journal).</summary>
public sealed class QueryRenderingTests
{
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f6");
    private static readonly ObjectId Mailbox = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f7");
    private static readonly ObjectId Other = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f8");
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 123, DateTimeKind.Utc);

    // ------------------------------------------------------------------ users and addresses

    [Fact]
    public void User_lookups_use_id_unameview_and_username_order()
    {
        Filter(MongoMailStore.UserById(User)).ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.UserByView("alice")).ShouldBe(Json("{ unameview: 'alice' }"));
        Filter(MongoMailStore.UsersAfter(null)).ShouldBe(Json("{ username: { $gt: '' } }"));
        Filter(MongoMailStore.UsersAfter("bob")).ShouldBe(Json("{ username: { $gt: 'bob' } }"));
    }

    [Fact]
    public void A_user_update_sets_the_given_fields_and_bumps_authVersion_once()
    {
        var update = MongoMailStore.UserUpdateDefinition(new UserUpdate
        {
            Name = "Alice",
            Quota = -5,
            Disabled = true,
            Suspended = true,
            Retention = TimeSpan.FromDays(1),
            SpamLevel = 150,
            Language = "et",
            DisabledScopes = ["pop3"],
            PasswordHash = "$pbkdf2-sha256$x",
        })!;

        Update(update).ShouldBe(Json("""
            {
              $set: { name: 'Alice', quota: NumberLong(0), disabled: true, suspended: true, retention: NumberLong(86400000),
                      spamLevel: 100, language: 'et', disabledScopes: ['pop3'], password: '$pbkdf2-sha256$x', tempPassword: false },
              $inc: { authVersion: 1 }
            }
            """));
    }

    [Fact]
    public void Encryption_settings_map_to_pubKey_encryptMessages_and_encryptForwarded()
    {
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { PublicKey = "KEY", EncryptMessages = true, EncryptForwarded = false })!)
            .ShouldBe(Json("{ $set: { pubKey: 'KEY', encryptMessages: true, encryptForwarded: false } }"));
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { PublicKey = string.Empty })!).ShouldBe(Json("{ $unset: { pubKey: 1 } }"));
    }

    [Fact]
    public void The_from_whitelist_is_set_as_an_array_or_unset_when_empty()
    {
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { FromWhitelist = new[] { "*@partner.example", "boss@example.com" } })!)
            .ShouldBe(Json("{ $set: { fromWhitelist: ['*@partner.example', 'boss@example.com'] } }"));
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { FromWhitelist = Array.Empty<string>() })!).ShouldBe(Json("{ $unset: { fromWhitelist: 1 } }"));
    }

    [Fact]
    public void The_daily_recipient_limit_is_set_and_never_negative()
    {
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { Recipients = 250 })!).ShouldBe(Json("{ $set: { recipients: 250 } }"));
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { Recipients = -5 })!).ShouldBe(Json("{ $set: { recipients: 0 } }"));
    }

    [Fact]
    public void A_user_update_unsets_a_zero_retention_and_is_null_when_nothing_changes()
    {
        Update(MongoMailStore.UserUpdateDefinition(new UserUpdate { Retention = TimeSpan.Zero })!).ShouldBe(Json("{ $unset: { retention: 1 } }"));
        MongoMailStore.UserUpdateDefinition(new UserUpdate()).Should().BeNull();
    }

    [Fact]
    public void Forward_targets_are_stored_as_WildDuck_targets_with_their_type()
    {
        var update = MongoMailStore.UserUpdateDefinition(new UserUpdate { ForwardTargets = ["copy@example.org", "mail:x@example.org", "smtp://relay.example.net:2525", "https://hooks.example.com/in"] })!;

        var targets = Update(update)["$set"]["targets"].AsBsonArray.Select(t => t.AsBsonDocument).ToList();
        targets.Select(t => (t["type"].AsString, t["value"].AsString)).Should().Equal(
            ("mail", "copy@example.org"), ("mail", "x@example.org"), ("relay", "smtp://relay.example.net:2525"), ("http", "https://hooks.example.com/in"));
        targets.Should().OnlyContain(t => t["id"].IsObjectId);
    }

    [Fact]
    public void Address_filters_and_updates()
    {
        Filter(MongoMailStore.AddressByView("alice@example.com")).ShouldBe(Json("{ addrview: 'alice@example.com' }"));
        Filter(MongoMailStore.AddressesOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.AddressOfUser(User, Other)).ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.OtherAddressesOfUser(User, Other)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), _id: { $ne: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8') } }"));
        Update(MongoMailStore.ClearMainAddress()).ShouldBe(Json("{ $set: { main: false } }"));
        Filter(MongoMailStore.DomainAliasByName("alias.example")).ShouldBe(Json("{ alias: 'alias.example' }"));
    }

    // ------------------------------------------------------------------ mailboxes, UIDs and MODSEQs

    [Fact]
    public void Mailbox_filters_carry_the_user()
    {
        Filter(MongoMailStore.MailboxFilter(User, Mailbox)).ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.MailboxesOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.MailboxByPath(User, "INBOX")).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), path: 'INBOX' }"));
        Filter(MongoMailStore.MailboxBySpecialUse(User, "\\Sent")).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), specialUse: '\\\\Sent' }"));
    }

    [Fact]
    public void Mailboxes_below_a_path_are_an_index_range_not_a_regex()
    {
        Filter(MongoMailStore.MailboxesBelow(User, "Work/a.b")).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), path: { $gte: 'Work/a.b/', $lt: 'Work/a.b0' } }"));
    }

    [Fact]
    public void A_new_modseq_is_one_inc_of_modifyIndex()
    {
        Update(MongoMailStore.BumpModSeqUpdate()).ShouldBe(Json("{ $inc: { modifyIndex: NumberLong(1) } }"));
    }

    [Fact]
    public void Rename_sets_the_path_and_takes_a_modseq()
    {
        Update(MongoMailStore.RenameUpdate("Archive/2026")).ShouldBe(Json("{ $set: { path: 'Archive/2026' }, $inc: { modifyIndex: NumberLong(1) } }"));
        Update(MongoMailStore.SubscribedUpdate(false)).ShouldBe(Json("{ $set: { subscribed: false } }"));
        Update(MongoMailStore.EncryptMessagesUpdate(true)).ShouldBe(Json("{ $set: { encryptMessages: true } }"));
    }

    [Fact]
    public void Uid_validity_is_allocated_with_one_pipeline_update()
    {
        var rendered = Update(MongoMailStore.NextUidValidityUpdate(1_764_396_000));

        rendered.ShouldBe(new BsonArray
        {
            Json("{ $set: { lastUidValidity: { $max: [NumberLong(1764396000), { $add: [{ $ifNull: ['$lastUidValidity', NumberLong(0)] }, NumberLong(1)] }] } } }"),
        });
    }

    [Fact]
    public void Opening_a_mailbox_reads_uid_and_unseen_of_its_messages_in_uid_order()
    {
        Filter(MongoMailStore.MessagesOfMailbox(User, Mailbox)).ShouldBe(Json("{ mailbox: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.MessagesBelowUid(User, Mailbox, 42)).ShouldBe(Json("{ mailbox: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), uid: { $lt: NumberLong(42) } }"));
        Sort(MongoMailStore.UidOrder()).ShouldBe(Json("{ uid: 1 }"));
        Projection(MongoMailStore.UidAndUnseen()).ShouldBe(Json("{ uid: 1, unseen: 1, _id: 0 }"));
    }

    // ------------------------------------------------------------------ journal and counters

    [Fact]
    public void Journal_queries_are_keyed_by_mailbox_or_user()
    {
        Filter(MongoMailStore.JournalSince(User, Mailbox, 41)).ShouldBe(Json("{ mailbox: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), modseq: { $gt: NumberLong(41) } }"));
        Sort(MongoMailStore.JournalModSeqOrder()).ShouldBe(Json("{ modseq: 1, seq: 1 }"));
        Filter(MongoMailStore.JournalAfter(User, 7)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), seq: { $gt: NumberLong(7) } }"));
        Filter(MongoMailStore.JournalOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Sort(MongoMailStore.JournalNewestFirst()).ShouldBe(Json("{ seq: -1 }"));
        Filter(MongoMailStore.JournalOlderThan(When)).ShouldBe(Json("{ created: { $lt: ISODate('2026-11-29T06:00:00.123Z') } }"));
    }

    [Fact]
    public void Journal_ids_come_from_a_per_user_counter()
    {
        MongoMailStore.JournalCounterId(User).Should().Be("journal:65a1f0c2e4b0a1b2c3d4e5f6");
        Filter(MongoMailStore.CounterFilter("journal:65a1f0c2e4b0a1b2c3d4e5f6")).ShouldBe(Json("{ _id: 'journal:65a1f0c2e4b0a1b2c3d4e5f6' }"));
        Update(MongoMailStore.CounterIncrement(3)).ShouldBe(Json("{ $inc: { seq: NumberLong(3) } }"));
    }

    // ------------------------------------------------------------------ filters and autoreplies

    [Fact]
    public void Filter_queries_and_order()
    {
        Filter(MongoMailStore.FiltersOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Filter(MongoMailStore.FilterOfUser(User, Other)).ShouldBe(Json("{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
        Sort(MongoMailStore.FilterOrder()).ShouldBe(Json("{ created: 1, _id: 1 }"));
    }

    [Fact]
    public void All_filters_are_paged_by_id()
    {
        var other = EntityId.Parse("65a1f0c2e4b0a1b2c3d4e5f8");
        Filter(MongoMailStore.AllFiltersFrom(new FilterPageQuery())).ShouldBe(Json("{ }"));
        Filter(MongoMailStore.AllFiltersFrom(new FilterPageQuery { After = other })).ShouldBe(Json("{ _id: { $gt: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8') } }"));
        Filter(MongoMailStore.AllFiltersFrom(new FilterPageQuery { Before = other })).ShouldBe(Json("{ _id: { $lt: ObjectId('65a1f0c2e4b0a1b2c3d4e5f8') } }"));
        Sort(MongoMailStore.AllFiltersOrder(backwards: false)).ShouldBe(Json("{ _id: 1 }"));
        Sort(MongoMailStore.AllFiltersOrder(backwards: true)).ShouldBe(Json("{ _id: -1 }"));
    }

    [Fact]
    public void Saving_a_filter_upserts_its_fields_and_keeps_the_creation_time_of_an_existing_one()
    {
        var document = MongoMailStore.ToFilterDocument(new FilterDefinition
        {
            Id = EntityId.Parse("65a1f0c2e4b0a1b2c3d4e5f8"),
            User = new UserId(EntityId.Parse("65a1f0c2e4b0a1b2c3d4e5f6")),
            Query = new FilterQuery { From = "boss", Size = -100 },
            Action = new FilterAction { Seen = true, Targets = ["mail:x@example.org"] },
            Created = new DateTimeOffset(When),
        });

        var rendered = Update(MongoMailStore.FilterSaveUpdate(document)).AsBsonDocument;

        var targetId = rendered["$set"]["action"]["targets"][0]["id"];
        rendered.ShouldBe(Json($$"""
            {
              $unset: { name: 1 },
              $set: { query: { headers: { from: 'boss' }, size: NumberLong(-100) },
                      action: { seen: true, targets: [{ id: ObjectId('{{targetId.AsObjectId}}'), type: 'mail', value: 'x@example.org' }] },
                      disabled: false },
              $setOnInsert: { created: ISODate('2026-11-29T06:00:00.123Z') }
            }
            """));
    }

    [Fact]
    public void Autoreply_settings_are_one_upsert_by_user()
    {
        var update = MongoMailStore.AutoreplyUpsert(
            new AutoreplySettings { Enabled = true, Subject = "Away", Text = "Back Monday.", End = new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.FromHours(2)) },
            When);

        var rendered = Update(update).AsBsonDocument;
        var setOnInsert = rendered["$setOnInsert"].AsBsonDocument;
        setOnInsert["_id"].IsObjectId.Should().BeTrue();
        setOnInsert["created"].ToUniversalTime().Should().Be(When);
        rendered.Remove("$setOnInsert");
        rendered.ShouldBe(Json("""
            {
              $set: { status: true, subject: 'Away', text: 'Back Monday.', end: ISODate('2027-01-04T22:00:00Z') },
              $unset: { name: 1, html: 1, start: 1 }
            }
            """));
        Filter(MongoMailStore.AutoreplyOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
    }

    [Fact]
    public void An_answered_sender_is_renewed_only_when_due()
    {
        Filter(MongoMailStore.AutoreplySenderDue(User, "bob@example.org", When)).ShouldBe(Json(
            "{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), sender: 'bob@example.org', replied: { $lte: ISODate('2026-11-29T06:00:00.123Z') } }"));
        Update(MongoMailStore.AutoreplySenderRecord(When, When.AddHours(4))).ShouldBe(Json(
            "{ $set: { replied: ISODate('2026-11-29T06:00:00.123Z'), expires: ISODate('2026-11-29T10:00:00.123Z') } }"));
        Filter(MongoMailStore.AutoreplySendersOfUser(User)).ShouldBe(Json("{ user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }"));
    }
}
