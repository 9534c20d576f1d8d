// SPDX-License-Identifier: MIT
using System.Text;

namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Appends_get_uids_1_2_3_and_strictly_increasing_modseqs()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();

        var results = new List<AppendResult>();
        for (var i = 1; i <= 3; i++)
        {
            results.Add(await AppendSimpleAsync(user, inbox, i));
        }

        results.Select(r => r.Uid).Should().Equal(1u, 2u, 3u);
        results.Select(r => r.ModSeq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        results[0].ModSeq.Should().BePositive();
        results.Should().OnlyContain(r => r.UidValidity == inbox.UidValidity && r.Mailbox == inbox.Id);
        results.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        var mailbox = await ReloadAsync(inbox);
        mailbox.UidNext.Should().Be(4);
        mailbox.HighestModSeq.Should().Be(results[^1].ModSeq);
        (await GetAsync(user, inbox, 2)).ModSeq.Should().Be(results[1].ModSeq);
    }

    [SkippableFact]
    public async Task Appending_to_a_missing_mailbox_is_NotFound()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        await ShouldFailWithAsync(
            () => Messages.AppendAsync(user.Id, MailboxId.NewId(), new AppendRequest { Content = Simple(1) }),
            StorageError.NotFound);
        (await ReloadAsync(user)).StorageUsed.Should().Be(0);
    }

    [SkippableFact]
    public async Task Counters_and_storage_used_track_appends_flag_changes_and_expunges_exactly()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var a = await AppendSimpleAsync(user, inbox, 1, MessageFlags.Seen);
        var b = await AppendAsync(user, inbox, WithAttachment(2).ToBytes());
        var c = await AppendSimpleAsync(user, inbox, 3);

        var mailbox = await ReloadAsync(inbox);
        mailbox.MessageCount.Should().Be(3);
        mailbox.UnseenCount.Should().Be(2);
        mailbox.TotalSize.Should().Be(a.Size + b.Size + c.Size);
        (await ReloadAsync(user)).StorageUsed.Should().Be(a.Size + b.Size + c.Size);

        await StoreAsync(user, inbox, Uids(2, 3), FlagOperation.Add, MessageFlags.Seen);
        (await ReloadAsync(inbox)).UnseenCount.Should().Be(0);
        await StoreAsync(user, inbox, Uids(1), FlagOperation.Remove, MessageFlags.Seen);
        (await ReloadAsync(inbox)).UnseenCount.Should().Be(1);

        await StoreAsync(user, inbox, Uids(1, 2), FlagOperation.Add, MessageFlags.Deleted);
        await Messages.ExpungeAsync(user.Id, inbox.Id);

        mailbox = await ReloadAsync(inbox);
        mailbox.MessageCount.Should().Be(1);
        mailbox.UnseenCount.Should().Be(0);
        mailbox.TotalSize.Should().Be(c.Size);
        (await ReloadAsync(user)).StorageUsed.Should().Be(c.Size);
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task A_CRLF_message_reads_back_byte_identical()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var raw = new TestMessage { Subject = "Exact bytes", MessageId = "<exact@example.com>", Body = "Line one\nLine two with trailing spaces   \n\n-- \nsig\n" }.ToBytes();

        var result = await AppendAsync(user, inbox, raw);

        result.Size.Should().Be(raw.Length);
        (await ReadMessageAsync(user, inbox, result.Uid)).Should().Equal(raw);
    }

    [SkippableFact]
    public async Task A_multipart_message_with_an_external_attachment_reads_back_byte_identical()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var raw = WithAttachment(1, size: 20_000, seed: 3).ToBytes();

        var result = await AppendAsync(user, inbox, raw);

        var content = await Messages.OpenContentAsync(user.Id, inbox.Id, result.Uid);
        content!.Size.Should().Be(raw.Length);
        content.Layout.Segments.Sum(s => s.Length).Should().Be(raw.Length, "the segments add up to the message");
        content.Layout.Segments.Should().Contain(s => s.IsExternal, "a 20 kB binary attachment goes to the attachment store");
        (await ReadFullMessageAsync(content)).Should().Equal(raw);
    }

    [SkippableFact]
    public async Task A_message_with_bare_LF_line_endings_reads_back_with_CRLF_and_is_sized_after_normalisation()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var message = WithAttachment(1, size: 3000) with { BareLineFeeds = true };
        var raw = message.ToBytes();
        var normalised = (message with { BareLineFeeds = false }).ToBytes();
        raw.Should().NotContain((byte)'\r', "the test input uses bare LF only");

        var result = await AppendAsync(user, inbox, raw);

        result.Size.Should().Be(normalised.Length);
        (await GetAsync(user, inbox, result.Uid)).Size.Should().Be(normalised.Length);
        (await ReadMessageAsync(user, inbox, result.Uid)).Should().Equal(normalised);
        (await ReloadAsync(user)).StorageUsed.Should().Be(normalised.Length);
    }

    [SkippableFact]
    public async Task A_message_with_NUL_bytes_and_8bit_headers_reads_back_byte_identical()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var text = "From: Jörg Müller <joerg@example.de>\r\nTo: Zoë <zoe@example.com>\r\nSubject: Grüße – ünïcödé ✓\r\n"
            + "Date: Mon, 01 Jan 2024 00:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "NUL follows: \0 and more \0\0 text; Latin-1 byte follows: ";
        var raw = Encoding.UTF8.GetBytes(text).Concat(new byte[] { 0xE9, 0xFF, 0x80, 0x0D, 0x0A, (byte)'e', (byte)'n', (byte)'d', 0x0D, 0x0A }).ToArray();

        var result = await AppendAsync(user, inbox, raw);

        result.Size.Should().Be(raw.Length);
        (await ReadMessageAsync(user, inbox, result.Uid)).Should().Equal(raw);
    }

    [SkippableFact]
    public async Task Metadata_reports_size_dates_subject_and_message_id()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var sent = new DateTimeOffset(2023, 12, 24, 18, 30, 0, TimeSpan.FromHours(2));
        var received = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var raw = new TestMessage { Subject = "=?UTF-8?Q?Fr=C3=B6hliche_Weihnachten?=", Date = sent, MessageId = "<xmas@example.com>" }.ToBytes();

        var result = await AppendAsync(user, inbox, raw, MessageFlags.Flagged, received, "$Important");
        var message = await GetAsync(user, inbox, result.Uid);

        message.Id.Should().Be(result.Id);
        message.Mailbox.Should().Be(inbox.Id);
        message.Uid.Should().Be(result.Uid);
        message.ModSeq.Should().Be(result.ModSeq);
        message.Size.Should().Be(raw.Length);
        message.InternalDate.Should().Be(received);
        message.HeaderDate.Should().Be(sent);
        message.Subject.Should().Be("Fröhliche Weihnachten");
        message.MessageIdHeader.Should().Be("<xmas@example.com>");
        message.Flags.Should().Be(MessageFlags.Flagged);
        message.Keywords.Should().Equal("$Important");
        message.HasAttachments.Should().BeFalse();
    }

    [SkippableFact]
    public async Task Without_an_internal_date_the_append_time_is_used_and_a_missing_Date_header_falls_back_to_it()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var before = DateTimeOffset.UtcNow;

        var result = await AppendAsync(user, inbox, new TestMessage { Date = null }.ToBytes());
        var message = await GetAsync(user, inbox, result.Uid);

        message.InternalDate.Should().BeCloseTo(before, TimeSpan.FromSeconds(30));
        message.HeaderDate.Should().Be(message.InternalDate);
    }

    [SkippableFact]
    public async Task Envelope_and_structure_are_loaded_only_when_requested()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendAsync(user, inbox, WithAttachment(1).ToBytes());

        var basic = await GetAsync(user, inbox, 1);
        var full = await GetAsync(user, inbox, 1, MessageFields.Envelope | MessageFields.Structure);
        var listed = (await ListAsync(user, inbox, MessageFields.Envelope)).Single();

        basic.Envelope.Should().BeNull();
        basic.BodyStructure.Should().BeNull();
        full.Envelope.Should().NotBeNull().And.NotBeEmpty();
        full.Envelope![0].Should().Be((byte)'(');
        full.BodyStructure.Should().NotBeNull().And.NotBeEmpty();
        full.BodyStructure![0].Should().Be((byte)'(');
        full.Body.Should().NotBeNull().And.NotBeEmpty();
        Encoding.ASCII.GetString(full.BodyStructure).Should().ContainEquivalentOf("\"mixed\"");
        listed.Envelope.Should().Equal(full.Envelope);
        full.HasAttachments.Should().BeTrue();
    }

    [SkippableFact]
    public async Task ListMessages_returns_requested_uids_in_ascending_order_and_skips_missing_ones()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        for (var i = 1; i <= 6; i++)
        {
            await AppendSimpleAsync(user, inbox, i);
        }

        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(4));
        var listed = new List<uint>();
        await foreach (var m in Messages.ListMessagesAsync(user.Id, inbox.Id, UidSet.FromRanges(new[] { new UidRange(5, 3), new UidRange(1, 1), new UidRange(6, 100) })))
        {
            listed.Add(m.Uid);
        }

        listed.Should().Equal(1u, 3u, 5u, 6u);
        (await Messages.GetMessageAsync(user.Id, inbox.Id, 4)).Should().BeNull();
        (await Messages.OpenContentAsync(user.Id, inbox.Id, 4)).Should().BeNull();
        (await Messages.GetMessageAsync(user.Id, inbox.Id, 99)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Messages_are_isolated_per_mailbox_and_per_user()
    {
        SkipIfUnavailable();
        var (alice, aliceInbox) = await UserWithInboxAsync("alice");
        var (bob, bobInbox) = await UserWithInboxAsync("bob");
        await AppendSimpleAsync(alice, aliceInbox, 1);

        (await Messages.GetMessageAsync(bob.Id, aliceInbox.Id, 1)).Should().BeNull();
        (await Messages.OpenContentAsync(bob.Id, aliceInbox.Id, 1)).Should().BeNull();
        (await ListAsync(bob, bobInbox)).Should().BeEmpty();
        (await AppendSimpleAsync(bob, bobInbox, 2)).Uid.Should().Be(1, "UIDs are per mailbox");
    }
}
