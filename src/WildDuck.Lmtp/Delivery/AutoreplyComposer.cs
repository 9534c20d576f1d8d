// SPDX-License-Identifier: MIT
using System;
using System.IO;
using MimeKit;
using MimeKit.Utils;
using WildDuck.Filters;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Lmtp;

/// <summary>Builds the automatic reply message (RFC 3834 §3; reference §6.6 "The reply").</summary>
internal static class AutoreplyComposer
{
    // Mail on the wire is CRLF (RFC 5322 §2.1) whatever the platform's newline.
    private static readonly FormatOptions WireFormat = CreateWireFormat();

    public static byte[] Compose(
        AutoreplySettings settings,
        string fromName,
        string fromAddress,
        string to,
        MessageMetadata original,
        string? originalReferences,
        MessageId? storedId,
        string hostname,
        DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(DomainOf(fromAddress) ?? hostname);
        foreach (var (name, value) in AutoreplyPolicy.AutoreplyHeaders(original.Subject, original.MessageIdHeader, originalReferences, settings.Subject))
        {
            if (name.Equals("Subject", StringComparison.OrdinalIgnoreCase))
            {
                message.Subject = value;
            }
            else
            {
                message.Headers.Add(name, value);
            }
        }

        if (storedId is { } id)
        {
            message.Headers.Add("X-WD-Autoreply-For", id.ToString());
        }

        var body = new BodyBuilder { TextBody = settings.Text ?? string.Empty };
        if (!string.IsNullOrEmpty(settings.Html))
        {
            body.HtmlBody = settings.Html;
        }

        message.Body = body.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(WireFormat, stream);
        return stream.ToArray();
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    private static string? DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 ? address[(at + 1)..] : null;
    }
}
