// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

public sealed class MessageTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public MessageTests(ApiHost api) => _api = api;

    private static string MessagesPath(UserRecord user, MailboxRecord mailbox) => "/users/" + user.Id + "/mailboxes/" + mailbox.Id + "/messages";

    [Fact]
    public async Task The_parsed_message_has_addresses_text_html_attachments_and_flags()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Multipart(), flags: MessageFlags.Flagged);
        var token = await _api.LoginAsync(user);

        var (status, message) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + inbox.Id + "/messages/" + stored.Uid, token);
        status.Should().Be(HttpStatusCode.OK, message.ToJsonString());
        ((long)message["id"]!).Should().Be(stored.Uid);
        ((string)message["subject"]!).Should().Be("Quarterly report");
        ((string)message["from"]!["address"]!).Should().Be("carol@example.com");
        ((string)message["from"]!["name"]!).Should().Be("Carol Sender");
        message["to"]!.AsArray().Select(a => (string)a!["address"]!).Should().Equal("alice@example.test", "bob@example.test");
        message["cc"]!.AsArray().Select(a => (string)a!["address"]!).Should().Equal("dave@example.com");
        message["replyTo"]!.AsArray().Select(a => (string)a!["address"]!).Should().Equal("replies@example.com");
        ((string)message["messageId"]!).Should().Be("<report-1@example.com>");
        ((string)message["envelope"]!["from"]![0]!["address"]!).Should().Be("carol@example.com");
        ((string)message["envelope"]!["messageId"]!).Should().Be("<report-1@example.com>");
        ((string)message["text"]!).Should().Contain("Hello Alice, the numbers are in.");
        ((string)message["html"]![0]!).Should().Contain("<b>numbers</b>");
        ((string)message["list"]!["id"]!).Should().Contain("reports.example.com");
        ((bool)message["flagged"]!).Should().BeTrue();
        ((bool)message["seen"]!).Should().BeFalse();
        ((long)message["size"]!).Should().Be(stored.Size);
        var attachment = message["attachments"]!.AsArray().Single()!;
        ((string)attachment["id"]!).Should().Be("ATT00001");
        ((string)attachment["filename"]!).Should().Be("report.bin");
        ((string)attachment["contentType"]!).Should().Be("application/octet-stream");
        ((long)attachment["sizeKb"]!).Should().BeInRange(1, 2, "the indexer estimates the decoded size of base64 from its length");
    }

    [Fact]
    public async Task Mark_as_seen_sets_the_flag_through_the_store()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("read me"));
        var (_, message) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "/" + stored.Uid + "?markAsSeen=true");
        ((bool)message["seen"]!).Should().BeTrue();
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().HaveFlag(MessageFlags.Seen);
    }

    [Fact]
    public async Task Message_eml_is_byte_exact_and_the_attachment_is_decoded()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var original = TestMessages.Multipart();
        var stored = await _api.DeliverAsync(user, original);

        using var eml = await _api.SendAsync(HttpMethod.Get, MessagesPath(user, inbox) + "/" + stored.Uid + "/message.eml");
        eml.StatusCode.Should().Be(HttpStatusCode.OK);
        eml.Content.Headers.ContentType!.MediaType.Should().Be("message/rfc822");
        (await eml.Content.ReadAsByteArrayAsync()).Should().Equal(original);

        using var attachment = await _api.SendAsync(HttpMethod.Get, MessagesPath(user, inbox) + "/" + stored.Uid + "/attachments/ATT00001");
        attachment.StatusCode.Should().Be(HttpStatusCode.OK);
        attachment.Content.Headers.ContentType!.MediaType.Should().Be("application/octet-stream");
        attachment.Content.Headers.ContentDisposition!.FileName.Should().Contain("report.bin");
        (await attachment.Content.ReadAsByteArrayAsync()).Should().Equal(TestMessages.AttachmentBytes);

        var (status, body) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "/" + stored.Uid + "/attachments/ATT00009");
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("AttachmentNotFound");
    }

    [Fact]
    public async Task A_bare_lf_message_comes_back_as_stored_with_crlf()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var lf = Encoding.ASCII.GetBytes("Subject: lf\nFrom: a@example.com\n\nline one\nline two\n");
        var stored = await _api.DeliverAsync(user, lf);
        using var eml = await _api.SendAsync(HttpMethod.Get, MessagesPath(user, inbox) + "/" + stored.Uid + "/message.eml");
        var bytes = await eml.Content.ReadAsByteArrayAsync();
        bytes.Should().Equal(Encoding.ASCII.GetBytes("Subject: lf\r\nFrom: a@example.com\r\n\r\nline one\r\nline two\r\n"));
        bytes.LongLength.Should().Be(stored.Size);
    }

    [Fact]
    public async Task Listing_pages_by_uid_in_both_orders()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var uids = new List<uint>();
        for (int i = 0; i < 5; i++)
        {
            uids.Add((await _api.DeliverAsync(user, TestMessages.Simple("m" + i))).Uid);
        }

        async Task<List<long>> CollectAsync(string order)
        {
            var all = new List<long>();
            string? next = null;
            do
            {
                var (status, body) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "?limit=2&order=" + order + (next is null ? string.Empty : "&next=" + next));
                status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
                ((long)body["total"]!).Should().Be(5);
                all.AddRange(body["results"]!.AsArray().Select(m => (long)m!["id"]!));
                next = body["nextCursor"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            }
            while (next is not null);
            return all;
        }

        (await CollectAsync("asc")).Should().Equal(uids.Select(u => (long)u));
        (await CollectAsync("desc")).Should().Equal(uids.Select(u => (long)u).Reverse());

        var (_, page) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "?limit=2&order=asc");
        var item = page["results"]![0]!;
        ((string)item["subject"]!).Should().Be("m0");
        ((string)item["from"]!["address"]!).Should().Be("sender@example.com");
        ((bool)item["seen"]!).Should().BeFalse();

        var (_, second) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "?limit=2&order=asc&next=" + (string)page["nextCursor"]!);
        var (_, back) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "?limit=2&order=asc&previous=" + (string)second["previousCursor"]!);
        back["results"]!.AsArray().Select(m => (long)m!["id"]!).Should().Equal(uids.Take(2).Select(u => (long)u));
    }

    [Fact]
    public async Task The_unseen_filter_lists_only_unseen_messages()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        await _api.DeliverAsync(user, TestMessages.Simple("seen"), flags: MessageFlags.Seen);
        var unseen = await _api.DeliverAsync(user, TestMessages.Simple("unseen"));
        var (_, body) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, inbox) + "?unseen=true");
        body["results"]!.AsArray().Select(m => (long)m!["id"]!).Should().Equal(unseen.Uid);
    }

    [Fact]
    public async Task Update_flags_and_move_then_delete()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        var original = TestMessages.Simple("move me");
        var stored = await _api.DeliverAsync(user, original);

        (await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/" + stored.Uid, json: new JsonObject { ["seen"] = true, ["flagged"] = true })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);
        (await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/" + stored.Uid, json: new JsonObject { ["flagged"] = false })).Status.Should().Be(HttpStatusCode.OK);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.Seen);

        var (status, moved) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/" + stored.Uid, json: new JsonObject { ["moveTo"] = trash.Id.ToString() });
        status.Should().Be(HttpStatusCode.OK, moved.ToJsonString());
        ((string)moved["mailbox"]!).Should().Be(trash.Id.ToString());
        var newUid = (long)moved["id"]![0]![1]!;
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid)).Should().BeNull();

        using (var eml = await _api.SendAsync(HttpMethod.Get, MessagesPath(user, trash) + "/" + newUid + "/message.eml"))
        {
            (await eml.Content.ReadAsByteArrayAsync()).Should().Equal(original, "a move keeps the bytes");
        }

        (await _api.CallAsync(HttpMethod.Delete, MessagesPath(user, trash) + "/" + newUid)).Status.Should().Be(HttpStatusCode.OK);
        var (goneStatus, gone) = await _api.CallAsync(HttpMethod.Get, MessagesPath(user, trash) + "/" + newUid);
        goneStatus.Should().Be(HttpStatusCode.NotFound);
        ((string)gone["code"]!).Should().Be("MessageNotFound");
        (await _api.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(0);
    }

    [Fact]
    public async Task Moving_to_an_unknown_mailbox_is_404_and_changes_nothing()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("stay"));
        var (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/" + stored.Uid, json: new JsonObject { ["moveTo"] = MailboxId.NewId().ToString(), ["seen"] = true });
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("NoSuchMailbox");
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.None);
    }

    [Fact]
    public async Task Upload_raw_rfc822_is_stored_byte_exact()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var inbox = await _api.InboxAsync(user);
        var original = TestMessages.Multipart("Uploaded");
        using var content = new ByteArrayContent(original);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes/" + inbox.Id + "/messages?unseen=true&flagged=true", token, content: content);
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var uid = (long)body["message"]!["id"]!;
        ((long)body["message"]!["size"]!).Should().Be(original.Length);

        var record = (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, (uint)uid))!;
        record.Flags.Should().Be(MessageFlags.Flagged);
        using var eml = await _api.SendAsync(HttpMethod.Get, "/users/me/mailboxes/" + inbox.Id + "/messages/" + uid + "/message.eml", token);
        (await eml.Content.ReadAsByteArrayAsync()).Should().Equal(original);
    }

    [Fact]
    public async Task Upload_as_json_raw_is_stored_seen_by_default()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), json: new JsonObject { ["raw"] = "Subject: json\r\n\r\nhello\r\n" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var record = (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, (uint)(long)body["message"]!["id"]!))!;
        record.Flags.Should().Be(MessageFlags.Seen);
        record.Subject.Should().Be("json");
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_stores_nothing()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var big = Encoding.ASCII.GetBytes("Subject: big\r\n\r\n" + new string('x', ApiHost.MaxUploadSize) + "\r\n");
        using var content = new ByteArrayContent(big);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        var (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), content: content);
        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        ((string)body["code"]!).Should().Be("PayloadTooLarge");
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(0);
    }

    [Fact]
    public async Task Upload_over_quota_is_refused()
    {
        var user = await _api.CreateUserAsync();
        await _api.Users.UpdateUserAsync(user.Id, new UserUpdate { Quota = 10 });
        var inbox = await _api.InboxAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), json: new JsonObject { ["raw"] = "Subject: quota\r\n\r\nthis is more than ten bytes\r\n" });
        status.Should().Be(HttpStatusCode.Forbidden);
        ((string)body["code"]!).Should().Be("OverQuotaError");
    }

    [Fact]
    public async Task A_mailbox_of_another_user_is_not_found_even_for_the_owner_path()
    {
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        var aliceInbox = await _api.InboxAsync(alice);
        var bobToken = await _api.LoginAsync(bob);
        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + aliceInbox.Id + "/messages", bobToken);
        status.Should().Be(HttpStatusCode.NotFound);
        ((string)body["code"]!).Should().Be("NoSuchMailbox");
    }

    [Fact]
    public async Task Put_accepts_uid_sets_for_bulk_flag_changes_and_moves()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        var uids = await _api.DeliverManyAsync(user, "bulk", 4);

        var (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/" + uids[0] + "," + uids[2] + ":" + uids[3], json: new JsonObject { ["seen"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["updated"]!).Should().Be(3);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, uids[1]))!.Flags.Should().Be(MessageFlags.None);
        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, uids[3]))!.Flags.Should().Be(MessageFlags.Seen);

        (_, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/" + uids[2] + ":*", json: new JsonObject { ["moveTo"] = trash.Id.ToString() });
        ((long)body["updated"]!).Should().Be(2);
        body["id"]!.AsArray().Select(pair => (long)pair![0]!).Should().Equal(uids[2], uids[3]);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, trash.Id))!.MessageCount.Should().Be(2);

        (_, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/900:999", json: new JsonObject { ["seen"] = true });
        ((long)body["updated"]!).Should().Be(0);
        (await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/999", json: new JsonObject { ["seen"] = true })).Status.Should().Be(HttpStatusCode.NotFound);
        var (badStatus, bad) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox) + "/1:x", json: new JsonObject { ["seen"] = true });
        badStatus.Should().Be(HttpStatusCode.BadRequest);
        bad["details"]!["message"].Should().NotBeNull();
    }

    [Fact]
    public async Task Upload_composed_from_json_is_stored_and_reads_back_parsed()
    {
        var user = await _api.CreateUserAsync();
        var token = await _api.LoginAsync(user);
        var inbox = await _api.InboxAsync(user);
        var bytes = TestMessages.AttachmentBytes;
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes/" + inbox.Id + "/messages", token, new JsonObject
        {
            ["to"] = new JsonArray(new JsonObject { ["name"] = "Bob Ünicode", ["address"] = "bob@example.org" }),
            ["cc"] = new JsonArray(new JsonObject { ["address"] = "carol@example.org" }),
            ["subject"] = "Composed ✓",
            ["text"] = "Plain words.",
            ["html"] = "<p>Rich <img src=\"cid:logo@x\"> words.</p>",
            ["attachments"] = new JsonArray(
                new JsonObject { ["filename"] = "data.bin", ["contentType"] = "application/octet-stream", ["content"] = Convert.ToBase64String(bytes) },
                new JsonObject { ["filename"] = "logo.png", ["contentType"] = "image/png", ["content"] = Convert.ToBase64String(new byte[] { 137, 80, 78, 71 }), ["cid"] = "logo@x" }),
            ["draft"] = true,
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var uid = (long)body["message"]!["id"]!;

        var (_, message) = await _api.CallAsync(HttpMethod.Get, "/users/me/mailboxes/" + inbox.Id + "/messages/" + uid, token);
        ((string)message["subject"]!).Should().Be("Composed ✓");
        ((string)message["from"]!["address"]!).Should().Be(user.Address);
        ((string)message["to"]![0]!["name"]!).Should().Be("Bob Ünicode");
        ((string)message["cc"]![0]!["address"]!).Should().Be("carol@example.org");
        ((string)message["text"]!).Should().Contain("Plain words.");
        ((string)message["html"]![0]!).Should().Contain("cid:logo@x");
        ((bool)message["draft"]!).Should().BeTrue();
        var attachments = message["attachments"]!.AsArray();
        attachments.Select(a => (string)a!["filename"]!).Should().BeEquivalentTo(new[] { "data.bin", "logo.png" });
        var data = attachments.Single(a => (string)a!["filename"]! == "data.bin")!;
        using var download = await _api.SendAsync(HttpMethod.Get, "/users/me/mailboxes/" + inbox.Id + "/messages/" + uid + "/attachments/" + (string)data["id"]!, token);
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Fact]
    public async Task Compose_fields_are_validated_per_item()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), json: new JsonObject
        {
            ["to"] = new JsonArray(new JsonObject { ["address"] = "not an address" }, new JsonObject { ["name"] = "no address" }, new JsonObject { ["address"] = "ok@example.org", ["extra"] = 1 }),
            ["attachments"] = new JsonArray(new JsonObject { ["content"] = "***" }),
        });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        var details = body["details"]!.AsObject();
        details.Select(d => d.Key).Should().Contain(new[] { "to[1].address", "to[2].extra" });
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(0);

        (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), json: new JsonObject { ["to"] = new JsonArray(new JsonObject { ["address"] = "bad" }) });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["to[0].address"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), json: new JsonObject { ["attachments"] = new JsonArray(new JsonObject { ["content"] = "***" }) });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["attachments[0].content"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Post, MessagesPath(user, inbox), json: new JsonObject { ["raw"] = "Subject: x\r\n\r\nx\r\n", ["text"] = "both" });
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["raw"].Should().NotBeNull();
    }

    [Fact]
    public async Task Deleting_all_messages_empties_the_mailbox_and_releases_quota()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        for (int i = 0; i < 3; i++)
        {
            await _api.DeliverAsync(user, TestMessages.Multipart("clear" + i));
        }

        var (status, body) = await _api.CallAsync(HttpMethod.Delete, MessagesPath(user, inbox));
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["deleted"]!).Should().Be(3);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(0);
        (await _api.Users.GetUserAsync(user.Id))!.StorageUsed.Should().Be(0);
        (_, body) = await _api.CallAsync(HttpMethod.Delete, MessagesPath(user, inbox));
        ((long)body["deleted"]!).Should().Be(0);
    }

    [Fact]
    public async Task Put_on_the_mailbox_changes_the_flags_of_every_message()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var other = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Junk))!;
        var outside = await _api.DeliverAsync(user, TestMessages.Simple("elsewhere"), other.Path);
        var uids = new List<uint>();
        for (int i = 0; i < 3; i++)
        {
            uids.Add((await _api.DeliverAsync(user, TestMessages.Simple("all" + i), flags: i == 0 ? MessageFlags.Draft : MessageFlags.None)).Uid);
        }

        var (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["seen"] = true, ["flagged"] = true, ["draft"] = false });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["updated"]!).Should().Be(3);
        foreach (var uid in uids)
        {
            (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, uid))!.Flags.Should().Be(MessageFlags.Seen | MessageFlags.Flagged);
        }

        (await _api.Messages.GetMessageAsync(user.Id, other.Id, outside.Uid))!.Flags.Should().Be(MessageFlags.None, "only the mailbox of the path changes");
    }

    [Fact]
    public async Task Put_on_the_mailbox_moves_every_message_and_maps_the_ids()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        var uids = await _api.DeliverManyAsync(user, "move all", 3);

        var (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["moveTo"] = trash.Id.ToString(), ["seen"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["updated"]!).Should().Be(3);
        ((string)body["mailbox"]!).Should().Be(trash.Id.ToString());
        var pairs = body["id"]!.AsArray();
        pairs.Select(pair => (long)pair![0]!).Should().Equal(uids.Select(uid => (long)uid));
        (await _api.Mailboxes.GetMailboxAsync(user.Id, inbox.Id))!.MessageCount.Should().Be(0);
        (await _api.Mailboxes.GetMailboxAsync(user.Id, trash.Id))!.MessageCount.Should().Be(3);
        foreach (var pair in pairs)
        {
            (await _api.Messages.GetMessageAsync(user.Id, trash.Id, (uint)(long)pair![1]!))!.Flags.Should().Be(MessageFlags.Seen);
        }
    }

    [Fact]
    public async Task Put_on_an_empty_mailbox_updates_nothing()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var trash = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Trash))!;
        var (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["seen"] = true });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["updated"]!).Should().Be(0);
        (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["moveTo"] = trash.Id.ToString() });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        ((long)body["updated"]!).Should().Be(0);
    }

    [Fact]
    public async Task Put_on_the_mailbox_validates_the_body_and_changes_nothing_on_error()
    {
        var user = await _api.CreateUserAsync();
        var inbox = await _api.InboxAsync(user);
        var stored = await _api.DeliverAsync(user, TestMessages.Simple("keep"));

        var (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["seen"] = "yes" });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["seen"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["moveTo"] = "not-a-mailbox", ["seen"] = true });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["moveTo"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["moveTo"] = inbox.Id.ToString(), ["seen"] = true });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["moveTo"].Should().NotBeNull();

        (status, body) = await _api.CallAsync(HttpMethod.Put, MessagesPath(user, inbox), json: new JsonObject { ["moveTo"] = MailboxId.NewId().ToString(), ["seen"] = true });
        status.Should().Be(HttpStatusCode.NotFound, body.ToJsonString());
        ((string)body["code"]!).Should().Be("NoSuchMailbox");

        (await _api.Messages.GetMessageAsync(user.Id, inbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.None);
    }

    [Fact]
    public async Task Put_on_another_users_mailbox_is_denied_and_changes_nothing()
    {
        var alice = await _api.CreateUserAsync();
        var bob = await _api.CreateUserAsync();
        var aliceInbox = await _api.InboxAsync(alice);
        var bobTrash = (await _api.Mailboxes.FindSpecialUseAsync(bob.Id, SpecialUse.Trash))!;
        var stored = await _api.DeliverAsync(alice, TestMessages.Simple("private"));
        var bobToken = await _api.LoginAsync(bob);

        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/me/mailboxes/" + aliceInbox.Id + "/messages", bobToken, json: new JsonObject { ["seen"] = true, ["moveTo"] = bobTrash.Id.ToString() });
        status.Should().Be(HttpStatusCode.NotFound, body.ToJsonString());
        ((string)body["code"]!).Should().Be("NoSuchMailbox");
        (status, _) = await _api.CallAsync(HttpMethod.Put, "/users/" + alice.Id + "/mailboxes/" + aliceInbox.Id + "/messages", bobToken, json: new JsonObject { ["seen"] = true });
        status.Should().Be(HttpStatusCode.Forbidden);

        (await _api.Messages.GetMessageAsync(alice.Id, aliceInbox.Id, stored.Uid))!.Flags.Should().Be(MessageFlags.None);
        (await _api.Mailboxes.GetMailboxAsync(bob.Id, bobTrash.Id))!.MessageCount.Should().Be(0);
    }
}
