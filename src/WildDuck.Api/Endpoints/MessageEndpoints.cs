// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Net.Http.Headers;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Api.Endpoints;

/// <summary>Messages of a mailbox (reference §8.3 "Messages", §8.4). A message's id is its UID.</summary>
internal static class MessageEndpoints
{
    private const string MessagePath = "/users/{user}/mailboxes/{mailbox}/messages/{message}";

    private static readonly FieldSpec[] UploadFlags =
    {
        new("unseen", FieldType.Boolean, "Store without \\Seen (default false: the message is seen)"),
        new("flagged", FieldType.Boolean, "Store with \\Flagged"),
        new("draft", FieldType.Boolean, "Store with \\Draft"),
    };

    /// <summary>An address object of the compose fields (also used by submission).</summary>
    internal static readonly FieldSpec[] AddressFields =
    {
        new("name", FieldType.String, "Display name") { MaxLength = 256 },
        new("address", FieldType.String, "Email address") { Required = true, MaxLength = 256 },
    };

    /// <summary>An attachment object of the compose fields (also used by submission).</summary>
    internal static readonly FieldSpec[] AttachmentFields =
    {
        new("filename", FieldType.String, "File name") { MaxLength = 256 },
        new("contentType", FieldType.String, "Content type (default application/octet-stream)") { MaxLength = 256 },
        new("content", FieldType.String, "The content, base64") { Required = true, MaxLength = int.MaxValue },
        new("cid", FieldType.String, "Content-ID, to reference it from the HTML as cid:…") { MaxLength = 256 },
    };

    /// <summary>The body of <c>PUT …/messages[/{message}]</c>: flags to set (true) or clear (false), and a move.</summary>
    private static readonly FieldSpec[] UpdateFields =
    {
        new("seen", FieldType.Boolean, "\\Seen"),
        new("flagged", FieldType.Boolean, "\\Flagged"),
        new("deleted", FieldType.Boolean, "\\Deleted"),
        new("draft", FieldType.Boolean, "\\Draft"),
        new("answered", FieldType.Boolean, "\\Answered"),
        new("moveTo", FieldType.String, "Id of the mailbox to move the messages to") { MaxLength = 24 },
    };

    private static readonly string[] ComposeFields = { "from", "replyTo", "to", "cc", "bcc", "subject", "text", "html", "attachments", "headers", "date" };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/mailboxes/{mailbox}/messages", "listMessages", "Messages", "Lists messages by UID", RouteAccess.UserData, ListAsync)
        {
            Paged = true,
            Query = new FieldSpec[]
            {
                new("order", FieldType.String, "asc or desc by UID (default desc: newest first)") { Allowed = new[] { "asc", "desc" } },
                new("unseen", FieldType.Boolean, "Only messages without \\Seen"),
            },
        };

        yield return new ApiRoute("POST", "/users/{user}/mailboxes/{mailbox}/messages", "uploadMessage", "Messages",
            "Stores a message: the raw RFC 822 bytes as message/rfc822 (flags in the query), or JSON with raw", RouteAccess.UserData, UploadAsync)
        {
            BodyKind = BodyKind.JsonOrMessage,
            Query = UploadFlags,
            Body = new FieldSpec[]
            {
                new("raw", FieldType.String, "The RFC 822 message as text (or compose with the fields below)") { MinLength = 1, MaxLength = int.MaxValue },
                new("from", FieldType.Object, "From (default: the user's main address)") { Fields = AddressFields },
                new("replyTo", FieldType.Object, "Reply-To") { Fields = AddressFields },
                new("to", FieldType.ObjectArray, "To") { Fields = AddressFields, MaxItems = 100 },
                new("cc", FieldType.ObjectArray, "Cc") { Fields = AddressFields, MaxItems = 100 },
                new("bcc", FieldType.ObjectArray, "Bcc (kept in the stored copy, as in a draft)") { Fields = AddressFields, MaxItems = 100 },
                new("subject", FieldType.String, "Subject") { MaxLength = 2048 },
                new("text", FieldType.String, "Plain text body") { MaxLength = int.MaxValue },
                new("html", FieldType.String, "HTML body") { MaxLength = int.MaxValue },
                new("attachments", FieldType.ObjectArray, "Attachments; with cid they are inline resources of the HTML") { Fields = AttachmentFields, MaxItems = 32 },
                MessageComposer.HeadersField,
                MessageComposer.DateField,
                UploadFlags[0],
                UploadFlags[1],
                UploadFlags[2],
            },
        };

