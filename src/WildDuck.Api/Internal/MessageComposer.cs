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
/// composed from JSON"): addresses, subject, text, HTML, attachments and inline resources, extra
/// header fields and the Date. Used by the JSON upload and by <c>/submit</c>.
/// MimeKit writes it once with CRLF; the store then keeps those bytes as they are.
/// </summary>
internal static class MessageComposer
{
    /// <summary>Most extra header fields one message may be composed with.</summary>
    public const int MaxHeaders = 64;

    /// <summary>The compose field <c>headers</c>: extra header fields (WildDuck's <c>headers: [{key, value}]</c>).</summary>
    public static readonly FieldSpec HeadersField = new("headers", FieldType.ObjectArray, "Extra header fields, in order; not the MIME structure (Content-*, MIME-Version) nor fields with their own compose field (From, To, Subject, Date…)")
    {
        MaxItems = MaxHeaders,
        Fields = new FieldSpec[]
        {
            new("key", FieldType.String, "Field name (printable ASCII without colon, RFC 5322 §3.6.8)") { Required = true, MinLength = 1, MaxLength = 76 },
            new("value", FieldType.String, "Field value (one line: no CR or LF; non-ASCII is RFC 2047 encoded)") { Required = true, MaxLength = 4096 },
        },
    };

    /// <summary>The compose field <c>date</c>: the Date header instead of the time of composing.</summary>
    public static readonly FieldSpec DateField = new("date", FieldType.String, "Date header (ISO 8601; default: now)") { MaxLength = 64 };

    /// <summary>
    /// Fields a caller may not add through <c>headers</c>: the MIME structure the composer writes
    /// (RFC 2045 §3-6; any <c>Content-*</c> is refused too) and fields that have a compose field of
    /// their own, which would otherwise appear twice.
    /// </summary>
    private static readonly Dictionary<string, string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MIME-Version"] = "is part of the MIME structure the composer writes",
        ["From"] = "has its own field: from",
        ["Reply-To"] = "has its own field: replyTo",
        ["To"] = "has its own field: to",
        ["Cc"] = "has its own field: cc",
        ["Bcc"] = "has its own field: bcc",
        ["Subject"] = "has its own field: subject",
        ["Date"] = "has its own field: date",

        // Who sent it: Sender is checked against nothing the From check sees, so it would let a user
        // send as someone else past the fromWhitelist rule (an administrator's decision).
        ["Sender"] = "names the sender; only from (checked against the user's own addresses) may",

        // Trace and authentication fields are written by the hops that handle the message (RFC 5321
        // §4.4, RFC 8601, RFC 6376, RFC 8617); a forged one would mislead the recipients' filters.
        ["Return-Path"] = "is a trace field written at final delivery",
        ["Received"] = "is a trace field written by each hop",
        ["Delivered-To"] = "is a trace field written at delivery",
        ["Authentication-Results"] = "is written by the receiving side's verifier",
        ["DKIM-Signature"] = "is written by the signing relay",
    };

    /// <summary>MimeKit's defaults with CRLF line ends; shared, since writing never changes it.</summary>
    private static readonly FormatOptions CrlfFormat = CreateCrlfFormat();

    private static FormatOptions CreateCrlfFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }

    public static byte[] Compose(ApiInput input, UserRecord user, string hostname, DateTimeOffset now) =>
        Write(Build(input, user, hostname, now));

    /// <summary>The message as MimeKit writes it with CRLF line ends (the bytes the store keeps).</summary>
    public static byte[] Write(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(CrlfFormat, stream);
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
        if (input.TryIsoDate("date", out var date))
        {
            message.Date = date ?? now;
        }
        else
        {
            errors["date"] = ApiInput.IsoDateError;
        }

        message.MessageId = MimeUtils.GenerateMessageId(hostname);
        AddHeaders(message, input.Objects("headers"), errors);

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

    /// <summary>
    /// Adds the extra header fields after the composer's own. A Message-ID replaces the generated one
    /// (so that a caller can keep its own id); a field name or value that cannot be written as one
    /// header line, or a reserved field, is refused on <c>headers[i]</c>.
    /// </summary>
    private static void AddHeaders(MimeMessage message, IReadOnlyList<ApiInput>? headers, Dictionary<string, string> errors)
    {
        if (headers is null)
        {
            return;
        }

        for (int i = 0; i < headers.Count; i++)
        {
            var key = "headers[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var name = headers[i].String("key") ?? string.Empty;
            var value = headers[i].String("value") ?? string.Empty;
            if (HeaderProblem(name, value) is { } problem)
            {
                errors[key] = problem;
            }
            else if (name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Replace(HeaderId.MessageId, value);
            }
            else
            {
                message.Headers.Add(name, value);
            }
        }
    }

    private static bool IsMessageId(string value)
    {
        var text = value.Trim();
        if (text.Length < 5 || text[0] != '<' || text[^1] != '>')
        {
            return false;
        }

        var inner = text.AsSpan(1, text.Length - 2);
        var at = inner.IndexOf('@');
        if (at <= 0 || at == inner.Length - 1 || inner.LastIndexOf('@') != at)
        {
            return false;
        }

        foreach (var c in inner)
        {
            if (c is <= ' ' or > '~' or '<' or '>')
            {
                return false;
            }
        }

        return true;
    }

    private static string? HeaderProblem(string name, string value)
    {
        // RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon.
        foreach (var c in name)
        {
            if (c is < '!' or > '~' or ':')
            {
                return "key must be a field name: printable ASCII without spaces or colon";
            }
        }

        if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
        {
            return "key " + name + " is part of the MIME structure the composer writes";
        }

        if (ReservedHeaders.TryGetValue(name, out var reason))
        {
            return "key " + name + " " + reason;
        }

        // RFC 5322 §3.6.6 resent fields and RFC 8617 ARC sets: the same reasons as Sender and the trace fields.
        if (name.StartsWith("Resent-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ARC-", StringComparison.OrdinalIgnoreCase))
        {
            return "key " + name + " is written by the hops that resend or seal the message";
        }

        // A Message-ID replaces the generated one, so it must be one: "<" id-left "@" id-right ">"
        // (RFC 5322 §3.6.4), or threading and duplicate detection break.
        if (name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase) && !IsMessageId(value))
        {
            return "value of Message-ID must be one <local@domain> id";
        }

        // A CR or LF would end the field and start another one (header injection); other controls
        // (except the tab of folding whitespace) have no place in a field body (RFC 5322 §2.2).
        foreach (var c in value)
        {
            if (c is '\r' or '\n')
            {
                return "value must be one line: no CR or LF";
            }

            if (c is < ' ' and not '\t' or '\u007f')
            {
                return "value must not contain control characters";
            }
        }

        return null;
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
