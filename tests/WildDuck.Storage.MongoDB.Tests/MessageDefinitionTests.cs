// SPDX-License-Identifier: MIT
using WildDuck.Storage.Search;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The BSON of every filter, update, projection and sort the message store sends.</summary>
public sealed class MessageDefinitionTests
{
    private static readonly ObjectId Id = ObjectId.Parse("65a1b2c3d4e5f60718293a4b");
    private static readonly ObjectId Mailbox = ObjectId.Parse("65a1b2c3d4e5f60718293a4c");
    private static readonly ObjectId Target = ObjectId.Parse("65a1b2c3d4e5f60718293a4d");
    private static readonly ObjectId User = ObjectId.Parse("65a1b2c3d4e5f60718293a4e");

    [Fact]
    public void A_message_is_addressed_by_id_mailbox_and_uid_so_a_write_targets_one_shard()
    {
        MongoMailStore.MessageFilter(Id, Mailbox, 7).Render()
            .ShouldRenderAs("{ _id: ObjectId('65a1b2c3d4e5f60718293a4b'), mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), uid: NumberLong(7) }");
    }

    [Fact]
    public void The_STORE_guard_adds_the_exact_flag_list_read()
    {
        MongoMailStore.ConditionalMessageFilter(Id, Mailbox, 7, new[] { "\\Seen", "$Work" }).Render()
            .ShouldRenderAs("{ _id: ObjectId('65a1b2c3d4e5f60718293a4b'), mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), uid: NumberLong(7), flags: ['\\\\Seen', '$Work'] }");
        MongoMailStore.ConditionalMessageFilter(Id, Mailbox, 7, Array.Empty<string>()).Render()
            .ShouldRenderAs("{ _id: ObjectId('65a1b2c3d4e5f60718293a4b'), mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), uid: NumberLong(7), flags: [] }");
    }