        yield return new ApiRoute("DELETE", "/users/{user}/mailboxes/{mailbox}/messages", "deleteMessages", "Messages", "Empties the mailbox: deletes every message in it", RouteAccess.UserData, ClearAsync);

        yield return new ApiRoute("GET", MessagePath, "getMessage", "Messages", "Gets the parsed message: addresses, text, HTML, attachments, flags", RouteAccess.UserData, GetAsync)
        {
            Query = new FieldSpec[] { new("markAsSeen", FieldType.Boolean, "Set \\Seen") },
        };

        yield return new ApiRoute("PUT", MessagePath, "updateMessage", "Messages", "Changes flags and/or moves messages; {message} may be a UID set (1,2,3 or 3:15 or 3:*)", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = UpdateFields,
        };

        yield return new ApiRoute("PUT", "/users/{user}/mailboxes/{mailbox}/messages", "updateMessages", "Messages", "Changes flags and/or moves every message of the mailbox (as {message} = 1:*)", RouteAccess.UserData, UpdateAllAsync)
        {
            BodyKind = BodyKind.Json,
            Body = UpdateFields,
        };

        yield return new ApiRoute("DELETE", MessagePath, "deleteMessage", "Messages", "Deletes the message", RouteAccess.UserData, DeleteAsync);

        yield return new ApiRoute("GET", MessagePath + "/message.eml", "getMessageSource", "Messages", "The message exactly as stored (RFC 822)", RouteAccess.UserData, SourceAsync)
        {
            Produces = "message/rfc822",
        };

