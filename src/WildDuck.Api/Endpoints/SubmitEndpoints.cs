// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Utils;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Addressing;
using WildDuck.Storage.Mime;

namespace WildDuck.Api.Endpoints;

/// <summary>
/// Submission (reference §6.9, §8.3 "Submit"): a message composed from JSON, or a stored draft, is
/// queued in the outbound queue without its <c>Bcc</c> field and a copy (with <c>Bcc</c>, so the
/// sender still sees who got it) is stored in Sent Mail with \Seen.
/// </summary>
internal static partial class SubmitEndpoints
{
    /// <summary>References kept in a reply (WildDuck caps them at 50 ids).</summary>
    private const int MaxReferences = 50;

    private const string ForwardedKeyword = "$Forwarded";

    private static readonly FieldSpec SendTime = new("sendTime", FieldType.String, "Do not send before this time (ISO 8601)") { MaxLength = 64 };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("POST", "/users/{user}/submit", "submitMessage", "Submission",
            "Composes a message, queues it for delivery without Bcc and stores a copy in Sent Mail", RouteAccess.UserData, SubmitAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("mailbox", FieldType.String, "Store the copy in this mailbox (id) instead of Sent Mail") { MaxLength = 24 },
                new("from", FieldType.Object, "From; an address that is not the user's own is replaced by the main address") { Fields = MessageEndpoints.AddressFields },
                new("replyTo", FieldType.Object, "Reply-To") { Fields = MessageEndpoints.AddressFields },
                new("to", FieldType.ObjectArray, "To") { Fields = MessageEndpoints.AddressFields, MaxItems = 1000 },
                new("cc", FieldType.ObjectArray, "Cc") { Fields = MessageEndpoints.AddressFields, MaxItems = 1000 },
                new("bcc", FieldType.ObjectArray, "Bcc: envelope recipients, removed from the transmitted copy") { Fields = MessageEndpoints.AddressFields, MaxItems = 1000 },
                new("subject", FieldType.String, "Subject (default with a reference: Re:/Fwd: and the original subject)") { MaxLength = 2048 },
                new("text", FieldType.String, "Plain text body") { MaxLength = int.MaxValue },
                new("html", FieldType.String, "HTML body") { MaxLength = int.MaxValue },
                new("attachments", FieldType.ObjectArray, "Attachments; with cid they are inline resources of the HTML") { Fields = MessageEndpoints.AttachmentFields, MaxItems = 32 },
                MessageComposer.HeadersField,
                MessageComposer.DateField,
                new("reference", FieldType.Object, "The message this one replies to or forwards") { Fields = new FieldSpec[]
                {
                    new("mailbox", FieldType.String, "Mailbox id of the referenced message") { Required = true, MaxLength = 24 },
                    new("id", FieldType.Integer, "Its id (UID)") { Required = true, Min = 1, Max = uint.MaxValue },
                    new("action", FieldType.String, "reply, replyAll or forward") { Required = true, Allowed = new[] { "reply", "replyAll", "forward" } },
                } },
                new("envelope", FieldType.Object, "SMTP envelope instead of the header addresses") { Fields = new FieldSpec[]
                {
                    new("from", FieldType.String, "MAIL FROM (must be the user's own address, else the main address is used)") { MaxLength = 256 },
                    new("to", FieldType.StringArray, "RCPT TO addresses") { MaxItems = 1000 },
                } },
                new("isDraft", FieldType.Boolean, "Store the copy in Drafts with \\Draft"),
                new("uploadOnly", FieldType.Boolean, "Only store the copy, do not send"),
                SendTime,
            },
        };

        yield return new ApiRoute("POST", "/users/{user}/mailboxes/{mailbox}/messages/{message}/submit", "submitDraft", "Submission",
            "Sends a stored draft: queues it without Bcc, stores it in Sent Mail and deletes the draft", RouteAccess.UserData, SubmitDraftAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("deleteDraft", FieldType.Boolean, "Delete the draft after sending (default true: it moves to Sent Mail)"),
                SendTime,
            },
        };

        yield return new ApiRoute("DELETE", "/users/{user}/outbound/{queueId}", "deleteOutbound", "Submission",
            "Cancels a submission still waiting in the outbound queue (the queueId from submit); 409 while it is being sent", RouteAccess.UserData, CancelAsync);
    }

    /// <summary>
    /// Withdraws a queued submission (reference §8.3 "Outbound"). Only the user's own submissions qualify (another
    /// user's entry, a forward or an autoreply is 404, as if it did not exist). One a sender holds right now is a
    /// 409: the remote server may already have it, so "cancelled" would be a promise the server cannot keep.
    /// </summary>
    private static async Task CancelAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        if (!EntityId.TryParse(call.Route("queueId"), out var id))
        {
            throw ApiException.Validation("queueId", "must be a queue id");
        }

        switch (await call.Services.Outbound.CancelSubmissionAsync(id, user.Id, call.Aborted).ConfigureAwait(false))
        {
            case OutboundCancelResult.Cancelled:
                await call.OkAsync(new JsonObject { ["deleted"] = 1 }).ConfigureAwait(false);
                return;
            case OutboundCancelResult.Sending:
                throw new ApiException(409, "MessageBeingSent", "The message is being sent right now and cannot be cancelled");
            default:
                throw new ApiException(404, "MessageNotFound", "No queued submission with this id");
        }
    }

    private static async Task SubmitAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var input = call.Input;
        var now = call.Services.Time.GetUtcNow();
        var message = MessageComposer.Build(input, user, call.Services.WildDuck.Hostname, now);
        var reference = await ApplyReferenceAsync(call, user, input.Object("reference"), message, explicitSubject: input.Has("subject")).ConfigureAwait(false);
        await EnforceOwnFromAsync(call, user, message.From).ConfigureAwait(false);

        bool isDraft = input.Flag("isDraft");
        bool send = !input.Flag("uploadOnly") && !isDraft;
        var envelope = input.Object("envelope");
        var recipients = envelope?.Strings("to") is { Count: > 0 } listed ? ValidateAddresses(listed, "envelope.to") : HeaderRecipients(message);
        string returnPath = envelope?.String("from") is { } envelopeFrom
            ? await OwnAddressOrMainAsync(call, user, ValidateAddresses(new[] { envelopeFrom }, "envelope.from")[0]).ConfigureAwait(false)
            : message.From.Mailboxes.First().Address;

        MailboxRecord target;
        if (input.String("mailbox") is { } mailboxText)
        {
            target = MailboxId.TryParse(mailboxText, out var id)
                ? await call.Services.Mailboxes.GetMailboxAsync(user.Id, id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound()
                : throw ApiException.Validation("mailbox", "must be a mailbox id");
        }
        else
        {
            target = await SpecialMailboxAsync(call, user, isDraft ? SpecialUse.Drafts : SpecialUse.Sent).ConfigureAwait(false);
        }

        var stored = MessageComposer.Write(message);
        var result = await SendAndStoreAsync(call, user, stored, returnPath, send ? recipients : null, target, isDraft ? MessageFlags.Seen | MessageFlags.Draft : MessageFlags.Seen, ParseSendTime(input)).ConfigureAwait(false);
        if (reference is { } original && send)
        {
            await MarkOriginalAsync(call, user, original).ConfigureAwait(false);
        }

        await call.OkAsync(result).ConfigureAwait(false);
    }

    private static async Task SubmitDraftAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        var uid = call.MessageUid();
        var draft = await call.Services.Messages.GetMessageAsync(user.Id, mailbox.Id, uid, MessageFields.Basic, call.Aborted).ConfigureAwait(false)
            ?? throw ApiException.MessageNotFound();
        if (!draft.Flags.HasFlag(MessageFlags.Draft))
        {
            throw new ApiException(400, "MessageNotDraft", "This message is not a draft");
        }

        MimeMessage message;
        using (var content = await call.Services.Messages.OpenContentAsync(user.Id, mailbox.Id, uid, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MessageNotFound())
        {
            using var stream = new MemoryStream(checked((int)content.Size));
            await content.WriteToAsync(stream, 0, content.Size, call.Aborted).ConfigureAwait(false);
            stream.Position = 0;
            message = await MimeMessage.LoadAsync(stream, call.Aborted).ConfigureAwait(false);
        }

        if (message.From.Mailboxes.FirstOrDefault() is null)
        {
            if (user.Address is not { } main)
            {
                throw ApiException.Validation("from", "the draft has no From and the user has no address");
            }

            message.From.Add(new MailboxAddress(user.Name ?? string.Empty, main));
        }

        await EnforceOwnFromAsync(call, user, message.From).ConfigureAwait(false);

        // A draft saved by a client may lack the fields a sent message must have (RFC 5322 §3.6).
        message.MessageId ??= MimeUtils.GenerateMessageId(call.Services.WildDuck.Hostname);
        if (message.Headers[HeaderId.Date] is null)
        {
            message.Date = call.Services.Time.GetUtcNow();
        }

        var recipients = HeaderRecipients(message);
        if (recipients.Count == 0)
        {
            throw ApiException.Validation("to", "the draft has no recipients");
        }

        var sent = await SpecialMailboxAsync(call, user, SpecialUse.Sent).ConfigureAwait(false);
        var result = await SendAndStoreAsync(call, user, MessageComposer.Write(message), message.From.Mailboxes.First().Address, recipients, sent, MessageFlags.Seen, ParseSendTime(call.Input)).ConfigureAwait(false);
        if (call.Input.Boolean("deleteDraft") ?? true)
        {
            await call.Services.Messages.DeleteMessagesAsync(user.Id, mailbox.Id, UidSet.FromUids(new[] { uid }), call.Aborted).ConfigureAwait(false);
        }

        await call.OkAsync(result).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues <paramref name="stored"/> without Bcc for <paramref name="recipients"/> (null: do not
    /// send), then stores <paramref name="stored"/> in <paramref name="target"/>. The copy is
    /// skipped when the user is over quota, as WildDuck does (reference §4.8): the mail is sent anyway.
    /// </summary>
    private static async Task<JsonObject> SendAndStoreAsync(
        ApiCall call, UserRecord user, byte[] stored, string returnPath, List<string>? recipients, MailboxRecord target, MessageFlags flags, DateTimeOffset? notBefore)
    {
        var body = new JsonObject();
        var result = new JsonObject { ["mailbox"] = target.Id.ToString() };
        if (recipients is not null)
        {
            if (recipients.Count == 0)
            {
                throw ApiException.Validation("to", "at least one recipient is required");
            }

            var options = call.Services.Options;
            if (recipients.Count > options.MaxRecipientsPerMessage)
            {
                throw ApiException.Validation("to", "too many recipients: at most " + options.MaxRecipientsPerMessage.ToString(CultureInfo.InvariantCulture) + " per message");
            }

            if (!await call.Services.SubmittedRecipients.TryConsumeAsync(user.Id, recipients.Count, call.Services.RecipientLimit(user), call.Aborted).ConfigureAwait(false))
            {
                throw new ApiException(403, "RateLimitedError", "You reached a daily sending limit for your account");
            }

            var queued = HeaderFields.Remove(stored, "Bcc");
            var queueId = await StorageCalls.MapAsync(
                () => call.Services.Outbound.EnqueueAsync(
                    new OutboundMessage
                    {
                        ReturnPath = returnPath,
                        Recipients = recipients,
                        Content = queued,
                        Reason = "submission",
                        User = user.Id,
                        NotBefore = notBefore,
                    },
                    call.Aborted),
                static error => error switch
                {
                    StorageError.TooBig => new ApiException(413, "MessageTooLarge", "The message is too large to send"),
                    StorageError.Invalid => ApiException.Validation("to", "a recipient address is not valid"),
                    _ => null,
                }).ConfigureAwait(false);
            result["queueId"] = queueId.ToString();
        }

        try
        {
            // The Sent copy is encrypted like any stored mail when the user asks for it (reference §7.9).
            var appended = await call.Services.Messages.AppendAsync(
                user.Id, target.Id, new AppendRequest { Content = StoredMessageEncryption.ForUser(user, target, stored, flags), Flags = flags, Source = "API" }, call.Aborted).ConfigureAwait(false);
            result["id"] = appended.Uid;
            result["size"] = appended.Size;
        }
        catch (StorageException ex) when (ex.Error == StorageError.OverQuota && recipients is not null)
        {
            LogSentCopySkipped(call.Services.Logger, user.Id.ToString());
        }

        body["message"] = result;
        return body;
    }

    private static DateTimeOffset? ParseSendTime(ApiInput input) => input.IsoDate("sendTime");

    private static async Task<MailboxRecord> SpecialMailboxAsync(ApiCall call, UserRecord user, SpecialUse use) =>
        await call.Services.Mailboxes.FindSpecialUseAsync(user.Id, use, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();

    /// <summary>To, Cc and Bcc addresses, each once (case-insensitive), in header order.</summary>
    private static List<string> HeaderRecipients(MimeMessage message)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var recipients = new List<string>();
        foreach (var mailbox in message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes))
        {
            if (seen.Add(mailbox.Address))
            {
                recipients.Add(mailbox.Address);
            }
        }

        return recipients;
    }

    private static List<string> ValidateAddresses(IReadOnlyList<string> addresses, string field)
    {
        var result = new List<string>(addresses.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in addresses)
        {
            if (!MailboxAddress.TryParse(text, out var mailbox) || string.IsNullOrEmpty(mailbox.Domain) || mailbox.Address != text.Trim())
            {
                throw ApiException.Validation(field, "is not a valid address");
            }

            if (seen.Add(mailbox.Address))
            {
                result.Add(mailbox.Address);
            }
        }

        return result;
    }

    /// <summary>
    /// Reference §6.9: a From address is kept only when it resolves to one of the user's own
    /// addresses; otherwise it is rewritten to the user's main address (the display name is kept).
    /// </summary>
    private static async Task EnforceOwnFromAsync(ApiCall call, UserRecord user, InternetAddressList from)
    {
        foreach (var mailbox in from.Mailboxes)
        {
            mailbox.Address = await OwnAddressOrMainAsync(call, user, mailbox.Address).ConfigureAwait(false);
        }
    }

    private static async Task<string> OwnAddressOrMainAsync(ApiCall call, UserRecord user, string address)
    {
        if (user.Address is { } main && string.Equals(address, main, StringComparison.OrdinalIgnoreCase))
        {
            return address;
        }

        // Reference §6.9: the whitelist is checked before the user's own addresses (no store lookup needed).
        if (FromWhitelist.Matches(user.FromWhitelist, address))
        {
            return address;
        }

        var owner = await call.Services.Users.ResolveAddressAsync(address, allowWildcard: false, call.Aborted).ConfigureAwait(false);
        if (owner is not null && owner.User == user.Id)
        {
            return address;
        }

        return user.Address ?? throw ApiException.Validation("from", "is not one of the user's addresses and the user has no main address");
    }

    /// <summary>The referenced message and what is done to it once the new one is sent.</summary>
    private sealed record ReferencedMessage(MailboxId Mailbox, uint Uid, bool Forward);

    /// <summary>
    /// Reference §6.9 "Reply and forward references": In-Reply-To and References from the original,
    /// a Re:/Fwd: subject when none was given, and for replies without recipients To (and Cc for
    /// replyAll) from the original, minus the user's own address.
    /// </summary>
    private static async Task<ReferencedMessage?> ApplyReferenceAsync(ApiCall call, UserRecord user, ApiInput? reference, MimeMessage message, bool explicitSubject)
    {
        if (reference is null)
        {
            return null;
        }

        if (!MailboxId.TryParse(reference.String("mailbox"), out var mailboxId))
        {
            throw ApiException.Validation("reference.mailbox", "must be a mailbox id");
        }

        var uid = (uint)reference.Integer("id")!.Value;
        var action = reference.String("action")!;
        MessageHeaders headers;
        using (var content = await call.Services.Messages.OpenContentAsync(user.Id, mailboxId, uid, call.Aborted).ConfigureAwait(false)
            ?? throw new ApiException(404, "ReferenceNotFound", "The referenced message does not exist"))
        {
            headers = await MessageHeaders.ReadAsync(content, call.Aborted).ConfigureAwait(false);
        }

        bool forward = action == "forward";
        if (headers["Message-ID"] is { } rawId && MimeUtils.EnumerateReferences(rawId).FirstOrDefault() is { } originalId)
        {
            var references = new List<string>();
            if (headers["References"] is { } rawReferences)
            {
                references.AddRange(MimeUtils.EnumerateReferences(rawReferences));
            }

            references.Add(originalId);
            if (references.Count > MaxReferences)
            {
                references.RemoveRange(0, references.Count - MaxReferences);
            }

            message.InReplyTo = originalId;
            message.References.Clear();
            message.References.AddRange(references);
        }

        if (!explicitSubject)
        {
            // MimeKit decodes encoded words (RFC 2047) in the header value.
            var subject = headers["Subject"]?.Trim() ?? string.Empty;
            var prefix = forward ? "Fwd: " : "Re: ";
            message.Subject = subject.StartsWith(prefix.TrimEnd(), StringComparison.OrdinalIgnoreCase) ? subject : prefix + subject;
        }

        if (!forward && message.To.Count == 0 && message.Cc.Count == 0 && message.Bcc.Count == 0)
        {
            var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var address in await call.Services.Users.ListAddressesAsync(user.Id, call.Aborted).ConfigureAwait(false))
            {
                own.Add(address.Address);
            }

            var replyTo = Parse(headers["Reply-To"]);
            AddOthers(message.To, replyTo.Count > 0 ? replyTo : Parse(headers["From"]), own);
            if (action == "replyAll")
            {
                AddOthers(message.To, Parse(headers["To"]), own);
                AddOthers(message.Cc, Parse(headers["Cc"]), own);
            }
        }

        return new ReferencedMessage(mailboxId, uid, forward);
    }

    private static InternetAddressList Parse(string? value) =>
        value is not null && InternetAddressList.TryParse(value, out var list) ? list : new InternetAddressList();

    private static void AddOthers(InternetAddressList target, InternetAddressList source, HashSet<string> own)
    {
        foreach (var mailbox in source.Mailboxes)
        {
            if (own.Add(mailbox.Address))
            {
                target.Add(new MailboxAddress(mailbox.Name, mailbox.Address));
            }
        }
    }

    /// <summary>A reply sets \Answered on the original; a forward \Answered and $Forwarded (reference §6.9).</summary>
    private static Task<FlagUpdateResult> MarkOriginalAsync(ApiCall call, UserRecord user, ReferencedMessage original) =>
        call.Services.Messages.UpdateFlagsAsync(
            user.Id,
            original.Mailbox,
            UidSet.FromUids(new[] { original.Uid }),
            new FlagUpdate
            {
                Operation = FlagOperation.Add,
                Flags = MessageFlags.Answered,
                Keywords = original.Forward ? new[] { ForwardedKeyword } : Array.Empty<string>(),
            },
            call.Aborted);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Information, Message = "Submission of user {User} sent without a Sent Mail copy: the user is over quota")]
    private static partial void LogSentCopySkipped(ILogger logger, string user);
}
