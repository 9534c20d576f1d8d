// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Builds the IMAP ENVELOPE (RFC 3501 §7.4.2, RFC 9051 §7.5.2) from a header block, and the decoded
/// address lists of the API.
/// </summary>
/// <remarks>
/// Like Dovecot, the date, subject, in-reply-to and message-id are the <em>raw</em> header values
/// (unfolded, trimmed): encoded words stay encoded, so the response stays 7-bit for clients that
/// have not enabled UTF8=ACCEPT. When a field occurs more than once the last occurrence is used
/// (consistent with <see cref="MessageMetadata.Subject"/>). Addresses are parsed with MimeKit; a
/// display name that is not pure ASCII is re-encoded as an RFC 2047 encoded word (UTF-8) so the
/// bytes stay 7-bit.
/// </remarks>
internal static class EnvelopeBuilder
{
    /// <summary>An envelope with every member NIL, for a message/rfc822 part without a message.</summary>
    public static readonly byte[] EmptyEnvelope = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"u8.ToArray();

    /// <summary>Writes the ENVELOPE of <paramref name="headers"/> to <paramref name="writer"/>.</summary>
    public static void Write(ImapResponseWriter writer, HeaderBlock headers)
    {
        writer.Raw((byte)'(');
        writer.NString(headers.LastValue("Date"));
        writer.Space();
        writer.NString(headers.LastValue("Subject"));
        writer.Space();

        InternetAddressList? from = headers.Addresses("From");
        InternetAddressList? sender = headers.Addresses("Sender");
        InternetAddressList? replyTo = headers.Addresses("Reply-To");

        WriteAddresses(writer, from);
        writer.Space();

        // RFC 3501 §7.4.2: absent or empty Sender / Reply-To take the value of From.
        WriteAddresses(writer, HasAny(sender) ? sender : from);
        writer.Space();
        WriteAddresses(writer, HasAny(replyTo) ? replyTo : from);
        writer.Space();
        WriteAddresses(writer, headers.Addresses("To"));
        writer.Space();
        WriteAddresses(writer, headers.Addresses("Cc"));
        writer.Space();
        WriteAddresses(writer, headers.Addresses("Bcc"));
        writer.Space();
        writer.NString(headers.LastValue("In-Reply-To"));
        writer.Space();
        writer.NString(headers.LastValue("Message-ID"));
        writer.Raw((byte)')');
    }

    /// <summary>Builds the ENVELOPE bytes of <paramref name="headers"/>.</summary>
    public static byte[] Build(HeaderBlock headers)
    {
        var writer = new ImapResponseWriter();
        Write(writer, headers);
        return writer.ToArray();
    }

    /// <summary>
    /// Decoded addresses of a header for the API: mailboxes in order, a group contributes a marker
    /// (name = group name, address = null) followed by its members.
    /// </summary>
    public static IReadOnlyList<MailAddress> DecodeAddresses(byte[]? raw) => DecodeAddresses(ParseAddresses(raw));

    /// <summary>Decoded addresses of an already parsed list (see <see cref="DecodeAddresses(byte[])"/>).</summary>
    public static IReadOnlyList<MailAddress> DecodeAddresses(InternetAddressList? list)
    {
        if (list is null || list.Count == 0)
        {
            return Array.Empty<MailAddress>();
        }

        var result = new List<MailAddress>(list.Count);
        AddDecoded(result, list, 0);
        return result;
    }

    /// <summary>Parses an address header value; null when absent or unparsable.</summary>
    internal static InternetAddressList? ParseAddresses(byte[]? raw)
    {
        if (raw is null || raw.Length == 0)
        {
            return null;
        }

        try
        {
            return InternetAddressList.TryParse(HeaderBlock.Lenient, raw, out InternetAddressList? list) ? list : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or ParseException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool HasAny(InternetAddressList? list) => list is not null && list.Count > 0;

    private static void AddDecoded(List<MailAddress> result, InternetAddressList list, int depth)
    {
        foreach (InternetAddress address in list)
        {
            switch (address)
            {
                case MailboxAddress mailbox:
                    result.Add(new MailAddress(EmptyToNull(mailbox.Name), SafeAddress(mailbox)));
                    break;
                case GroupAddress group when depth < 8:
                    result.Add(new MailAddress(EmptyToNull(group.Name), null));
                    AddDecoded(result, group.Members, depth + 1);
                    break;
            }
        }
    }

    private static void WriteAddresses(ImapResponseWriter writer, InternetAddressList? list)
    {
        if (list is null || list.Count == 0)
        {
            writer.Nil();
            return;
        }

        writer.Raw((byte)'(');
        WriteList(writer, list, 0);
        writer.Raw((byte)')');
    }

    private static void WriteList(ImapResponseWriter writer, InternetAddressList list, int depth)
    {
        foreach (InternetAddress address in list)
        {
            switch (address)
            {
                case MailboxAddress mailbox:
                    WriteMailbox(writer, mailbox);
                    break;
                case GroupAddress group:
                    // RFC 3501 §7.4.2: group start = (NIL NIL "name" NIL), members, end = (NIL NIL NIL NIL).
                    // Obsolete nested groups are flattened into the outer one.
                    if (depth == 0)
                    {
                        writer.Raw("(NIL NIL ");
                        writer.String(SevenBitPhrase(group.Name ?? string.Empty));
                        writer.Raw(" NIL)");
                    }

                    if (depth < 8)
                    {
                        WriteList(writer, group.Members, depth + 1);
                    }

                    if (depth == 0)
                    {
                        writer.Raw("(NIL NIL NIL NIL)");
                    }

                    break;
            }
        }
    }

    private static void WriteMailbox(ImapResponseWriter writer, MailboxAddress mailbox)
    {
        writer.Raw((byte)'(');
        string? name = EmptyToNull(mailbox.Name);
        writer.NString(name is null ? null : SevenBitPhrase(name));
        writer.Space();

        // addr-adl: the obsolete source route ("@a,@b"), NIL when there is none.
        string? route = null;
        if (mailbox.Route is { Count: > 0 } domains)
        {
            var sb = new StringBuilder();
            foreach (string domain in domains)
            {
                if (sb.Length > 0)
                {
                    sb.Append(',');
                }

                sb.Append('@').Append(domain);
            }

            route = sb.ToString();
        }

        writer.NString(route);
        writer.Space();
        string localPart;
        string domainPart;
        try
        {
            localPart = mailbox.LocalPart;
            domainPart = mailbox.Domain;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            localPart = mailbox.Address ?? string.Empty;
            domainPart = string.Empty;
        }

        writer.String(localPart);
        writer.Space();

        // A NIL host means "group marker" (RFC 3501 §7.4.2), so an address without a domain
        // gets an empty host string instead.
        writer.String(domainPart);
        writer.Raw((byte)')');
    }

    private static string? SafeAddress(MailboxAddress mailbox)
    {
        try
        {
            return mailbox.Address;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A phrase as 7-bit text: ASCII as is, anything else as RFC 2047 encoded words.</summary>
    internal static string SevenBitPhrase(string value)
    {
        foreach (char c in value)
        {
            if (c >= 0x80 || (c < 0x20 && c != '\t'))
            {
                byte[] encoded = Rfc2047.EncodePhrase(Encoding.UTF8, value);
                return Encoding.ASCII.GetString(encoded);
            }
        }

        return value;
    }

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
