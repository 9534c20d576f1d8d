// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MimeKit.Encodings;

namespace WildDuck.Storage.Mime;

/// <content>FETCH section resolution (RFC 3501 §6.4.5, RFC 3516 BINARY).</content>
public sealed partial class MessageContent
{
    /// <summary>
    /// Resolves a FETCH section to the bytes to send: a message range for BODY[], HEADER, TEXT,
    /// MIME and BODY[n]; computed bytes for HEADER.FIELDS(.NOT) and decoded BINARY[n].
    /// </summary>
    /// <remarks>
    /// <para>Part paths follow RFC 3501 §6.4.5: a non-multipart message has the single part 1 (its
    /// body); the parts of a multipart are 1..n; a message/rfc822 part n numbers its encapsulated
    /// message's parts n.1.. (or n.1 for its non-multipart body). BODY[n] of a message/rfc822 part is
    /// the whole encapsulated message, and HEADER/TEXT/HEADER.FIELDS after a part number apply to it.</para>
    /// <para>A part that does not exist resolves to an empty section with
    /// <see cref="SectionStatus.NotFound"/>; BINARY of a part with an unknown transfer encoding to
    /// <see cref="SectionStatus.UnknownTransferEncoding"/> (RFC 3516 §4.1: NO [UNKNOWN-CTE]). BINARY
    /// materialises only that one leaf, decoding base64 or quoted-printable.</para>
    /// </remarks>
    /// <param name="spec">The section.</param>
    /// <param name="cancellationToken">Cancels reading external bytes.</param>
    /// <returns>The resolved section.</returns>
    public async ValueTask<SectionContent> ResolveSectionAsync(SectionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Part.Count == 0)
        {
            // The message itself: its top-level offsets suffice, so a lazily read layout never
            // decodes its MIME tree for BODY[], BINARY[], HEADER, TEXT or HEADER.FIELDS (what a
            // FETCH of whole messages asks for). Same results as the tree walk below.
            return await ResolveMessageSectionAsync(spec, cancellationToken).ConfigureAwait(false);
        }

        if (!TryResolvePart(Layout.Root, spec.Part, out MimePartNode? node, out bool isMessage))
        {
            return SectionContent.NotFound;
        }

        switch (spec.Kind)
        {
            case SectionKind.Full:
                if (isMessage)
                {
                    return SectionContent.FromRange(this, node.HeaderOffset, node.EndOffset - node.HeaderOffset, spec);
                }

                if (spec.Binary && !node.IsMultipart && node.Message is null)
                {
                    return await ResolveBinaryAsync(node, spec, cancellationToken).ConfigureAwait(false);
                }

                return SectionContent.FromRange(this, node.BodyOffset, node.BodyLength, spec);

            case SectionKind.Mime:
                return isMessage ? SectionContent.NotFound : SectionContent.FromRange(this, node.HeaderOffset, node.HeaderLength, spec);
        }

        // HEADER, HEADER.FIELDS(.NOT) and TEXT apply to a message: the top level, or the
        // encapsulated message of a message/rfc822 part (RFC 3501 §6.4.5).
        MimePartNode? message = isMessage ? node : node.Message;
        if (message is null)
        {
            return SectionContent.NotFound;
        }

