// SPDX-License-Identifier: MIT
using System.Text;
using MongoDB.Bson.Serialization;
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Documents;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Message and thread documents: built from an indexed message, WildDuck's names, round trips.</summary>
public sealed class MessageMappingTests
{
    private static readonly string Attachment = Convert.ToBase64String(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());

    private static readonly string Raw =
        "From: =?UTF-8?Q?Dieter_M=C3=BCller?= <dieter@beispiel.de>\r\n" +
        "To: Alice <alice@example.com>, bob@example.org\r\n" +
        "Cc: carol@example.net\r\n" +
        "Subject: Re: Grüße aus Berlin\r\n" +
        "Date: Thu, 29 Feb 2024 23:30:00 -0500\r\n" +
        "Message-ID: <m1@beispiel.de>\r\n" +
        "In-Reply-To: <m0@beispiel.de>\r\n" +
        "X-Tracking:  Zebracorn \r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Pictures attached, straße.\r\n" +
        "--b1\r\n" +
        "Content-Type: application/octet-stream; name=\"data.bin\"\r\n" +
        "Content-Disposition: attachment; filename=\"data.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "\r\n" +
        Attachment + "\r\n" +
        "--b1--\r\n";

    private static readonly IndexedMessage Indexed = new MessageIndexer(new MessageLimits()).Index(Encoding.UTF8.GetBytes(Raw));

    private static readonly DateTimeOffset Received = new(2024, 3, 1, 0, 30, 0, TimeSpan.FromHours(2));

    private static MessageDocument Create() => MessageMapping.Create(
        ObjectId.Parse("65a1b2c3d4e5f60718293a4b"),
        ObjectId.Parse("65a1b2c3d4e5f60718293a4e"),
        ObjectId.Parse("65a1b2c3d4e5f60718293a4c"),
        7,
        42,
        MessageFlags.Seen | MessageFlags.Flagged,
        new[] { "$Work" },
        Received,
        Indexed,
        ObjectId.Parse("65a1b2c3d4e5f60718293a4f"),
        "LMTP",
        4711,
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

    [Fact]
    public void The_indexed_message_has_an_external_attachment()
    {
        Indexed.ExternalBodies.Should().ContainSingle();
        Indexed.Metadata.Attachments.Should().ContainSingle();
    }

    [Fact]
    public void A_message_document_uses_WildDucks_names_and_round_trips()
    {
        var document = Create();

        var bson = document.ToBsonDocument();
        var back = BsonSerializer.Deserialize<MessageDocument>(bson);

        back.Should().BeEquivalentTo(document);
        bson.Names.Should().Equal(
            "_id", "user", "mailbox", "uid", "modseq", "flags", "unseen", "flagged", "undeleted", "draft",
            "idate", "itz", "iday", "hdate", "htz", "hday", "size", "thread", "subject", "msgid", "ha",
            "envelope", "bodystructure", "body", "layout", "inline", "attachmentIds", "magic", "text", "html", "intro",
            "attachments", "meta", "search");
        bson["uid"].BsonType.Should().Be(BsonType.Int64);
        bson["modseq"].BsonType.Should().Be(BsonType.Int64);
        bson["idate"].BsonType.Should().Be(BsonType.DateTime);
        bson["envelope"].BsonType.Should().Be(BsonType.Binary);
        bson["attachmentIds"].AsBsonArray.Should().ContainSingle().Which.AsByteArray.Should().Equal(Indexed.ExternalBodies[0].Hash.ToByteArray());
        bson["meta"].AsBsonDocument.Names.Should().Equal("source", "time");
        bson["search"].AsBsonDocument.Names.Should().Equal("from", "to", "cc", "bcc", "subject", "headers", "fields", "body");
        bson["attachments"][0].AsBsonDocument.Names.Should().Equal("id", "part", "filename", "contentType", "disposition", "transferEncoding", "related", "size", "decodedSize", "hash");
    }

    [Fact]
    public void Flags_are_stored_as_WildDucks_list_and_booleans()
    {
        var bson = Create().ToBsonDocument();

        bson["flags"].AsBsonArray.Select(v => v.AsString).Should().Equal("\\Flagged", "\\Seen", "$Work");
        bson["unseen"].AsBoolean.Should().BeFalse();
        bson["flagged"].AsBoolean.Should().BeTrue();
        bson["undeleted"].AsBoolean.Should().BeTrue();
        bson["draft"].AsBoolean.Should().BeFalse();
    }

    [Fact]
    public void Dates_keep_their_offset_and_their_own_calendar_day()
    {
        var document = Create();

        document.InternalDate.Should().Be(new DateTime(2024, 2, 29, 22, 30, 0, DateTimeKind.Utc));
        document.InternalOffset.Should().Be(120);
        document.InternalDay.Should().Be(new DateOnly(2024, 3, 1).DayNumber, "00:30 at +02:00 is March 1st there");
        document.HeaderDate.Should().Be(new DateTime(2024, 3, 1, 4, 30, 0, DateTimeKind.Utc));
        document.HeaderOffset.Should().Be(-300);
        document.HeaderDay.Should().Be(new DateOnly(2024, 2, 29).DayNumber, "23:30 at -05:00 is February 29th there");
        MessageMapping.DayOf(new DateTimeOffset(1969, 12, 31, 23, 59, 59, 500, TimeSpan.Zero)).Should().Be(new DateOnly(1969, 12, 31).DayNumber);
    }

    [Fact]
    public void Search_text_is_folded_and_header_fields_split_like_the_SQLite_backend()
    {
        var search = Create().Search;

        search.From.Should().Be("DIETER MÜLLER <DIETER@BEISPIEL.DE>");
        search.To.Should().Be("ALICE <ALICE@EXAMPLE.COM>\nBOB@EXAMPLE.ORG");
        search.Cc.Should().Be("CAROL@EXAMPLE.NET");
        search.Bcc.Should().BeEmpty();
        search.Subject.Should().Be("RE: GRÜßE AUS BERLIN");
        search.Body.Should().Contain("PICTURES ATTACHED, STRAßE.");
        search.Headers.Should().Contain("X-TRACKING:");
        search.Fields.Should().ContainEquivalentOf(new SearchFieldDocument { Key = "X-TRACKING", Value = Indexed.Metadata.SearchHeaders.Split('\n').Single(l => l.StartsWith("X-Tracking", StringComparison.Ordinal))["X-Tracking:".Length..].ToUpperInvariant() });
        search.Fields.Select(f => f.Key).Should().Contain(new[] { "FROM", "TO", "CC", "SUBJECT", "DATE", "MESSAGE-ID", "IN-REPLY-TO" });
    }

    [Fact]
    public void A_record_reads_back_from_the_document()
    {
        var document = Create();
        var mailbox = MongoIds.ToMailboxId(document.Mailbox);

        var record = MessageMapping.ToRecord(document, mailbox, envelope: true, structure: false);

        record.Id.Should().Be(MongoIds.ToMessageId(document.Id));
        record.Mailbox.Should().Be(mailbox);
        record.Uid.Should().Be(7u);
        record.ModSeq.Should().Be(42);
        record.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);
        record.Keywords.Should().Equal("$Work");
        record.InternalDate.Should().Be(Received);
        record.InternalDate.Offset.Should().Be(TimeSpan.FromHours(2));
        record.HeaderDate.Offset.Should().Be(TimeSpan.FromHours(-5));
        record.Size.Should().Be(Indexed.Size);
        record.Thread.Should().Be(MongoIds.ToEntityId(document.Thread));
        record.Subject.Should().Be("Re: Grüße aus Berlin");
        record.MessageIdHeader.Should().Be("<m1@beispiel.de>");
        record.HasAttachments.Should().BeTrue();
        record.Envelope.Should().Equal(Indexed.Metadata.Envelope);
        record.BodyStructure.Should().BeNull();
        record.Body.Should().BeNull();
    }