    [Fact]
    public void A_row_keeps_the_stored_flag_list_as_read_for_the_guard()
    {
        var document = new WildDuck.Storage.MongoDB.Documents.MessageDocument { Id = Id, Uid = 3, Flags = new List<string> { "\\Seen", "\\Answered", "\\Recent", "$Work" } };

        var row = MongoMailStore.MessageRow.From(document);

        row.StoredFlags.Should().Equal("\\Seen", "\\Answered", "\\Recent", "$Work");
        row.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Answered);
        row.Keywords.Should().Equal("$Work");
    }

    [Fact]
    public void Listing_pages_by_uid_within_the_mailbox_and_checks_the_owner()
    {
        MongoMailStore.RangeFilter(User, Mailbox, 10, 20).Render()
            .ShouldRenderAs("{ mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), uid: { $gt: NumberLong(10), $lte: NumberLong(20) }, user: ObjectId('65a1b2c3d4e5f60718293a4e') }");
        MongoMailStore.ByUid.Render().ShouldRenderAs("{ uid: 1 }");
    }

    [Fact]
    public void Rows_filter_selects_a_uid_range_and_for_expunge_only_deleted_messages()
    {
        MongoMailStore.RowsFilter(Mailbox, 1, 4294967295, onlyDeleted: false).Render()
            .ShouldRenderAs("{ mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), uid: { $gte: NumberLong(1), $lte: NumberLong(4294967295) } }");
        MongoMailStore.RowsFilter(Mailbox, 3, 9, onlyDeleted: true).Render()
            .ShouldRenderAs("{ mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), uid: { $gte: NumberLong(3), $lte: NumberLong(9) }, undeleted: false }");
    }

    [Fact]
    public void Copies_read_their_originals_by_id_within_the_mailbox()
    {
        MongoMailStore.IdsFilter(Mailbox, new[] { Id, Target }).Render()
            .ShouldRenderAs("{ mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), _id: { $in: [ObjectId('65a1b2c3d4e5f60718293a4b'), ObjectId('65a1b2c3d4e5f60718293a4d')] } }");
    }

    [Theory]
    [InlineData(MessageFields.Basic, "")]
    [InlineData(MessageFields.Envelope, ", envelope: 1")]
    [InlineData(MessageFields.Structure, ", bodystructure: 1, body: 1")]
    [InlineData(MessageFields.Content, ", layout: 1, inline: 1, attachmentIds: 1")]
    [InlineData(MessageFields.Envelope | MessageFields.Structure | MessageFields.Content, ", envelope: 1, bodystructure: 1, body: 1, layout: 1, inline: 1, attachmentIds: 1")]
    public void List_projection_loads_heavy_fields_only_when_asked(MessageFields fields, string extra)
    {
        MongoMailStore.ListProjection(fields).Render().ShouldRenderAs(
            "{ _id: 1, uid: 1, modseq: 1, flags: 1, idate: 1, itz: 1, hdate: 1, htz: 1, size: 1, thread: 1, subject: 1, msgid: 1, ha: 1" + extra + " }");
    }

    [Fact]
    public void Content_and_row_projections_read_only_what_they_use()
    {
        MongoMailStore.ContentProjection.Render().ShouldRenderAs("{ layout: 1, inline: 1 }");
        MongoMailStore.RowProjection.Render().ShouldRenderAs("{ _id: 1, uid: 1, modseq: 1, flags: 1, size: 1, attachmentIds: 1, magic: 1 }");
        MongoMailStore.SearchProjection.Render().ShouldRenderAs("{ _id: 0, uid: 1 }");
    }

    [Fact]
    public void A_flag_change_sets_the_flag_list_the_denormalised_booleans_and_the_new_modseq()
    {
        MongoMailStore.FlagSetUpdate(MessageFlags.Seen | MessageFlags.Deleted, new[] { "$Work" }, 99).Render().ShouldRenderAs(
            "{ $set: { flags: ['\\\\Deleted', '\\\\Seen', '$Work'], unseen: false, flagged: false, undeleted: false, draft: false }, $max: { modseq: NumberLong(99) } }");
        MongoMailStore.FlagSetUpdate(MessageFlags.Flagged | MessageFlags.Draft, Array.Empty<string>(), 5).Render().ShouldRenderAs(
            "{ $set: { flags: ['\\\\Flagged', '\\\\Draft'], unseen: true, flagged: true, undeleted: true, draft: true }, $max: { modseq: NumberLong(5) } }");
    }

    [Fact]
    public void Move_rehomes_the_message_in_place()
    {
        MongoMailStore.MoveUpdate(Target, 12, 77).Render()
            .ShouldRenderAs("{ $set: { mailbox: ObjectId('65a1b2c3d4e5f60718293a4d'), uid: NumberLong(12), modseq: NumberLong(77) } }");
    }

    [Fact]
    public void A_block_of_uids_takes_one_modseq_in_one_increment()
    {
        MongoMailStore.AllocateUidsUpdate(1).Render().ShouldRenderAs("{ $inc: { uidNext: NumberLong(1), modifyIndex: NumberLong(1) } }");
        MongoMailStore.AllocateUidsUpdate(250).Render().ShouldRenderAs("{ $inc: { uidNext: NumberLong(250), modifyIndex: NumberLong(1) } }");
    }

    [Fact]
    public void A_mailbox_out_of_uids_is_not_incremented()
    {
        // 4294967295 - 250: the last UIDNEXT from which 250 UIDs still leave UIDNEXT a 32-bit value.
        MongoMailStore.AllocateUidsFilter(User, Mailbox, 250).Render().ShouldRenderAs(
            "{ _id: ObjectId('65a1b2c3d4e5f60718293a4c'), user: ObjectId('65a1b2c3d4e5f60718293a4e'), uidNext: { $lte: NumberLong(4294967045) } }");
    }

    [Fact]
    public void Mailbox_counters_keywords_and_quota_change_with_atomic_operators()
    {
        MongoMailStore.MailboxCountersUpdate(-2, -1, -3000).Render()
            .ShouldRenderAs("{ $inc: { messages: NumberLong(-2), unseen: NumberLong(-1), size: NumberLong(-3000) } }");
        MongoMailStore.MailboxKeywordsUpdate(new[] { "$Work", "Later" }).Render()
            .ShouldRenderAs("{ $addToSet: { flags: { $each: ['$Work', 'Later'] } } }");
        MongoMailStore.UserFilter(User).Render().ShouldRenderAs("{ _id: ObjectId('65a1b2c3d4e5f60718293a4e') }");
        MongoMailStore.StorageUsedUpdate(-1234).Render().ShouldRenderAs("{ $inc: { storageUsed: NumberLong(-1234) } }");
        MongoMailStore.QuotaProjection.Render().ShouldRenderAs("{ quota: 1, storageUsed: 1 }");
    }

    [Fact]
    public void Threads_are_found_by_user_reference_and_subject_newest_first_and_gain_the_references()
    {
        var refs = new[] { "r1", "r2" };
        MongoMailStore.ThreadFilter(User, refs, "quarterly report").Render()
            .ShouldRenderAs("{ user: ObjectId('65a1b2c3d4e5f60718293a4e'), ids: { $in: ['r1', 'r2'] }, subject: 'quarterly report' }");
        MongoMailStore.ThreadUpdate(refs, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)).Render()
            .ShouldRenderAs("{ $set: { updated: ISODate('2026-01-02T03:04:05Z') }, $addToSet: { ids: { $each: ['r1', 'r2'] } } }");
        MongoMailStore.ThreadOrder.Render().ShouldRenderAs("{ updated: -1 }");
    }

    [Fact]
    public void The_search_filter_is_the_mailbox_and_the_compiled_key()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        MongoMailStore.SearchFilter(Mailbox, AllKey.Instance, now).Render()
            .ShouldRenderAs("{ mailbox: ObjectId('65a1b2c3d4e5f60718293a4c') }");
        MongoMailStore.SearchFilter(Mailbox, new FlagKey(MessageFlags.Seen, false), now).Render()
            .ShouldRenderAs("{ mailbox: ObjectId('65a1b2c3d4e5f60718293a4c'), $and: [{ unseen: true }] }");
    }

    [Fact]
    public void Flag_plan_follows_STORE_semantics()
    {
        var row = new MongoMailStore.MessageRow(Id, 3, 10, MessageFlags.Seen, new[] { "$Work" }, 100, new List<byte[]>(), 1, new[] { "\\Seen", "$Work" });

        MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Seen }, Array.Empty<string>()).Plan
            .Should().Be(MongoMailStore.FlagPlan.Unchanged);
        MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Add, Keywords = new[] { "$work" } }, new[] { "$work" }).Plan
            .Should().Be(MongoMailStore.FlagPlan.Unchanged, "keywords compare case-insensitively");
        var add = MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Flagged }, new[] { "Later" });
        add.Plan.Should().Be(MongoMailStore.FlagPlan.Change);
        add.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);
        add.Keywords.Should().Equal("$Work", "Later");
        var remove = MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Remove, Flags = MessageFlags.Seen }, new[] { "$WORK" });
        remove.Flags.Should().Be(MessageFlags.None);
        remove.Keywords.Should().BeEmpty();
        var replace = MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Replace, Flags = MessageFlags.Draft }, new[] { "X" });
        replace.Flags.Should().Be(MessageFlags.Draft);
        replace.Keywords.Should().Equal("X");
        MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Flagged, UnchangedSince = 9 }, Array.Empty<string>()).Plan
            .Should().Be(MongoMailStore.FlagPlan.Modified, "MODSEQ 10 is after UNCHANGEDSINCE 9");
        MongoMailStore.Plan(row, new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Flagged, UnchangedSince = 10 }, Array.Empty<string>()).Plan
            .Should().Be(MongoMailStore.FlagPlan.Change);
    }

    [Fact]
    public void Keyword_changes_keep_the_first_spelling()
    {
        MongoMailStore.ApplyKeywords(new[] { "Foo" }, new[] { "FOO", "Bar" }, FlagOperation.Add).Should().Equal("Foo", "Bar");
        MongoMailStore.ApplyKeywords(new[] { "Foo", "Bar" }, new[] { "bar" }, FlagOperation.Remove).Should().Equal("Foo");
        MongoMailStore.ApplyKeywords(new[] { "Foo" }, new[] { "Baz" }, FlagOperation.Replace).Should().Equal("Baz");
    }
}
