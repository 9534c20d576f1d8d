// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The BSON of the outbound queue's and the consistency check's queries.</summary>
public sealed class OutboundAndMaintenanceRenderingTests
{
    private static readonly ObjectId Id = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f6");
    private static readonly ObjectId User = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f7");
    private static readonly DateTime When = new(2026, 11, 29, 6, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Token = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void The_operator_listing_filters_only_by_what_was_asked()
    {
        Filter(MongoMailStore.OutboundListFilter(null, null, null)).ShouldBe(new BsonDocument());
        Filter(MongoMailStore.OutboundListFilter(OutboundState.Failed, User, Id)).ShouldBe(Json(
            "{ state: 2, user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), _id: { $gt: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') } }"));
        Projection(MongoMailStore.WithoutContent()).ShouldBe(Json("{ content: 0 }"));
    }

    [Fact]
    public void A_new_entry_maps_the_message_and_a_failed_batch_is_removed_by_its_ids()
    {
        var message = new OutboundMessage
        {
            ReturnPath = "bob@example.com",
            Recipients = new[] { "a@example.org", "b@example.org" },
            Content = new byte[] { 1, 2, 3 },
            Route = "smtp://relay.example",
            Reason = "forward",
            User = MongoIds.ToUserId(User),
        };
        var document = MongoMailStore.ToOutboundDocument(MongoIds.ToEntityId(Id), message, new DateTimeOffset(When));
        document.Id.Should().Be(Id);
        document.User.Should().Be(User);
        document.State.Should().Be((int)OutboundState.Queued);
        document.Recipients.Should().Equal("a@example.org", "b@example.org");
        document.Route.Should().Be("smtp://relay.example");
        document.Size.Should().Be(3);
        document.Attempts.Should().Be(0);

        var other = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f8");
        Filter(MongoMailStore.OutboundIdsFilter(new[] { document, new OutboundDocument { Id = other } })).ShouldBe(Json(
            "{ _id: { $in: [ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), ObjectId('65a1f0c2e4b0a1b2c3d4e5f8')] } }"));
    }

    [Fact]
    public void Due_entries_are_queued_or_deferred_reached_and_without_a_live_lease()
    {
        var due = "{ state: { $in: [0, 1] }, queued: { $lte: ISODate('2026-11-29T06:00:00Z') }, $or: [{ lockUntil: null }, { lockUntil: { $lte: ISODate('2026-11-29T06:00:00Z') } }] }";
        Filter(MongoMailStore.OutboundDue(When, routedOnly: false)).ShouldBe(Json(due));
        var routed = Json(due);
        routed.Add("route", new BsonDocument("$ne", BsonNull.Value));
        Filter(MongoMailStore.OutboundDue(When, routedOnly: true)).ShouldBe(routed);
        Sort(MongoMailStore.OutboundDueOrder()).ShouldBe(Json("{ queued: 1, _id: 1 }"));
    }

    [Fact]
    public void A_lease_is_a_token_and_an_end_and_outcomes_require_the_token()
    {
        var token = new BsonBinaryData(Token, GuidRepresentation.Standard);
        Update(MongoMailStore.OutboundLeaseUpdate(Token, When)).ShouldBe(new BsonDocument("$set", new BsonDocument { { "lockToken", token }, { "lockUntil", When } }));
        Filter(MongoMailStore.OutboundLeased(Id, Token)).ShouldBe(new BsonDocument { { "_id", Id }, { "lockToken", token } });
        Filter(MongoMailStore.OutboundById(Id)).ShouldBe(new BsonDocument("_id", Id));
    }

    [Fact]
    public void A_user_cancels_only_its_own_submission_and_only_while_no_lease_is_live()
    {
        Filter(MongoMailStore.OutboundSubmissionOf(Id, User)).ShouldBe(Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), reason: 'submission' }"));
        Filter(MongoMailStore.OutboundSubmissionNotLeased(Id, User, When)).ShouldBe(Json(
            "{ _id: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6'), user: ObjectId('65a1f0c2e4b0a1b2c3d4e5f7'), reason: 'submission', $or: [{ lockUntil: null }, { lockUntil: { $lte: ISODate('2026-11-29T06:00:00Z') } }] }"));
    }

    [Fact]
    public void Requeue_and_outcomes()
    {
        Update(MongoMailStore.OutboundRequeue(When)).ShouldBe(Json("{ $set: { state: 0, attempts: 0, queued: ISODate('2026-11-29T06:00:00Z') } }"));
        Update(MongoMailStore.OutboundOutcome(OutboundState.Deferred, When, "451 try later")).ShouldBe(Json(
            "{ $set: { state: 1, queued: ISODate('2026-11-29T06:00:00Z'), lastError: '451 try later' }, $inc: { attempts: 1 }, $unset: { lockToken: 1, lockUntil: 1 } }"));
        Update(MongoMailStore.OutboundOutcome(OutboundState.Failed, When, "550 no")).AsBsonDocument["$set"]["state"].AsInt32.Should().Be(2);
    }

    [Fact]
    public void The_consistency_check_aggregates_messages_per_mailbox_and_finds_duplicate_uids()
    {
        Pipeline(MongoMailStore.MessageTotalsPipeline()).ShouldBe(new BsonArray
        {
            Json("""
                { $group: { _id: '$mailbox', user: { $first: '$user' }, messages: { $sum: 1 },
                            unseen: { $sum: { $cond: [{ $eq: ['$unseen', true] }, 1, 0] } }, size: { $sum: '$size' },
                            minUid: { $min: '$uid' }, maxUid: { $max: '$uid' }, maxModseq: { $max: '$modseq' } } }
                """),
        });
        Pipeline(MongoMailStore.DuplicateUidPipeline()).ShouldBe(new BsonArray
        {
            Json("{ $group: { _id: { mailbox: '$mailbox', uid: '$uid' }, count: { $sum: 1 } } }"),
            Json("{ $match: { count: { $gt: 1 } } }"),
        });
    }

    [Fact]
    public void A_mailbox_is_checked_against_its_message_totals()
    {
        var mailbox = new MailboxDocument { Id = Id, Path = "INBOX", UidNext = 5, ModifyIndex = 9, Messages = 2, Unseen = 1, Size = 300 };
        var problems = new List<ConsistencyProblem>();

        MongoMailStore.CheckMailbox(mailbox, Json("{ messages: 2, unseen: 1, size: NumberLong(300), minUid: 1, maxUid: 4, maxModseq: NumberLong(9) }"), problems);
        problems.Should().BeEmpty();

        MongoMailStore.CheckMailbox(mailbox, Json("{ messages: 3, unseen: 1, size: NumberLong(300), minUid: 1, maxUid: 5, maxModseq: NumberLong(10) }"), problems);
        problems.Select(p => p.Kind).Should().Equal("counter", "uid", "modseq");

        problems.Clear();
        MongoMailStore.CheckMailbox(mailbox, null, problems);
        problems.Should().ContainSingle(p => p.Kind == "counter", "a mailbox without messages must count none");
    }
}
