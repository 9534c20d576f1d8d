// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Documents ⇄ the contracts' records, and WildDuck's stored value forms.</summary>
public sealed class RecordMappingTests
{
    private static readonly DateTime Created = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    [Fact]
    public void A_user_document_becomes_a_record_with_its_forward_targets_as_given()
    {
        var targets = new[] { "copy@example.org", "smtp://user:pa,ss@relay.example.net:2525", "https://hooks.example.com/in?a=1,2" };
        var document = new UserDocument
        {
            Id = ObjectId.Parse("65a1f0c2e4b0a1b2c3d4e5f6"),
            Username = "alice",
            UsernameView = "alice",
            Retention = 0,
            Targets = MongoMailStore.ToTargetDocuments(targets),
            Created = Created,
        };

        var record = MongoMailStore.ToUserRecord(document);

        record.Id.ToString().Should().Be("65a1f0c2e4b0a1b2c3d4e5f6");
        record.ForwardTargets.Should().Equal(targets);
        record.Retention.Should().BeNull("a zero retention means none, as WildDuck's falsy value");
        record.Created.Should().Be(new DateTimeOffset(Created));
    }

    [Fact]
    public void A_mailbox_document_becomes_a_record_with_its_counts()
    {
        var record = MongoMailStore.ToMailboxRecord(new MailboxDocument
        {
            Id = ObjectId.GenerateNewId(),
            User = ObjectId.GenerateNewId(),
            Path = "Junk",
            SpecialUse = "\\Junk",
            UidValidity = 4_000_000_000,
            UidNext = 12,
            ModifyIndex = 30,
            Retention = 2_592_000_000,
            Flags = ["$Phishing"],
            Messages = 11,
            Unseen = 4,
            Size = 9999,
        });

        record.SpecialUse.Should().Be(SpecialUse.Junk);
        record.UidValidity.Should().Be(4_000_000_000u);
        (record.UidNext, record.HighestModSeq, record.MessageCount, record.UnseenCount, record.TotalSize).Should().Be((12u, 30L, 11L, 4L, 9999L));
        record.Retention.Should().Be(TimeSpan.FromDays(30));
        record.Keywords.Should().Equal("$Phishing");
    }

    [Fact]
    public void A_journal_document_carries_flags_as_WildDuck_strings()
    {
        var document = new JournalDocument
        {
            Seq = 5,
            User = ObjectId.GenerateNewId(),
            Mailbox = ObjectId.GenerateNewId(),
            ModSeq = 9,
            Command = "FETCH",
            Uid = 3,
            Message = ObjectId.GenerateNewId(),
            Flags = MongoMapping.FlagList(MessageFlags.Seen | MessageFlags.Flagged, ["$Forwarded"]),
            Created = Created,
        };

        document.Flags.Should().Equal("\\Flagged", "\\Seen", "$Forwarded");
        var entry = MongoMailStore.ToJournalEntry(document);
        entry.Id.Should().Be(5);
        entry.Command.Should().Be(JournalCommand.Fetch);
        entry.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);
        entry.Keywords.Should().Equal("$Forwarded");
        entry.Uid.Should().Be(3u);
        entry.Message!.Value.Value.Should().Be(MongoIds.ToEntityId(document.Message.Value));
    }

    [Fact]
    public void Every_journal_command_and_special_use_round_trips_through_its_stored_name()
    {
        foreach (var command in Enum.GetValues<JournalCommand>())
        {
            MongoMapping.ParseCommand(MongoMapping.CommandName(command)).Should().Be(command);
        }

        foreach (var use in Enum.GetValues<SpecialUse>())
        {
            MongoMapping.ParseSpecialUse(MongoMapping.SpecialUseName(use)).Should().Be(use);
        }

        MongoMapping.SpecialUseName(SpecialUse.Sent).Should().Be("\\Sent");
        MongoMapping.SpecialUseName(SpecialUse.None).Should().BeNull();
        FluentActions.Invoking(() => MongoMapping.ParseCommand("BOGUS")).Should().Throw<FormatException>();
    }

    [Fact]
    public void A_filter_round_trips_and_its_mail_targets_keep_the_mail_prefix()
    {
        var filter = new FilterDefinition
        {
            Id = EntityId.NewId(),
            User = UserId.NewId(),
            Name = "lists",
            Query = new FilterQuery { From = "boss", ListId = "dev.example.org", HasAttachments = false, Size = 1024 },
            Action = new FilterAction { Seen = true, Mailbox = MailboxId.NewId(), Targets = ["mail:copy@example.org", "https://hooks.example.com/x"] },
            Disabled = true,
            Created = new DateTimeOffset(Created),
        };

        var document = MongoMailStore.ToFilterDocument(filter);
        var back = MongoMailStore.ToFilterDefinition(document);

        back.Should().BeEquivalentTo(filter);
        document.Action.Targets!.Select(t => (t.Type, t.Value)).Should().Equal(("mail", "copy@example.org"), ("http", "https://hooks.example.com/x"));
        MongoMailStore.ToFilterDocument(filter with { Query = new FilterQuery { Text = "x" } }).Query.Headers.Should().BeNull("no header condition, no headers document");
    }

    [Fact]
    public void Autoreply_settings_keep_their_instants()
    {
        var settings = MongoMailStore.ToAutoreplySettings(new AutoreplyDocument { Status = true, Subject = "Away", Start = Created, End = null });

        settings.Enabled.Should().BeTrue();
        settings.Start.Should().Be(new DateTimeOffset(Created));
        settings.End.Should().BeNull();
    }

    [Fact]
    public void An_outbound_entry_shows_a_lease_only_while_it_is_live()
    {
        var now = new DateTimeOffset(Created);
        var document = new OutboundDocument
        {
            Id = ObjectId.GenerateNewId(),
            State = 1,
            Reason = "forward",
            Recipients = ["x@example.org"],
            Size = 10,
            Created = Created,
            NextAttempt = Created,
            LeaseToken = Guid.NewGuid(),
            LeaseUntil = Created.AddSeconds(30),
        };

        MongoMailStore.ToOutboundEntry(document, now).LeasedUntil.Should().Be(now.AddSeconds(30));
        MongoMailStore.ToOutboundEntry(document, now.AddMinutes(1)).LeasedUntil.Should().BeNull();
        MongoMailStore.ToOutboundEntry(document, now).State.Should().Be(OutboundState.Deferred);
        MongoMailStore.ToOutboundEntry(document, now).User.Should().BeNull();
    }

    [Fact]
    public void Bson_dates_keep_milliseconds_only()
    {
        var value = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(6789);

        var stored = MongoMapping.ToBsonDate(value);

        stored.Kind.Should().Be(DateTimeKind.Utc);
        MongoMapping.FromBsonDate(stored).Should().Be(value.AddTicks(-6789));
    }
}
