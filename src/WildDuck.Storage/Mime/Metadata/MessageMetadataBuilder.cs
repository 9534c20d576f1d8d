// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using MimeKit.Utils;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Computes <see cref="MessageMetadata"/> once at ingest from the normalised message and its MIME
/// tree: ENVELOPE, BODYSTRUCTURE and BODY (RFC 3501 §7.4.2), the decoded subject, date and
/// addresses, text/HTML/intro for the API, search text, and thread keys (reference §2.4, §2.6, §9.2).
/// </summary>
/// <remarks>Never throws on malformed input: every part degrades to an empty or NIL value.</remarks>
internal static class MessageMetadataBuilder
{
    /// <summary>Builds the metadata of one message.</summary>
    /// <param name="normalizedMessage">The CRLF-normalised message bytes the tree's offsets refer to.</param>
    /// <param name="root">The root entity.</param>
    /// <param name="limits">Caps for text, HTML and search text.</param>
    /// <param name="attachments">The attachments, passed through.</param>
    /// <param name="hasAttachments">Passed through.</param>
    public static MessageMetadata Build(
        ReadOnlyMemory<byte> normalizedMessage,
        MimePartNode root,
        MessageLimits limits,
        IReadOnlyList<AttachmentDescriptor> attachments,
        bool hasAttachments)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(attachments);

        var view = new MessageView(normalizedMessage);
        HeaderBlock headers = Safe(() => view.Headers(root), HeaderBlock.Empty);

        string subject = Safe(() => DecodeSubject(headers.LastValue("Subject")), string.Empty);
        ExtractedText text = Safe(
            () => MessageTextExtractor.Extract(view, root, limits),
            new ExtractedText(null, Array.Empty<string>(), null, string.Empty));

        return new MessageMetadata
        {
            Envelope = Safe(() => EnvelopeBuilder.Build(headers), EnvelopeBuilder.EmptyEnvelope),
            BodyStructure = Safe(() => BodyStructureBuilder.Build(view, root, extensible: true), EmptyBody(true)),
            Body = Safe(() => BodyStructureBuilder.Build(view, root, extensible: false), EmptyBody(false)),
            Subject = subject,
            MessageIdHeader = Safe(() => MessageId(headers.LastValue("Message-ID")), null),
            HeaderDate = Safe(() => ParseDate(headers.LastValue("Date")), null),
            From = Safe(() => EnvelopeBuilder.DecodeAddresses(headers.Addresses("From")), Array.Empty<MailAddress>()),
            To = Safe(() => EnvelopeBuilder.DecodeAddresses(headers.Addresses("To")), Array.Empty<MailAddress>()),
            Cc = Safe(() => EnvelopeBuilder.DecodeAddresses(headers.Addresses("Cc")), Array.Empty<MailAddress>()),
            Bcc = Safe(() => EnvelopeBuilder.DecodeAddresses(headers.Addresses("Bcc")), Array.Empty<MailAddress>()),
            Text = text.Text,
            Html = text.Html,
            Intro = text.Intro,
            Attachments = attachments,
            HasAttachments = hasAttachments,
            SearchHeaders = Safe(() => BuildSearchHeaders(headers, limits.MaxSearchTextLength), string.Empty),
            SearchBody = text.SearchBody,
            ThreadReferences = Safe(() => ThreadKeys.References(headers), Array.Empty<string>()),
            ThreadSubject = Safe(() => ThreadKeys.NormalizeSubject(subject), string.Empty),
        };
    }

    /// <summary>The last Subject decoded from encoded words, white space collapsed; empty when absent.</summary>
    internal static string DecodeSubject(byte[]? raw)
        => raw is null ? string.Empty : HeaderBlock.CollapseWhitespace(HeaderBlock.DecodeText(raw));

    /// <summary>
    /// One "name: value" line per top-level header field, in message order, values decoded from
    /// encoded words (RFC 2047), unfolded and with white space runs collapsed to one space; capped at <paramref name="max"/> characters.
    /// </summary>
    internal static string BuildSearchHeaders(HeaderBlock headers, int max)
    {
        var sb = new StringBuilder();
        foreach (RawHeaderField field in headers.Fields)
        {
            if (sb.Length >= max)
            {
                break;
            }

            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            string value = HeaderBlock.CollapseWhitespace(HeaderBlock.DecodeText(field.RawValue));
            sb.Append(field.Name).Append(": ").Append(value);
        }

        return sb.Length > max ? sb.ToString(0, Math.Max(0, max)) : sb.ToString();
    }

    private static string? MessageId(byte[]? raw)
    {
        if (raw is null || raw.Length == 0)
        {
            return null;
        }

        string? id = MimeUtils.ParseMessageId(raw, 0, raw.Length);
        if (!string.IsNullOrEmpty(id))
        {
            return "<" + id + ">";
        }

        string text = Encoding.UTF8.GetString(raw).Trim();
        return text.Length == 0 ? null : text;
    }

    private static DateTimeOffset? ParseDate(byte[]? raw)
    {
        if (raw is null || raw.Length == 0)
        {
            return null;
        }

        return DateUtils.TryParse(raw, out DateTimeOffset date) ? date : null;
    }

    private static byte[] EmptyBody(bool extensible) => Encoding.ASCII.GetBytes(
        extensible
            ? "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)"
            : "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");

    // Last line of defence: malformed input must never fail ingest. Each piece of metadata falls
    // back to an empty or NIL value on its own.
    private static T Safe<T>(Func<T> compute, T fallback)
    {
        try
        {
            return compute();
        }
#pragma warning disable CA1031 // a parsing bug in one field must not reject the message
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return fallback;
        }
    }
}
