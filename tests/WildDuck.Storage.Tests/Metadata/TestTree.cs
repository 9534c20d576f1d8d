// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using MimeKit;
using WildDuck.Storage.Mime;

namespace WildDuck.Storage.Tests;

/// <summary>
/// Builds small test messages and their <see cref="MimePartNode"/> trees by hand (the real indexer
/// lives elsewhere): single parts, multiparts with boundaries, and message/rfc822.
/// </summary>
internal static class TestTree
{
    /// <summary>Turns "\n" line ends into CRLF and encodes the text (UTF-8 by default).</summary>
    public static byte[] Crlf(string text, Encoding? encoding = null)
        => (encoding ?? Encoding.UTF8).GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));

    /// <summary>Builds the tree of <paramref name="message"/>.</summary>
    public static MimePartNode Parse(byte[] message) => Entity(message, 0, message.Length, 0);

    /// <summary>Builds the metadata of <paramref name="message"/> with default limits.</summary>
    public static MessageMetadata Build(byte[] message, MessageLimits? limits = null)
        => MessageMetadataBuilder.Build(message, Parse(message), limits ?? new MessageLimits(), Array.Empty<AttachmentDescriptor>(), false);

    /// <summary>Builds the metadata of a text message given with "\n" line ends.</summary>
    public static MessageMetadata Build(string message, MessageLimits? limits = null) => Build(Crlf(message), limits);

    /// <summary>ASCII/UTF-8 view of IMAP bytes.</summary>
    public static string Imap(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Number of lines of a body, as the indexer counts them.</summary>
    public static int CountLines(ReadOnlySpan<byte> body)
    {
        int lines = 0;
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == (byte)'\n')
            {
                lines++;
            }
        }

        if (body.Length > 0 && body[^1] != (byte)'\n')
        {
            lines++;
        }

        return lines;
    }

    private static MimePartNode Entity(byte[] msg, int start, int end, int depth)
    {
        var node = new MimePartNode { HeaderOffset = start };
        int headerEnd;
        if (end - start >= 2 && msg[start] == '\r' && msg[start + 1] == '\n')
        {
            headerEnd = start + 2;
        }
        else
        {
            int idx = msg.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8);
            headerEnd = idx < 0 ? end : start + idx + 4;
        }

        node.HeaderLength = headerEnd - start;
        node.BodyOffset = headerEnd;
        node.BodyLength = end - headerEnd;
        node.BodyLines = CountLines(msg.AsSpan(headerEnd, end - headerEnd));

        HeaderList headers;
        try
        {
            using var stream = new MemoryStream(msg, start, headerEnd - start);
            headers = HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            headers = new HeaderList(); // garbage header: the indexer would fall back to text/plain too
        }

        ContentType? type = null;
        string? ctValue = headers[HeaderId.ContentType];
        if (ctValue is not null && !ContentType.TryParse(ctValue, out type))
        {
            type = null;
        }

        if (type is not null)
        {
            node.MediaType = type.MediaType.ToLowerInvariant();
            node.MediaSubtype = type.MediaSubtype.ToLowerInvariant();
            node.Charset = type.Charset;
        }

        node.TransferEncoding = headers[HeaderId.ContentTransferEncoding]?.Trim().ToLowerInvariant() ?? "7bit";
        string? cd = headers[HeaderId.ContentDisposition];
        if (cd is not null && ContentDisposition.TryParse(cd, out ContentDisposition? disposition))
        {
            node.Disposition = disposition.Disposition.ToLowerInvariant();
            node.FileName = disposition.FileName;
        }

        node.FileName ??= type?.Name;
        node.ContentId = headers[HeaderId.ContentId]?.Trim().Trim('<', '>');

        if (node.IsMultipart && type?.Boundary is { Length: > 0 } boundary)
        {
            AddChildren(node, msg, headerEnd, end, Encoding.ASCII.GetBytes("--" + boundary), depth);
        }
        else if (node.MediaType == "message" && node.MediaSubtype == "rfc822" && end > headerEnd)
        {
            node.Message = Entity(msg, headerEnd, end, depth + 1);
        }

        return node;
    }

    private static void AddChildren(MimePartNode node, byte[] msg, int bodyStart, int end, byte[] delimiter, int depth)
    {
        var delimiters = new List<(int Start, int LineEnd, bool Close)>();
        int pos = bodyStart;
        while (pos < end)
        {
            int idx = msg.AsSpan(pos, end - pos).IndexOf(delimiter);
            if (idx < 0)
            {
                break;
            }

            int at = pos + idx;
            bool lineStart = at == bodyStart || (at >= 2 && msg[at - 2] == '\r' && msg[at - 1] == '\n');
            int lineEnd = msg.AsSpan(at, end - at).IndexOf("\r\n"u8);
            lineEnd = lineEnd < 0 ? end : at + lineEnd + 2;
            if (lineStart)
            {
                bool close = at + delimiter.Length + 1 < end && msg[at + delimiter.Length] == '-' && msg[at + delimiter.Length + 1] == '-';
                delimiters.Add((at, lineEnd, close));
                if (close)
                {
                    break;
                }
            }

            pos = lineEnd;
        }

        for (int i = 0; i + 1 < delimiters.Count || (i < delimiters.Count && !delimiters[i].Close); i++)
        {
            if (delimiters[i].Close)
            {
                break;
            }

            int partStart = delimiters[i].LineEnd;
            int partEnd = i + 1 < delimiters.Count ? delimiters[i + 1].Start - 2 : end;
            node.Children.Add(Entity(msg, partStart, Math.Max(partStart, partEnd), depth + 1));
        }
    }
}