        switch (spec.Kind)
        {
            case SectionKind.Header:
                return SectionContent.FromRange(this, message.HeaderOffset, message.HeaderLength, spec);
            case SectionKind.Text:
                return SectionContent.FromRange(this, message.BodyOffset, message.BodyLength, spec);
            case SectionKind.HeaderFields:
            case SectionKind.HeaderFieldsNot:
                return await ResolveHeaderFieldsAsync(message.HeaderOffset, message.HeaderLength, spec, cancellationToken).ConfigureAwait(false);
            default:
                return SectionContent.NotFound;
        }
    }

    /// <summary>
    /// A section of the top-level message (empty part path), from the layout's message offsets.
    /// RFC 3501 §6.4.5: BODY[] (and BINARY[]) is the whole message; MIME needs a part number.
    /// </summary>
    private ValueTask<SectionContent> ResolveMessageSectionAsync(SectionSpec spec, CancellationToken cancellationToken)
    {
        MessageLayout layout = Layout;
        switch (spec.Kind)
        {
            case SectionKind.Full:
                return ValueTask.FromResult(SectionContent.FromRange(this, layout.MessageHeaderOffset, layout.MessageBodyOffset + layout.MessageBodyLength - layout.MessageHeaderOffset, spec));
            case SectionKind.Header:
                return ValueTask.FromResult(SectionContent.FromRange(this, layout.MessageHeaderOffset, layout.MessageHeaderLength, spec));
            case SectionKind.Text:
                return ValueTask.FromResult(SectionContent.FromRange(this, layout.MessageBodyOffset, layout.MessageBodyLength, spec));
            case SectionKind.HeaderFields:
            case SectionKind.HeaderFieldsNot:
                return ResolveHeaderFieldsAsync(layout.MessageHeaderOffset, layout.MessageHeaderLength, spec, cancellationToken);
            default:
                return ValueTask.FromResult(SectionContent.NotFound);
        }
    }

    /// <summary>
    /// Walks a part path. <paramref name="isMessage"/> tells whether <paramref name="node"/> is meant
    /// as a message (its header block is a message header) rather than as a body part.
    /// </summary>
    internal static bool TryResolvePart(MimePartNode root, IReadOnlyList<int> path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MimePartNode? node, out bool isMessage)
    {
        MimePartNode current = root;
        bool currentIsMessage = true;
        for (int i = 0; i < path.Count; i++)
        {
            int number = path[i];
            node = null;
            isMessage = false;
            if (number < 1)
            {
                return false;
            }

            if (!currentIsMessage)
            {
                if (current.IsMultipart)
                {
                    if (number > current.Children.Count)
                    {
                        return false;
                    }

                    current = current.Children[number - 1];
                    continue;
                }

                if (current.Message is null)
                {
                    return false;
                }

                current = current.Message;
            }

            // A message: its parts if multipart, else its body as the single part 1.
            if (current.IsMultipart)
            {
                if (number > current.Children.Count)
                {
                    return false;
                }

                current = current.Children[number - 1];
            }
            else if (number != 1)
            {
                return false;
            }

            currentIsMessage = false;
        }

        node = current;
        isMessage = currentIsMessage;
        return true;
    }

    private async ValueTask<SectionContent> ResolveBinaryAsync(MimePartNode leaf, SectionSpec spec, CancellationToken cancellationToken)
    {
        string encoding = leaf.TransferEncoding;
        if (MessageIndexer.IsIdentityEncoding(encoding))
        {
            return SectionContent.FromRange(this, leaf.BodyOffset, leaf.BodyLength, spec);
        }

        bool base64 = string.Equals(encoding, "base64", StringComparison.Ordinal);
        if (!base64 && !string.Equals(encoding, "quoted-printable", StringComparison.Ordinal))
        {
            return SectionContent.UnknownTransferEncoding;
        }

        int length = (int)leaf.BodyLength;
        byte[] input = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            await ReadAsync(leaf.BodyOffset, input.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            IMimeDecoder decoder = base64 ? new Base64Decoder() : new QuotedPrintableDecoder();
            var output = new byte[decoder.EstimateOutputLength(length)];
            int decoded = decoder.Decode(input, 0, length, output);
            return SectionContent.FromBytes(output, decoded, spec);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private async ValueTask<SectionContent> ResolveHeaderFieldsAsync(long headerOffset, long headerLength, SectionSpec spec, CancellationToken cancellationToken)
    {
        int length = (int)headerLength;
        byte[] header = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            await ReadAsync(headerOffset, header.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            var output = new byte[length + 4];
            int written = FilterHeaderFields(header.AsSpan(0, length), spec.FieldNames, spec.Kind == SectionKind.HeaderFields, output);
            return SectionContent.FromBytes(output, written, spec);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(header);
        }
    }

    /// <summary>
    /// Keeps (or drops) the header fields named in <paramref name="names"/>, compared
    /// case-insensitively, each with its folded continuation lines (RFC 5322 §2.2.3), and ends the
    /// result with the empty line (RFC 3501 §6.4.5). <paramref name="output"/> needs header length + 4 bytes.
    /// </summary>
    internal static int FilterHeaderFields(ReadOnlySpan<byte> header, IReadOnlyList<string> names, bool keepListed, Span<byte> output)
    {
        int written = 0;
        bool include = false;
        int position = 0;
        while (position < header.Length)
        {
            ReadOnlySpan<byte> rest = header[position..];
            int lf = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = lf < 0 ? rest : rest[..(lf + 1)];
            position += line.Length;

            ReadOnlySpan<byte> content = line;
            if (content.Length > 0 && content[^1] == (byte)'\n')
            {
                content = content[..^1];
            }

            if (content.Length > 0 && content[^1] == (byte)'\r')
            {
                content = content[..^1];
            }

            if (content.Length == 0)
            {
                // The empty line ends the header block.
                break;
            }

            if (content[0] is not ((byte)' ' or (byte)'\t'))
            {
                int colon = content.IndexOf((byte)':');
                ReadOnlySpan<byte> name = colon < 0 ? content : content[..colon].TrimEnd(" \t"u8);
                include = IsListed(name, names) == keepListed;
            }

            if (include)
            {
                content.CopyTo(output[written..]);
                written += content.Length;
                output[written++] = (byte)'\r';
                output[written++] = (byte)'\n';
            }
        }

        output[written++] = (byte)'\r';
        output[written++] = (byte)'\n';
        return written;
    }

    private static bool IsListed(ReadOnlySpan<byte> name, IReadOnlyList<string> names)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(name, names[i]))
            {
                return true;
            }
        }

        return false;
    }
}