    [Fact]
    public void Stored_layout_and_inline_bytes_recompose_the_message_with_the_attachment_body()
    {
        var document = BsonSerializer.Deserialize<MessageDocument>(Create().ToBsonDocument());
        var layout = MessageLayoutSerializer.Deserialize(document.Layout);

        layout.Size.Should().Be(Indexed.Size);
        document.Inline.Should().Equal(Indexed.InlineContent.ToArray());
        layout.Segments.Where(s => s.IsExternal).Select(s => s.Hash).Should().Equal(Indexed.ExternalBodies.Select(b => b.Hash));
    }

    [Fact]
    public void Text_cut_inside_a_surrogate_pair_is_stored_with_a_replacement_character()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 200));
        var raw = Encoding.UTF8.GetBytes("Subject: smile\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + emoji + "\r\n");
        var indexed = new MessageIndexer(new MessageLimits()).Index(raw);
        indexed.Metadata.Intro.Should().NotBeNull();

        var document = MessageMapping.Create(ObjectId.GenerateNewId(), ObjectId.GenerateNewId(), ObjectId.GenerateNewId(), 1, 1, MessageFlags.None, Array.Empty<string>(), Received, indexed, ObjectId.GenerateNewId(), "API", 1, DateTime.UtcNow);
        var bytes = document.ToBson();

        BsonSerializer.Deserialize<MessageDocument>(bytes).Intro.Should().Be(document.Intro);
        MessageMapping.IsWellFormed(document.Intro!).Should().BeTrue();
        MessageMapping.IsWellFormed(document.Search.Body).Should().BeTrue();
    }

    [Fact]
    public void Lone_surrogates_are_replaced()
    {
        // Not a theory: xunit's test-case serialisation does not carry lone surrogates.
        var cases = new (string Value, string Expected)[]
        {
            ("plain", "plain"),
            ("a\uD83D\uDE00b", "a\uD83D\uDE00b"),
            ("a\uD83D", "a\uFFFD"),
            ("\uDE00a\uD800\uD800", "\uFFFDa\uFFFD\uFFFD"),
        };
        foreach (var (value, expected) in cases)
        {
            MessageMapping.WellFormed(value).Should().Be(expected);
            MessageMapping.IsWellFormed(value).Should().Be(value == expected);
        }
    }

    [Fact]
    public void A_thread_document_uses_WildDucks_names_and_round_trips()
    {
        var thread = new ThreadDocument
        {
            Id = ObjectId.GenerateNewId(),
            User = ObjectId.GenerateNewId(),
            Subject = "grüße aus berlin",
            Ids = Indexed.Metadata.ThreadReferences.ToList(),
            Updated = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc),
        };

        var bson = thread.ToBsonDocument();

        BsonSerializer.Deserialize<ThreadDocument>(bson).Should().BeEquivalentTo(thread);
        bson.Names.Should().Equal("_id", "user", "subject", "ids", "updated");
        thread.Ids.Should().HaveCount(2, "Message-ID and In-Reply-To");
    }
}
