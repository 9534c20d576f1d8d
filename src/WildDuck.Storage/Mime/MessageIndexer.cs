// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Ingest step of the byte-exact message pipeline: normalises line endings, indexes the MIME
/// structure by offsets (MimeKit <see cref="MimeKit.MimeReader"/>), cuts the message into inline
/// and external (deduplicated) segments and computes the derived metadata.
/// </summary>
/// <remarks>
/// <para>Structure follows RFC 2045/2046 (entities, multipart delimiters, §5.1.1 CRLF ownership) and
/// the part numbering of RFC 3501 §6.4.5. The invariant that matters most: the segments are
/// contiguous, cover [0, size) exactly and concatenate to the normalised bytes, so recomposition
/// is byte-exact whatever the parser made of a malformed message. Malformed MIME never throws;
/// when the parser's offsets are inconsistent the message is indexed as one text/plain entity.</para>
/// <para>Only <see cref="MessageLimitExceededException"/> is thrown: for size, and for depth or part
/// count when <see cref="MessageLimits.StructureLimitBehavior"/> is <see cref="MimeLimitBehavior.Reject"/>.</para>
/// </remarks>
public sealed class MessageIndexer
{
    private readonly MessageLimits _limits;

    /// <summary>Creates an indexer applying <paramref name="limits"/>.</summary>
    /// <param name="limits">Message limits (size, depth, parts, externalisation thresholds).</param>
    public MessageIndexer(MessageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>Indexes one message.</summary>
    /// <param name="raw">The message as received (LF or CRLF line endings).</param>
    /// <returns>The layout, inline bytes, external bodies and metadata to store.</returns>
    /// <exception cref="MessageLimitExceededException">A configured limit is exceeded.</exception>
    public IndexedMessage Index(ReadOnlyMemory<byte> raw)
    {
        ReadOnlyMemory<byte> normalized = MessageNormalizer.Normalize(raw, _limits.MaxMessageSize);
        long size = normalized.Length;

        MimePartNode root = ParseTree(normalized) ?? CreateFallbackRoot(normalized.Span);
        int count = 1;
        ApplyLimits(root, 1, ref count);
        ComputeLines(root, normalized.Span);

        var externalsByNode = new Dictionary<MimePartNode, ContentHash>(ReferenceEqualityComparer.Instance);
        var externalBodies = new List<ExternalBody>();
        var segments = new List<MessageSegment>();
        ReadOnlyMemory<byte> inline = BuildSegments(root, normalized, externalsByNode, externalBodies, segments);

        if (!VerifySegments(segments, inline, externalBodies, normalized.Span))
        {
            // Unreachable by construction; keep the byte-exact promise even so.
            Debug.Fail("Segment invariant violated");
            externalsByNode.Clear();
            externalBodies.Clear();
            segments.Clear();
            if (size > 0)
            {
                segments.Add(MessageSegment.Inline(0, size));
            }

            inline = normalized;
        }

        var attachments = new List<AttachmentDescriptor>();
        bool hasAttachments = false;
        CollectAttachments(root, string.Empty, isMessage: true, related: false, normalized.Span, externalsByNode, attachments, ref hasAttachments);

        var layout = new MessageLayout(root, segments, size);
        MessageMetadata metadata = MessageMetadataBuilder.Build(normalized, root, _limits, attachments, hasAttachments);
        return new IndexedMessage
        {
            Layout = layout,
            InlineContent = inline,
            ExternalBodies = externalBodies,
            Metadata = metadata,
        };
    }

    /// <summary>
    /// Checks the segment invariant: contiguous, covering [0, size), inline offsets consecutive, and
    /// the concatenation equal to <paramref name="normalized"/>.
    /// </summary>
    internal static bool VerifySegments(IReadOnlyList<MessageSegment> segments, ReadOnlyMemory<byte> inline, IReadOnlyList<ExternalBody> externals, ReadOnlySpan<byte> normalized)
    {
        long position = 0;
        long inlinePosition = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            MessageSegment segment = segments[i];
            if (segment.Length <= 0 || position + segment.Length > normalized.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> expected = normalized.Slice((int)position, (int)segment.Length);
            if (segment.IsExternal)
            {
                ExternalBody? body = null;
                for (int j = 0; j < externals.Count; j++)
                {
                    if (externals[j].Hash == segment.Hash)
                    {
                        body = externals[j];
                        break;
                    }
                }

                if (body is null || !body.EncodedBytes.Span.SequenceEqual(expected))
                {
                    return false;
                }
            }
            else
            {
                if (segment.InlineOffset != inlinePosition || inlinePosition + segment.Length > inline.Length
                    || !inline.Span.Slice((int)inlinePosition, (int)segment.Length).SequenceEqual(expected))
                {
                    return false;
                }

                inlinePosition += segment.Length;
            }

            position += segment.Length;
        }

        return position == normalized.Length && inlinePosition == inline.Length;
    }

    private MimePartNode? ParseTree(ReadOnlyMemory<byte> normalized)
    {
        if (normalized.IsEmpty)
        {
            return null;
        }

        byte[] buffer;
        int offset;
        if (MemoryMarshal.TryGetArray(normalized, out ArraySegment<byte> segment) && segment.Array is not null)
        {
            buffer = segment.Array;
            offset = segment.Offset;
        }
        else
        {
            buffer = normalized.ToArray();
            offset = 0;
        }

        // Let MimeKit recurse a little past our own limit, so that Reject can see the excess, but
        // never without bound (stack exhaustion from pathological nesting).
        int parserDepth = (int)Math.Min((long)_limits.MaxMimeDepth + 4, 1024);
        MimePartNode? root = MimeTreeReader.Parse(buffer, offset, normalized.Length, parserDepth);
        if (root is null || root.HeaderOffset != 0 || root.BodyOffset > normalized.Length)
        {
            return null;
        }

        // The top-level body runs to the end of the message (RFC 3501 TEXT), whatever the parser saw.
        if (root.EndOffset < normalized.Length)
        {
            root.BodyLength = normalized.Length - root.BodyOffset;
        }

        return Validate(root, 0, normalized.Length, 0) ? root : null;
    }

    private static bool Validate(MimePartNode node, long low, long high, int depth)
    {
        if (depth > 4096
            || node.HeaderOffset < low
            || node.HeaderLength < 0
            || node.BodyOffset != node.HeaderOffset + node.HeaderLength
            || node.BodyLength < 0
            || node.EndOffset > high)
        {
            return false;
        }

        if (node.Children.Count > 0 && (!node.IsMultipart || node.Message is not null))
        {
            return false;
        }

        long cursor = node.BodyOffset;
        for (int i = 0; i < node.Children.Count; i++)
        {
            MimePartNode child = node.Children[i];
            if (!Validate(child, cursor, node.EndOffset, depth + 1))
            {
                return false;
            }

            cursor = child.EndOffset;
        }

        if (node.Message is { } message)
        {
            // The encapsulated message is the whole body of the message/rfc822 entity.
            if (message.HeaderOffset != node.BodyOffset || message.EndOffset > node.EndOffset)
            {
                return false;
            }

            message.BodyLength = node.EndOffset - message.BodyOffset;
            if (!Validate(message, node.BodyOffset, node.EndOffset, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The safe layout: one text/plain entity whose header block runs to the first empty line
    /// (RFC 5322 §2.1), or covers everything when there is none.
    /// </summary>
    internal static MimePartNode CreateFallbackRoot(ReadOnlySpan<byte> normalized)
    {
        long headerLength;
        if (normalized.StartsWith("\r\n"u8))
        {
            headerLength = 2;
        }
        else
        {
            int blank = normalized.IndexOf("\r\n\r\n"u8);
            headerLength = blank < 0 ? normalized.Length : blank + 4;
        }

        return new MimePartNode
        {
            HeaderOffset = 0,
            HeaderLength = headerLength,
            BodyOffset = headerLength,
            BodyLength = normalized.Length - headerLength,
        };
    }

    private void ApplyLimits(MimePartNode node, int depth, ref int count)
    {
        if ((node.Message is not null && !IsIdentityEncoding(node.TransferEncoding))
            || (node.Message is null && IsEncapsulatingType(node)))
        {
            // RFC 2046 §5.2.1: message/rfc822 allows only 7bit, 8bit and binary; an encoded one
            // cannot be indexed without decoding, so it stays an opaque leaf. So does one the parser
            // did not open: a message/rfc822 leaf without an encapsulated message cannot be
            // described by BODYSTRUCTURE (RFC 3501 §7.4.2 requires its envelope and body).
            MakeOpaque(node);
            return;
        }

        if (node.Children.Count == 0 && node.Message is null)
        {
            return;
        }

        if (depth + 1 > _limits.MaxMimeDepth)
        {
            if (_limits.StructureLimitBehavior == MimeLimitBehavior.Reject)
            {
                throw new MessageLimitExceededException(MessageLimit.Depth, depth + 1, _limits.MaxMimeDepth);
            }

            MakeOpaque(node);
            return;
        }

        if (node.Message is { } message)
        {
            if (!TryCount(ref count))
            {
                MakeOpaque(node);
                return;
            }

            ApplyLimits(message, depth + 1, ref count);
            return;
        }

        for (int i = 0; i < node.Children.Count; i++)
        {
            if (!TryCount(ref count))
            {
                MakeOpaque(node);
                return;
            }

            ApplyLimits(node.Children[i], depth + 1, ref count);
        }
    }

    private bool TryCount(ref int count)
    {
        if (count + 1 > _limits.MaxMimeParts)
        {
            if (_limits.StructureLimitBehavior == MimeLimitBehavior.Reject)
            {
                throw new MessageLimitExceededException(MessageLimit.Parts, count + 1, _limits.MaxMimeParts);
            }

            return false;
        }

        count++;
        return true;
    }

    private static void MakeOpaque(MimePartNode node)
    {
        node.Children.Clear();
        node.Message = null;
        node.IsOpaque = true;
        node.MediaType = "application";
        node.MediaSubtype = "octet-stream";
        node.Charset = null;
    }

    private static bool IsEncapsulatingType(MimePartNode node) =>
        string.Equals(node.MediaType, "message", StringComparison.Ordinal)
        && node.MediaSubtype is "rfc822" or "global";

    internal static bool IsIdentityEncoding(string encoding) =>
        encoding is "7bit" or "8bit" or "binary" or "";

    private static void ComputeLines(MimePartNode node, ReadOnlySpan<byte> message)
    {
        if (!node.IsMultipart)
        {
            ReadOnlySpan<byte> body = message.Slice((int)node.BodyOffset, (int)node.BodyLength);
            int lines = body.Count((byte)'\n');
            if (body.Length > 0 && body[^1] != (byte)'\n')
            {
                lines++;
            }

            node.BodyLines = lines;
        }

        for (int i = 0; i < node.Children.Count; i++)
        {
            ComputeLines(node.Children[i], message);
        }

        if (node.Message is { } inner)
        {
            ComputeLines(inner, message);
        }
    }

    private bool ShouldExternalize(MimePartNode leaf)
    {
        if (leaf.BodyLength <= 0)
        {
            return false;
        }

        return string.Equals(leaf.MediaType, "text", StringComparison.Ordinal)
            ? leaf.BodyLength > _limits.ExternalizeTextThreshold
            : leaf.BodyLength >= _limits.ExternalizeMinimumSize;
    }

    private ReadOnlyMemory<byte> BuildSegments(
        MimePartNode root,
        ReadOnlyMemory<byte> normalized,
        Dictionary<MimePartNode, ContentHash> externalsByNode,
        List<ExternalBody> externalBodies,
        List<MessageSegment> segments)
    {
        var leaves = new List<MimePartNode>();
        CollectExternalLeaves(root, leaves);
        long size = normalized.Length;
        if (leaves.Count == 0)
        {
            if (size > 0)
            {
                segments.Add(MessageSegment.Inline(0, size));
            }

            return normalized;
        }

        long externalTotal = 0;
        var seen = new HashSet<ContentHash>();
        for (int i = 0; i < leaves.Count; i++)
        {
            MimePartNode leaf = leaves[i];
            ReadOnlyMemory<byte> bytes = normalized.Slice((int)leaf.BodyOffset, (int)leaf.BodyLength);
            ContentHash hash = ContentHash.Compute(bytes.Span);
            externalsByNode[leaf] = hash;
            externalTotal += leaf.BodyLength;
            if (seen.Add(hash))
            {
                externalBodies.Add(new ExternalBody(hash, bytes, leaf.MediaType + "/" + leaf.MediaSubtype, leaf.TransferEncoding));
            }
        }

        var inline = new byte[size - externalTotal];
        ReadOnlySpan<byte> source = normalized.Span;
        long cursor = 0;
        long inlinePosition = 0;
        for (int i = 0; i < leaves.Count; i++)
        {
            MimePartNode leaf = leaves[i];
            long gap = leaf.BodyOffset - cursor;
            if (gap > 0)
            {
                source.Slice((int)cursor, (int)gap).CopyTo(inline.AsSpan((int)inlinePosition));
                segments.Add(MessageSegment.Inline(inlinePosition, gap));
                inlinePosition += gap;
            }

            segments.Add(MessageSegment.External(externalsByNode[leaf], leaf.BodyLength));
            cursor = leaf.EndOffset;
        }

        if (cursor < size)
        {
            long gap = size - cursor;
            source.Slice((int)cursor, (int)gap).CopyTo(inline.AsSpan((int)inlinePosition));
            segments.Add(MessageSegment.Inline(inlinePosition, gap));
        }

        return inline;
    }

    private void CollectExternalLeaves(MimePartNode node, List<MimePartNode> leaves)
    {
        if (node.IsMultipart)
        {
            for (int i = 0; i < node.Children.Count; i++)
            {
                CollectExternalLeaves(node.Children[i], leaves);
            }
        }
        else if (node.Message is { } inner)
        {
            CollectExternalLeaves(inner, leaves);
        }
        else if (ShouldExternalize(node))
        {
            leaves.Add(node);
        }
    }

    private static void CollectAttachments(
        MimePartNode node,
        string prefix,
        bool isMessage,
        bool related,
        ReadOnlySpan<byte> message,
        Dictionary<MimePartNode, ContentHash> externals,
        List<AttachmentDescriptor> attachments,
        ref bool hasAttachments)
    {
        // RFC 3501 §6.4.5: a message's parts are numbered 1..n when it is multipart; a non-multipart
        // message has the single part 1 (its body). A message/rfc822 part n numbers its encapsulated
        // message's parts n.1 ...
        if (node.IsMultipart)
        {
            bool innerRelated = related || string.Equals(node.MediaSubtype, "related", StringComparison.Ordinal);
            for (int i = 0; i < node.Children.Count; i++)
            {
                string number = prefix + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                CollectAttachments(node.Children[i], number + ".", isMessage: false, innerRelated, message, externals, attachments, ref hasAttachments);
            }

            return;
        }

        string partNumber = isMessage ? prefix + "1" : prefix[..^1];
        if (IsInlineTextBody(node))
        {
            return;
        }

        externals.TryGetValue(node, out ContentHash hash);
        bool isExternal = externals.ContainsKey(node);
        long decoded = node.BodyLength;
        if (string.Equals(node.TransferEncoding, "base64", StringComparison.Ordinal))
        {
            ReadOnlySpan<byte> body = message.Slice((int)node.BodyOffset, (int)node.BodyLength);
            long breaks = body.Count((byte)'\n') + (long)body.Count((byte)'\r');
            decoded = Math.Max(0, (node.BodyLength - breaks) * 3 / 4);
        }

        attachments.Add(new AttachmentDescriptor
        {
            Id = MimeText.AttachmentId(attachments.Count + 1),
            PartNumber = partNumber,
            FileName = node.FileName,
            ContentType = node.MediaType + "/" + node.MediaSubtype,
            Disposition = node.Disposition,
            TransferEncoding = node.TransferEncoding,
            ContentId = node.ContentId,
            Related = related,
            EncodedSize = node.BodyLength,
            DecodedSize = decoded,
            Hash = isExternal ? hash : null,
        });
        hasAttachments |= !related;
    }

    private static bool IsInlineTextBody(MimePartNode node) =>
        string.Equals(node.MediaType, "text", StringComparison.Ordinal)
        && node.MediaSubtype is "plain" or "html"
        && (node.Disposition is null || string.Equals(node.Disposition, "inline", StringComparison.Ordinal));
}
