// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Builds BODYSTRUCTURE (with extension data) and BODY (without) in IMAP syntax, RFC 3501 §7.4.2
/// and §9 (body, body-type-1part, body-type-mpart, body-ext-1part, body-ext-mpart), RFC 9051 §7.5.2.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Type, subtype, encoding, disposition type and parameter names are written as uppercase
/// quoted strings, as WildDuck does (the RFC makes them case-insensitive; Dovecot keeps the
/// header's case). Parameter values keep their case, in header order, unquoted, RFC 2231 decoded;
/// values that are not ASCII are re-encoded as RFC 2047 encoded words so the response stays
/// 7-bit.</item>
/// <item>A text part without any (parsable) Content-Type parameter gets ("CHARSET" x) with the
/// tree's charset, else "US-ASCII", the RFC 2045
/// §5.2 default, as Dovecot does.</item>
/// <item>body-fld-id, body-fld-desc, body-fld-md5 and body-fld-loc are the raw, unfolded header
/// values.</item>
/// <item>Sizes are the encoded body lengths, lines the body line counts from the tree.</item>
/// <item>RFC 3501 requires at least one body in a multipart; a multipart without children gets
/// one empty text/plain body, as Dovecot does. A message/rfc822 part whose encapsulated message
/// is missing gets an all-NIL envelope and that same empty body.</item>
/// </list>
/// </remarks>
internal static class BodyStructureBuilder
{
    private const int MaxDepth = 64;

    /// <summary>Builds the structure of <paramref name="root"/>.</summary>
    /// <param name="view">The message.</param>
    /// <param name="root">The entity.</param>
    /// <param name="extensible">True for BODYSTRUCTURE, false for BODY.</param>
    public static byte[] Build(MessageView view, MimePartNode root, bool extensible)
    {
        var writer = new ImapResponseWriter();
        Write(writer, view, root, extensible, 0);
        return writer.ToArray();
    }

    private static void Write(ImapResponseWriter writer, MessageView view, MimePartNode node, bool extensible, int depth)
    {
        if (depth > MaxDepth)
        {
            WriteEmptyText(writer, extensible);
            return;
        }

        HeaderBlock headers = view.Headers(node);
        ContentType? contentType = headers.ContentType;
        if (node.IsMultipart)
        {
            writer.Raw((byte)'(');
            if (node.Children.Count == 0)
            {
                WriteEmptyText(writer, extensible);
            }

            foreach (MimePartNode child in node.Children)
            {
                Write(writer, view, child, extensible, depth + 1);
            }

            writer.Space();
            writer.String(Upper(node.MediaSubtype, "MIXED"));
            if (extensible)
            {
                // body-ext-mpart = body-fld-param SP body-fld-dsp SP body-fld-lang SP body-fld-loc
                writer.Space();
                WriteParams(writer, contentType?.Parameters, null);
                writer.Space();
                WriteExtensionTail(writer, headers);
            }

            writer.Raw((byte)')');
            return;
        }

        bool isText = string.Equals(node.MediaType, "text", StringComparison.Ordinal);
        bool isMessage = string.Equals(node.MediaType, "message", StringComparison.Ordinal)
            && (string.Equals(node.MediaSubtype, "rfc822", StringComparison.Ordinal)
                || (string.Equals(node.MediaSubtype, "global", StringComparison.Ordinal) && node.Message is not null));

        writer.Raw((byte)'(');
        writer.String(Upper(node.MediaType, "APPLICATION"));
        writer.Space();
        writer.String(Upper(node.MediaSubtype, "OCTET-STREAM"));
        writer.Space();

        // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
        WriteParams(writer, contentType?.Parameters, isText ? (string.IsNullOrEmpty(node.Charset) ? "US-ASCII" : node.Charset) : null);
        writer.Space();
        writer.NString(headers.LastValue("Content-ID"));
        writer.Space();
        writer.NString(headers.LastValue("Content-Description"));
        writer.Space();
        writer.String(Upper(node.TransferEncoding, "7BIT"));
        writer.Space();
        writer.Number(Math.Max(0, node.BodyLength));

        if (isMessage)
        {
            // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
            writer.Space();
            if (node.Message is { } inner)
            {
                EnvelopeBuilder.Write(writer, view.Headers(inner));
                writer.Space();
                Write(writer, view, inner, extensible, depth + 1);
            }
            else
            {
                writer.Raw(EnvelopeBuilder.EmptyEnvelope);
                writer.Space();
                WriteEmptyText(writer, extensible);
            }

            writer.Space();
            writer.Number(Math.Max(0, node.BodyLines));
        }
        else if (isText)
        {
            // body-type-text = media-text SP body-fields SP body-fld-lines
            writer.Space();
            writer.Number(Math.Max(0, node.BodyLines));
        }

        if (extensible)
        {
            // body-ext-1part = body-fld-md5 SP body-fld-dsp SP body-fld-lang SP body-fld-loc
            writer.Space();
            writer.NString(headers.LastValue("Content-MD5"));
            writer.Space();
            WriteExtensionTail(writer, headers);
        }

        writer.Raw((byte)')');
    }

