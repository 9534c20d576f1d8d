// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MimeKit;
using MimeKit.Utils;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>
/// Builds an RFC 5322 message from the JSON compose fields of an upload (WildDuck's "upload
/// composed from JSON"): addresses, subject, text, HTML, attachments and inline resources.
/// MimeKit writes it once with CRLF; the store then keeps those bytes as they are.
/// </summary>
internal static class MessageComposer
{
    public static byte[] Compose(ApiInput input, UserRecord user, string hostname, DateTimeOffset now) =>
        Write(Build(input, user, hostname, now));

    /// <summary>The message as MimeKit writes it with CRLF line ends (the bytes the store keeps).</summary>
    public static byte[] Write(MimeMessage message)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        using var stream = new MemoryStream();
        message.WriteTo(options, stream);
        return stream.ToArray();
    }

    /// <summary>Builds the message from the compose fields; 400 with per-field details on bad input.</summary>
    public static MimeMessage Build(ApiInput input, UserRecord user, string hostname, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var message = new MimeMessage();
        if (input.Object("from") is { } from)
        {
            AddAddress(message.From, from, "from", errors);
        }
        else if (user.Address is { } address && MailboxAddress.TryParse(address, out var main))
        {
            main.Name = user.Name ?? string.Empty;
            message.From.Add(main);
        }
        else
        {
            errors["from"] = "is required for a user without an address";
        }

        if (input.Object("replyTo") is { } replyTo)
        {
            AddAddress(message.ReplyTo, replyTo, "replyTo", errors);
        }

        AddAddresses(message.To, input.Objects("to"), "to", errors);
        AddAddresses(message.Cc, input.Objects("cc"), "cc", errors);
        AddAddresses(message.Bcc, input.Objects("bcc"), "bcc", errors);
        message.Subject = input.String("subject") ?? string.Empty;
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(hostname);

        var body = new BodyBuilder { TextBody = input.String("text"), HtmlBody = input.String("html") };
        var attachments = input.Objects("attachments") ?? Array.Empty<ApiInput>();
        for (int i = 0; i < attachments.Count; i++)
        {
            var key = "attachments[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var attachment = attachments[i];
            byte[] content;
            try
            {
                content = Convert.FromBase64String(attachment.String("content") ?? string.Empty);
            }
            catch (FormatException)
            {
                errors[key + ".content"] = "must be base64";
                continue;
            }

            var contentType = ContentType.Parse("application/octet-stream");
            if (attachment.String("contentType") is { } type && !ContentType.TryParse(type, out contentType))
            {
                errors[key + ".contentType"] = "is not a valid content type";
                continue;
            }

            var fileName = attachment.String("filename") ?? "attachment-" + (i + 1).ToString(CultureInfo.InvariantCulture);
            var cid = attachment.String("cid");
            var part = cid is null ? body.Attachments.Add(fileName, content, contentType) : body.LinkedResources.Add(fileName, content, contentType);
            if (cid is not null)
            {
                part.ContentId = cid;
            }
        }

        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    private static void AddAddresses(InternetAddressList list, IReadOnlyList<ApiInput>? addresses, string key, Dictionary<string, string> errors)
    {
        if (addresses is null)
        {
            return;
        }

        for (int i = 0; i < addresses.Count; i++)
        {
            AddAddress(list, addresses[i], key + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", errors);
        }
    }

    private static void AddAddress(InternetAddressList list, ApiInput address, string key, Dictionary<string, string> errors)
    {
        if (address.String("address") is not { } text || !MailboxAddress.TryParse(text, out var mailbox) || string.IsNullOrEmpty(mailbox.Domain))
        {
            errors[key + ".address"] = "is not a valid address";
            return;
        }

        mailbox.Name = address.String("name") ?? string.Empty;
        list.Add(mailbox);
    }
}