        yield return new ApiRoute("GET", MessagePath + "/attachments/{attachment}", "getAttachment", "Messages", "An attachment, decoded", RouteAccess.UserData, AttachmentAsync)
        {
            Produces = "application/octet-stream",
        };
    }

    private static JsonObject Flags(MessageFlags flags, IReadOnlyList<string> keywords, JsonObject body)
    {
        body["seen"] = flags.HasFlag(MessageFlags.Seen);
        body["deleted"] = flags.HasFlag(MessageFlags.Deleted);
        body["flagged"] = flags.HasFlag(MessageFlags.Flagged);
        body["draft"] = flags.HasFlag(MessageFlags.Draft);
        bool forwarded = false;
        foreach (var keyword in keywords)
        {
            forwarded |= string.Equals(keyword, "$Forwarded", StringComparison.OrdinalIgnoreCase);
        }

        body["answered"] = flags.HasFlag(MessageFlags.Answered) && !forwarded;
        body["forwarded"] = forwarded;
        body["keywords"] = ApiJson.Strings(keywords);
        return body;
    }

    private static async Task ListAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        var snapshot = await call.Services.Mailboxes.OpenAsync(user.Id, mailbox.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
        IReadOnlyList<uint> uids = snapshot.Uids;
        if (call.Input.Flag("unseen"))
        {
            var unseen = new List<uint>();
            await foreach (var record in call.Services.Messages.ListMessagesAsync(user.Id, mailbox.Id, snapshot.UidSet, MessageFields.Basic, call.Aborted).ConfigureAwait(false))
            {
                if (!record.Flags.HasFlag(MessageFlags.Seen))
                {
                    unseen.Add(record.Uid);
                }
            }

            uids = unseen;
        }

        bool descending = call.Input.String("order") != "asc";
        if (descending)
        {
            var reversed = new uint[uids.Count];
            for (int i = 0; i < reversed.Length; i++)
            {
                reversed[i] = uids[uids.Count - 1 - i];
            }

            uids = reversed;
        }

        Comparison<string> compare = descending
            ? static (a, b) => CursorUid(b).CompareTo(CursorUid(a))
            : static (a, b) => CursorUid(a).CompareTo(CursorUid(b));
        var page = Pager.Slice(uids, static uid => uid.ToString(CultureInfo.InvariantCulture), compare, descending ? "uid-desc" : "uid-asc", call);

        var items = await ListItemsAsync(call, user, mailbox, page.Items).ConfigureAwait(false);
        var results = new JsonArray();
        foreach (var uid in page.Items)
        {
            if (items.Remove(uid, out var item))
            {
                results.Add((JsonNode)item);
            }
        }

        await call.OkAsync(Pager.Response(page, call, results)).ConfigureAwait(false);
    }

    /// <summary>The list items (reference §8.4) of <paramref name="uids"/> by UID; UIDs gone meanwhile are missing.</summary>
    public static async Task<Dictionary<uint, JsonObject>> ListItemsAsync(ApiCall call, UserRecord user, MailboxRecord mailbox, IReadOnlyList<uint> uids)
    {
        var items = new Dictionary<uint, JsonObject>();
        if (uids.Count > 0)
        {
            await foreach (var record in call.Services.Messages.ListMessagesAsync(user.Id, mailbox.Id, UidSet.FromUids(uids), MessageFields.Content, call.Aborted).ConfigureAwait(false))
            {
                using var content = record.Content;
                var headers = content is null ? null : await MessageHeaders.ReadAsync(content, call.Aborted).ConfigureAwait(false);
                items[record.Uid] = ListItem(record, mailbox, headers);
            }
        }

        return items;
    }

    /// <summary>Cursor positions are UIDs; anything else in a cursor is a malformed cursor.</summary>
    private static ulong CursorUid(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            ? uid
            : throw ApiException.Validation("next", "is not a valid cursor");

    private static JsonObject ListItem(MessageRecord record, MailboxRecord mailbox, MessageHeaders? headers)
    {
        var item = new JsonObject
        {
            ["id"] = record.Uid,
            ["mailbox"] = mailbox.Id.ToString(),
            ["thread"] = record.Thread.ToString(),
            ["from"] = headers?.Address("From") ?? headers?.Address("Sender"),
            ["to"] = headers?.Addresses("To") ?? new JsonArray(),
            ["cc"] = headers?.Addresses("Cc") ?? new JsonArray(),
            ["subject"] = record.Subject,
            ["messageId"] = record.MessageIdHeader,
            ["date"] = ApiJson.Date(record.HeaderDate),
            ["idate"] = ApiJson.Date(record.InternalDate),
            ["size"] = record.Size,
            ["attachments"] = record.HasAttachments,
            ["modseq"] = record.ModSeq,
            ["encrypted"] = headers?.IsEncrypted ?? false,
        };
        return Flags(record.Flags, record.Keywords, item);
    }

    private static async Task<(UserRecord User, MailboxRecord Mailbox, MessageRecord Message)> LocateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        var uid = call.MessageUid();
        var message = await call.Services.Messages.GetMessageAsync(user.Id, mailbox.Id, uid, MessageFields.Basic, call.Aborted).ConfigureAwait(false)
            ?? throw ApiException.MessageNotFound();
        return (user, mailbox, message);
    }

    private static async Task<MessageContent> OpenAsync(ApiCall call, UserRecord user, MailboxRecord mailbox, uint uid) =>
        await call.Services.Messages.OpenContentAsync(user.Id, mailbox.Id, uid, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MessageNotFound();

    /// <summary>
    /// Re-derives text, HTML and attachments from the stored bytes with the same indexer the store
    /// used at ingest (the storage contracts do not expose the stored parse yet).
    /// </summary>
    private static async Task<IndexedMessage> IndexAsync(ApiCall call, MessageContent content)
    {
        var bytes = new byte[content.Size];
        using (var stream = new MemoryStream(bytes))
        {
            await content.WriteToAsync(stream, 0, content.Size, call.Aborted).ConfigureAwait(false);
        }

        return call.Services.Indexer.Index(bytes);
    }

    private static async Task GetAsync(ApiCall call)
    {
        var (user, mailbox, message) = await LocateAsync(call).ConfigureAwait(false);
        using var content = await OpenAsync(call, user, mailbox, message.Uid).ConfigureAwait(false);
        var headers = await MessageHeaders.ReadAsync(content, call.Aborted).ConfigureAwait(false);
        var metadata = (await IndexAsync(call, content).ConfigureAwait(false)).Metadata;

        var flags = message.Flags;
        var keywords = message.Keywords;
        if (call.Input.Flag("markAsSeen") && !flags.HasFlag(MessageFlags.Seen))
        {
            var result = await call.Services.Messages.UpdateFlagsAsync(user.Id, mailbox.Id, UidSet.FromUids(new[] { message.Uid }), new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Seen }, call.Aborted).ConfigureAwait(false);
            flags |= MessageFlags.Seen;
            if (result.Updated.Count > 0)
            {
                keywords = result.Updated[0].Keywords;
            }
        }

        var attachments = new JsonArray();
        foreach (var attachment in metadata.Attachments)
        {
            attachments.Add((JsonNode)new JsonObject
            {
                ["id"] = attachment.Id,
                ["hash"] = attachment.Hash?.ToString(),
                ["filename"] = attachment.FileName,
                ["contentType"] = attachment.ContentType,
                ["disposition"] = attachment.Disposition,
                ["transferEncoding"] = attachment.TransferEncoding,
                ["related"] = attachment.Related,
                ["sizeKb"] = (attachment.DecodedSize + 1023) / 1024,
                ["cid"] = attachment.ContentId,
            });
        }

        var body = new JsonObject
        {
            ["id"] = message.Uid,
            ["mailbox"] = mailbox.Id.ToString(),
            ["user"] = user.Id.ToString(),
            ["thread"] = message.Thread.ToString(),
            ["envelope"] = new JsonObject
            {
                ["date"] = headers["Date"],
                ["subject"] = metadata.Subject,
                ["from"] = headers.Addresses("From"),
                ["sender"] = headers.Addresses("Sender"),
                ["replyTo"] = headers.Addresses("Reply-To"),
                ["to"] = headers.Addresses("To"),
                ["cc"] = headers.Addresses("Cc"),
                ["bcc"] = headers.Addresses("Bcc"),
                ["inReplyTo"] = headers["In-Reply-To"]?.Trim(),
                ["messageId"] = metadata.MessageIdHeader,
            },
            ["from"] = headers.Address("From") ?? headers.Address("Sender"),
            ["replyTo"] = headers.Addresses("Reply-To"),
            ["to"] = headers.Addresses("To"),
            ["cc"] = headers.Addresses("Cc"),
            ["bcc"] = headers.Addresses("Bcc"),
            ["subject"] = metadata.Subject,
            ["messageId"] = metadata.MessageIdHeader,
            ["inReplyTo"] = headers["In-Reply-To"]?.Trim(),
            ["references"] = headers.MessageIds("References"),
            ["date"] = ApiJson.Date(message.HeaderDate),
            ["idate"] = ApiJson.Date(message.InternalDate),
            ["size"] = message.Size,
            ["modseq"] = message.ModSeq,
            ["intro"] = metadata.Intro ?? string.Empty,
            ["text"] = metadata.Text ?? string.Empty,
            ["html"] = ApiJson.Strings(metadata.Html),
            ["attachments"] = attachments,
            ["encrypted"] = headers.IsEncrypted,
        };
        if (headers["List-ID"] is { } listId || headers["List-Unsubscribe"] is not null)
        {
            body["list"] = new JsonObject
            {
                ["id"] = headers["List-ID"]?.Trim(),
                ["unsubscribe"] = headers["List-Unsubscribe"]?.Trim(),
            };
        }

        await call.OkAsync(Flags(flags, keywords, body)).ConfigureAwait(false);
    }

    private static async Task SourceAsync(ApiCall call)
    {
        var (user, mailbox, message) = await LocateAsync(call).ConfigureAwait(false);
        using var content = await OpenAsync(call, user, mailbox, message.Uid).ConfigureAwait(false);
        var response = call.Http.Response;
        response.ContentType = "message/rfc822";
        response.ContentLength = content.Size;
        response.Headers.ContentDisposition = "attachment; filename=\"message.eml\"";
        await content.WriteToAsync(response.Body, 0, content.Size, call.Aborted).ConfigureAwait(false);
    }

    private static async Task AttachmentAsync(ApiCall call)
    {
        var (user, mailbox, message) = await LocateAsync(call).ConfigureAwait(false);
        var id = call.Route("attachment");
        using var content = await OpenAsync(call, user, mailbox, message.Uid).ConfigureAwait(false);
        var metadata = (await IndexAsync(call, content).ConfigureAwait(false)).Metadata;
        AttachmentDescriptor? found = null;
        foreach (var attachment in metadata.Attachments)
        {
            if (string.Equals(attachment.Id, id, StringComparison.Ordinal))
            {
                found = attachment;
                break;
            }
        }

        if (found is null)
        {
            throw new ApiException(404, "AttachmentNotFound", "This attachment does not exist");
        }

        var part = MessageHeaders.PartPath(found.PartNumber);
        var section = await content.ResolveSectionAsync(new SectionSpec { Part = part, Binary = true }, call.Aborted).ConfigureAwait(false);
        if (section.Status == SectionStatus.UnknownTransferEncoding)
        {
            // An unknown Content-Transfer-Encoding cannot be decoded: serve the bytes as stored.
            section = await content.ResolveSectionAsync(new SectionSpec { Part = part }, call.Aborted).ConfigureAwait(false);
        }

        if (section.Status != SectionStatus.Ok)
        {
            throw new ApiException(404, "AttachmentNotFound", "This attachment does not exist");
        }

        var response = call.Http.Response;
        response.ContentType = found.ContentType;
        response.ContentLength = section.Length;

        // Served as a download in a sandbox: an HTML attachment must not run on the API's origin.
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(found.FileName ?? found.Id);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox";
        await section.WriteToAsync(response.Body, call.Aborted).ConfigureAwait(false);
    }

    /// <summary>Most ranges a <c>{message}</c> set may have (bounds the work of one request).</summary>
    private const int MaxRanges = 100;

    /// <summary>
    /// Parses <c>{message}</c> of PUT: a UID, or as WildDuck a UID list or range ("1,2,3", "3:15",
    /// "3:*"; a:b equals b:a, as in IMAP).
    /// </summary>
    internal static UidSet ParseMessageSet(string text, out bool single, string field = "message")
    {
        var parts = text.Split(',');
        single = parts.Length == 1 && !text.Contains(':', StringComparison.Ordinal);
        if (parts.Length > MaxRanges)
        {
            throw ApiException.Validation(field, "must have at most " + MaxRanges.ToString(CultureInfo.InvariantCulture) + " ranges");
        }

        var ranges = new List<UidRange>(parts.Length);
        foreach (var part in parts)
        {
            int colon = part.IndexOf(':', StringComparison.Ordinal);
            if (!TryParseUid(colon < 0 ? part : part[..colon], out var first) || !TryParseUid(colon < 0 ? part : part[(colon + 1)..], out var last))
            {
                throw ApiException.Validation(field, "must be a message id or a UID set (1,2,3 or 3:15 or 3:*)");
            }

            ranges.Add(first <= last ? new UidRange(first, last) : new UidRange(last, first));
        }

        return UidSet.FromRanges(ranges);
    }

    private static bool TryParseUid(string text, out uint uid)
    {
        if (text == "*")
        {
            uid = uint.MaxValue;
            return true;
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uid) && uid > 0;
    }

    private static Task UpdateAsync(ApiCall call) => UpdateAsync(call, wholeMailbox: false);

    /// <summary><c>PUT …/messages</c> (WildDuck's whole-folder update): the same update with the set 1:*.</summary>
    private static Task UpdateAllAsync(ApiCall call) => UpdateAsync(call, wholeMailbox: true);

    private static async Task UpdateAsync(ApiCall call, bool wholeMailbox)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        bool single = false;
        var requested = wholeMailbox ? UidSet.All : ParseMessageSet(call.Route("message"), out single);
        // The same bound as a search action: one request's work (and the one write transaction a
        // move is on SQLite) stays bounded; the listing stops as soon as it is passed.
        var limit = call.Services.Options.MaxSearchActionMatches;
        var existing = new List<uint>();
        await foreach (var record in call.Services.Messages.ListMessagesAsync(user.Id, mailbox.Id, requested, MessageFields.Basic, call.Aborted).ConfigureAwait(false))
        {
            existing.Add(record.Uid);
            if (existing.Count > limit)
            {
                throw ApiException.TooManyMatches(limit, "give a UID range and run it in parts");
            }
        }

        if (single && existing.Count == 0)
        {
            throw ApiException.MessageNotFound();
        }

        var input = call.Input;
        MailboxId? target = null;
        if (input.String("moveTo") is { } moveTo)
        {
            if (!MailboxId.TryParse(moveTo, out var targetId))
            {
                throw ApiException.Validation("moveTo", "must be a mailbox id");
            }

            if (targetId == mailbox.Id)
            {
                throw ApiException.Validation("moveTo", "must be another mailbox");
            }

            _ = await call.Services.Mailboxes.GetMailboxAsync(user.Id, targetId, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
            target = targetId;
        }

        var (add, remove) = FlagChanges(input);
        await call.OkAsync(await ApplyUpdateAsync(call, user, mailbox, existing, add, remove, target).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The flags a body sets (field true) and clears (field false); absent fields change nothing.</summary>
    internal static (MessageFlags Add, MessageFlags Remove) FlagChanges(ApiInput input)
    {
        MessageFlags add = MessageFlags.None, remove = MessageFlags.None;
        foreach (var (field, flag) in new[] { ("seen", MessageFlags.Seen), ("flagged", MessageFlags.Flagged), ("deleted", MessageFlags.Deleted), ("draft", MessageFlags.Draft), ("answered", MessageFlags.Answered) })
        {
            switch (input.Boolean(field))
            {
                case true:
                    add |= flag;
                    break;
                case false:
                    remove |= flag;
                    break;
            }
        }

        return (add, remove);
    }

    /// <summary>
    /// Changes the flags of the <paramref name="existing"/> messages of <paramref name="mailbox"/>,
    /// then moves them to <paramref name="target"/> (a mailbox of the user, checked by the caller):
    /// <c>{updated}</c>, plus <c>{mailbox, id:[[oldUid, newUid], …]}</c> after a move.
    /// </summary>
    internal static async Task<JsonObject> ApplyUpdateAsync(ApiCall call, UserRecord user, MailboxRecord mailbox, IReadOnlyList<uint> existing, MessageFlags add, MessageFlags remove, MailboxId? target)
    {
        var body = new JsonObject { ["updated"] = existing.Count };
        if (existing.Count == 0)
        {
            return body;
        }

        var uids = UidSet.FromUids(existing);
        if (add != MessageFlags.None)
        {
            await call.Services.Messages.UpdateFlagsAsync(user.Id, mailbox.Id, uids, new FlagUpdate { Operation = FlagOperation.Add, Flags = add }, call.Aborted).ConfigureAwait(false);
        }

        if (remove != MessageFlags.None)
        {
            await call.Services.Messages.UpdateFlagsAsync(user.Id, mailbox.Id, uids, new FlagUpdate { Operation = FlagOperation.Remove, Flags = remove }, call.Aborted).ConfigureAwait(false);
        }

        if (target is { } to)
        {
            var moved = await StorageCalls.MapAsync(
                () => call.Services.Messages.MoveAsync(user.Id, mailbox.Id, uids, to, call.Aborted),
                static error => error == StorageError.NotFound ? ApiException.MailboxNotFound() : null).ConfigureAwait(false);
            var pairs = new JsonArray();
            for (int i = 0; i < moved.SourceUids.Count; i++)
            {
                pairs.Add((JsonNode)new JsonArray(moved.SourceUids[i], moved.TargetUids[i]));
            }

            body["updated"] = moved.SourceUids.Count;
            body["mailbox"] = to.ToString();
            body["id"] = pairs;
        }

        return body;
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var (user, mailbox, message) = await LocateAsync(call).ConfigureAwait(false);
        var removed = await call.Services.Messages.DeleteMessagesAsync(user.Id, mailbox.Id, UidSet.FromUids(new[] { message.Uid }), call.Aborted).ConfigureAwait(false);
        if (removed.Count == 0)
        {
            throw ApiException.MessageNotFound();
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task ClearAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        var snapshot = await call.Services.Mailboxes.OpenAsync(user.Id, mailbox.Id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
        var deleted = snapshot.UidSet.IsEmpty
            ? 0
            : (await call.Services.Messages.DeleteMessagesAsync(user.Id, mailbox.Id, snapshot.UidSet, call.Aborted).ConfigureAwait(false)).Count;
        await call.OkAsync(new JsonObject { ["deleted"] = deleted }).ConfigureAwait(false);
    }

    private static async Task UploadAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        var input = call.Input;
        bool composed = false;
        foreach (var field in ComposeFields)
        {
            composed |= input.Has(field);
        }

        ReadOnlyMemory<byte> raw;
        if (input.RawMessage is { } bytes)
        {
            raw = bytes;
        }
        else if (input.String("raw") is { } text)
        {
            raw = composed ? throw ApiException.Validation("raw", "cannot be combined with composed fields") : Encoding.UTF8.GetBytes(text);
        }
        else if (composed)
        {
            raw = MessageComposer.Compose(input, user, call.Services.WildDuck.Hostname, call.Services.Time.GetUtcNow());
        }
        else
        {
            throw ApiException.Validation("raw", "is required (or compose the message with text, html, attachments)");
        }

        if (raw.IsEmpty)
        {
            throw ApiException.Validation("raw", "must not be empty");
        }

        var flags = MessageFlags.None;
        if (!input.Flag("unseen"))
        {
            flags |= MessageFlags.Seen;
        }

        if (input.Flag("flagged"))
        {
            flags |= MessageFlags.Flagged;
        }

        if (input.Flag("draft"))
        {
            flags |= MessageFlags.Draft;
        }

        raw = StoredMessageEncryption.ForUser(user, mailbox, raw, flags);
        var result = await StorageCalls.MapAsync(
            () => call.Services.Messages.AppendAsync(user.Id, mailbox.Id, new AppendRequest { Content = raw, Flags = flags, Source = "API" }, call.Aborted),
            static error => error == StorageError.NotFound ? ApiException.MailboxNotFound() : null).ConfigureAwait(false);
        await call.OkAsync(new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = result.Uid,
                ["mailbox"] = result.Mailbox.ToString(),
                ["size"] = result.Size,
            },
        }).ConfigureAwait(false);
    }
}