    // body-fld-dsp SP body-fld-lang SP body-fld-loc
    private static void WriteExtensionTail(ImapResponseWriter writer, HeaderBlock headers)
    {
        ContentDisposition? disposition = headers.ContentDisposition;
        if (disposition is null || string.IsNullOrEmpty(disposition.Disposition))
        {
            writer.Nil();
        }
        else
        {
            writer.Raw((byte)'(');
            writer.String(ToSevenBit(disposition.Disposition.ToUpperInvariant()));
            writer.Space();
            WriteParams(writer, disposition.Parameters, null);
            writer.Raw((byte)')');
        }

        writer.Space();
        WriteLanguage(writer, headers.LastValue("Content-Language"));
        writer.Space();
        writer.NString(headers.LastValue("Content-Location"));
    }

    // body-fld-lang = nstring / "(" string *(SP string) ")"
    private static void WriteLanguage(ImapResponseWriter writer, byte[]? raw)
    {
        var tags = new List<string>();
        if (raw is not null)
        {
            foreach (string part in Encoding.Latin1.GetString(raw).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                tags.Add(part);
            }
        }

        if (tags.Count == 0)
        {
            writer.Nil();
        }
        else if (tags.Count == 1)
        {
            writer.String(Encoding.Latin1.GetBytes(tags[0]));
        }
        else
        {
            writer.Raw((byte)'(');
            for (int i = 0; i < tags.Count; i++)
            {
                if (i > 0)
                {
                    writer.Space();
                }

                writer.String(Encoding.Latin1.GetBytes(tags[i]));
            }

            writer.Raw((byte)')');
        }
    }

    // body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
    private static void WriteParams(ImapResponseWriter writer, ParameterList? parameters, string? defaultCharset)
    {
        if (parameters is null || parameters.Count == 0)
        {
            if (defaultCharset is null)
            {
                writer.Nil();
            }
            else
            {
                writer.Raw("(\"CHARSET\" ");
                writer.String(defaultCharset);
                writer.Raw((byte)')');
            }

            return;
        }

        writer.Raw((byte)'(');
        bool first = true;
        foreach (Parameter parameter in parameters)
        {
            if (!first)
            {
                writer.Space();
            }

            first = false;
            writer.String(ToSevenBit(parameter.Name.ToUpperInvariant()));
            writer.Space();
            writer.String(ToSevenBit(parameter.Value ?? string.Empty));
        }

        writer.Raw((byte)')');
    }

    private static void WriteEmptyText(ImapResponseWriter writer, bool extensible)
    {
        writer.Raw("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0");
        if (extensible)
        {
            writer.Raw(" NIL NIL NIL NIL");
        }

        writer.Raw((byte)')');
    }

    private static string Upper(string? value, string fallback)
        => string.IsNullOrEmpty(value) ? fallback : ToSevenBit(value.ToUpperInvariant());

    private static string ToSevenBit(string value)
    {
        foreach (char c in value)
        {
            if (c >= 0x80 || c < 0x20)
            {
                return Encoding.ASCII.GetString(Rfc2047.EncodeText(Encoding.UTF8, value));
            }
        }

        return value;
    }

    /// <summary>The Content-Type parameters of <paramref name="node"/> (empty when none or unparsable).</summary>
    internal static ParameterList? ContentTypeParameters(MessageView view, MimePartNode node)
        => view.Headers(node).ContentType?.Parameters;
}
