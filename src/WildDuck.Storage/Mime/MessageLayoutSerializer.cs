// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO;
using System.Text;

namespace WildDuck.Storage.Mime;

/// <summary>
/// The persisted form of a <see cref="MessageLayout"/>: a compact, versioned binary blob that
/// backends store as-is next to the inline content.
/// </summary>
/// <remarks>
/// <para>Format version 1 (frozen: never change its meaning, add a version instead):</para>
/// <code>
/// layout   = version:u8(=1) size:varint node segCount:varint segment*
/// node     = flags:u8 headerOffset:varint headerLength:varint bodyLength:varint bodyLines:varint
///            mediaType:str mediaSubtype:str transferEncoding:str
///            charset:nstr disposition:nstr fileName:nstr contentId:nstr
///            childCount:varint node* [node if flags&amp;1 (encapsulated message)]
/// segment  = kind:u8 (0 inline, 1 external) length:varint (inlineOffset:varint | hash:32 bytes)
/// str      = length:varint UTF-8 bytes;  nstr = (length+1):varint UTF-8 bytes, 0 = null
/// flags    = bit0 has encapsulated message, bit1 opaque
/// varint   = unsigned LEB128, at most 10 bytes
/// </code>
/// <para>The body offset is not stored: it is headerOffset + headerLength.</para>
/// </remarks>
public static class MessageLayoutSerializer
{
    /// <summary>The format version written by <see cref="Serialize"/>.</summary>
    public const byte CurrentVersion = 1;

    // Bounds recursion on read so a corrupt blob cannot exhaust the stack.
    private const int MaxDepth = 1024;

    private const byte FlagMessage = 1;
    private const byte FlagOpaque = 2;

    /// <summary>Serialises <paramref name="layout"/>.</summary>
    /// <param name="layout">The layout.</param>
    /// <returns>The blob.</returns>
    public static byte[] Serialize(MessageLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var writer = new ArrayBufferWriter<byte>(256);
        WriteByte(writer, CurrentVersion);
        WriteVarint(writer, (ulong)layout.Size);
        WriteNode(writer, layout.Root, 0);
        WriteVarint(writer, (ulong)layout.Segments.Count);
        for (int i = 0; i < layout.Segments.Count; i++)
        {
            MessageSegment segment = layout.Segments[i];
            WriteByte(writer, segment.IsExternal ? (byte)1 : (byte)0);
            WriteVarint(writer, (ulong)segment.Length);
            if (segment.IsExternal)
            {
                segment.Hash.WriteBytes(writer.GetSpan(32));
                writer.Advance(32);
            }
            else
            {
                WriteVarint(writer, (ulong)segment.InlineOffset);
            }
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a blob written by <see cref="Serialize"/>.</summary>
    /// <param name="data">The blob.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="InvalidDataException">Unknown version, truncated or inconsistent data.</exception>
    public static MessageLayout Deserialize(ReadOnlySpan<byte> data) => Read(data, lazyTree: false);

    /// <summary>
    /// As <see cref="Deserialize"/>, with the same validation, but the MIME tree stays encoded
    /// until <see cref="MessageLayout.Root"/> is used: streaming BODY[] (and the message's own
    /// HEADER, TEXT and HEADER.FIELDS) needs only the segments and the top-level offsets.
    /// </summary>
    internal static MessageLayout DeserializeLazy(ReadOnlySpan<byte> data) => Read(data, lazyTree: true);

    /// <summary>
    /// As <see cref="DeserializeLazy(ReadOnlySpan{byte})"/>, but the encoded tree is not copied: the
    /// layout refers to it in <paramref name="pooledData"/>, a pooled buffer of the content that will
    /// own the layout (which calls <see cref="MessageLayout.ReleaseEncodedTree"/> before returning it).
    /// </summary>
    internal static MessageLayout DeserializeLazyInPlace(ReadOnlyMemory<byte> pooledData) => Read(pooledData.Span, lazyTree: true, pooledData);

    /// <summary>Decodes a tree kept encoded by <see cref="DeserializeLazy(ReadOnlySpan{byte})"/>.</summary>
    internal static MimePartNode DecodeTree(ReadOnlySpan<byte> encodedTree)
    {
        var reader = new Reader(encodedTree);
        MimePartNode root = ReadNode(ref reader, 0);
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("Trailing bytes after the message tree.");
        }

        return root;
    }

    private static MessageLayout Read(ReadOnlySpan<byte> data, bool lazyTree, ReadOnlyMemory<byte> pooledData = default)
    {
        var reader = new Reader(data);
        byte version = reader.ReadByte();
        if (version != CurrentVersion)
        {
            throw new InvalidDataException($"Unknown message layout format version {version}.");
        }

        long size = reader.ReadLength();
        int treeStart = reader.Position;
        MimePartNode? root = null;
        (long HeaderOffset, long HeaderLength, long BodyLength) message = default;
        if (lazyTree)
        {
            message = SkipNode(ref reader, 0);
        }
        else
        {
            root = ReadNode(ref reader, 0);
        }

        int treeEnd = reader.Position;
        long segmentCount = reader.ReadLength();
        if (segmentCount > reader.Remaining)
        {
            throw Truncated();
        }

        var segments = new MessageSegment[segmentCount];
        long total = 0;
        for (long i = 0; i < segmentCount; i++)
        {
            byte kind = reader.ReadByte();
            long length = reader.ReadLength();
            if (kind == 0)
            {
                segments[i] = MessageSegment.Inline(reader.ReadLength(), length);
            }
            else if (kind == 1)
            {
                segments[i] = MessageSegment.External(ContentHash.FromBytes(reader.ReadBytes(32)), length);
            }
            else
            {
                throw new InvalidDataException($"Unknown message segment kind {kind}.");
            }

            total += length;
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException("Trailing bytes after the message layout.");
        }

        if (total != size)
        {
            throw new InvalidDataException("Message layout segments do not add up to the message size.");
        }

        return root is not null
            ? new MessageLayout(root, segments, size)
            : pooledData.IsEmpty
                ? new MessageLayout(data[treeStart..treeEnd].ToArray(), borrowed: false, message.HeaderOffset, message.HeaderLength, message.BodyLength, segments, size)
                : new MessageLayout(pooledData[treeStart..treeEnd], borrowed: true, message.HeaderOffset, message.HeaderLength, message.BodyLength, segments, size);
    }

    private static void WriteNode(ArrayBufferWriter<byte> writer, MimePartNode node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("The MIME tree is too deep to serialise.");
        }

        byte flags = 0;
        if (node.Message is not null)
        {
            flags |= FlagMessage;
        }

        if (node.IsOpaque)
        {
            flags |= FlagOpaque;
        }

        WriteByte(writer, flags);
        WriteVarint(writer, (ulong)node.HeaderOffset);
        WriteVarint(writer, (ulong)node.HeaderLength);
        WriteVarint(writer, (ulong)node.BodyLength);
        WriteVarint(writer, (ulong)node.BodyLines);
        WriteString(writer, node.MediaType);
        WriteString(writer, node.MediaSubtype);
        WriteString(writer, node.TransferEncoding);
        WriteNullableString(writer, node.Charset);
        WriteNullableString(writer, node.Disposition);
        WriteNullableString(writer, node.FileName);
        WriteNullableString(writer, node.ContentId);
        WriteVarint(writer, (ulong)node.Children.Count);
        for (int i = 0; i < node.Children.Count; i++)
        {
            WriteNode(writer, node.Children[i], depth + 1);
        }

        if (node.Message is { } message)
        {
            WriteNode(writer, message, depth + 1);
        }
    }

    private static MimePartNode ReadNode(ref Reader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("Message layout nesting is too deep.");
        }

        byte flags = reader.ReadByte();
        long headerOffset = reader.ReadLength();
        long headerLength = reader.ReadLength();
        long bodyLength = reader.ReadLength();
        long lines = reader.ReadLength();
        if (lines > int.MaxValue)
        {
            throw new InvalidDataException("Invalid body line count in message layout.");
        }

        var node = new MimePartNode
        {
            HeaderOffset = headerOffset,
            HeaderLength = headerLength,
            BodyOffset = headerOffset + headerLength,
            BodyLength = bodyLength,
            BodyLines = (int)lines,
            IsOpaque = (flags & FlagOpaque) != 0,
            MediaType = reader.ReadString(),
            MediaSubtype = reader.ReadString(),
            TransferEncoding = reader.ReadString(),
            Charset = reader.ReadNullableString(),
            Disposition = reader.ReadNullableString(),
            FileName = reader.ReadNullableString(),
            ContentId = reader.ReadNullableString(),
        };

        long childCount = reader.ReadLength();
        if (childCount > reader.Remaining)
        {
            throw Truncated();
        }

        for (long i = 0; i < childCount; i++)
        {
            node.Children.Add(ReadNode(ref reader, depth + 1));
        }

        if ((flags & FlagMessage) != 0)
        {
            node.Message = ReadNode(ref reader, depth + 1);
        }

        return node;
    }

    /// <summary>
    /// Walks a node as <see cref="ReadNode"/> does, with the same checks, without building it;
    /// returns its offsets.
    /// </summary>
    private static (long HeaderOffset, long HeaderLength, long BodyLength) SkipNode(ref Reader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("Message layout nesting is too deep.");
        }

        byte flags = reader.ReadByte();
        long headerOffset = reader.ReadLength();
        long headerLength = reader.ReadLength();
        long bodyLength = reader.ReadLength();
        if (reader.ReadLength() > int.MaxValue)
        {
            throw new InvalidDataException("Invalid body line count in message layout.");
        }

        // mediaType, mediaSubtype, transferEncoding, then charset, disposition, fileName, contentId.
        for (int i = 0; i < 3; i++)
        {
            reader.ReadBytes(reader.ReadLength());
        }

        for (int i = 0; i < 4; i++)
        {
            long length = reader.ReadLength();
            if (length > 0)
            {
                reader.ReadBytes(length - 1);
            }
        }

        long childCount = reader.ReadLength();
        if (childCount > reader.Remaining)
        {
            throw Truncated();
        }

        for (long i = 0; i < childCount; i++)
        {
            SkipNode(ref reader, depth + 1);
        }

        if ((flags & FlagMessage) != 0)
        {
            SkipNode(ref reader, depth + 1);
        }

        return (headerOffset, headerLength, bodyLength);
    }

    private static void WriteByte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> writer, ulong value)
    {
        Span<byte> span = writer.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        writer.Advance(i);
    }

    private static void WriteString(ArrayBufferWriter<byte> writer, string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteVarint(writer, (ulong)count);
        Encoding.UTF8.GetBytes(value, writer.GetSpan(count));
        writer.Advance(count);
    }

    private static void WriteNullableString(ArrayBufferWriter<byte> writer, string? value)
    {
        if (value is null)
        {
            WriteVarint(writer, 0);
            return;
        }

        int count = Encoding.UTF8.GetByteCount(value);
        WriteVarint(writer, (ulong)count + 1);
        Encoding.UTF8.GetBytes(value, writer.GetSpan(count));
        writer.Advance(count);
    }

    private static InvalidDataException Truncated() => new("The message layout is truncated or corrupt.");

    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public readonly int Remaining => _data.Length - _position;

        public readonly bool AtEnd => _position == _data.Length;

        public readonly int Position => _position;

        public byte ReadByte()
        {
            if (_position >= _data.Length)
            {
                throw Truncated();
            }

            return _data[_position++];
        }

        public long ReadLength()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    if (value > long.MaxValue)
                    {
                        throw new InvalidDataException("Invalid length in message layout.");
                    }

                    return (long)value;
                }
            }

            throw new InvalidDataException("Invalid varint in message layout.");
        }

        public ReadOnlySpan<byte> ReadBytes(long count)
        {
            if (count > Remaining)
            {
                throw Truncated();
            }

            ReadOnlySpan<byte> slice = _data.Slice(_position, (int)count);
            _position += (int)count;
            return slice;
        }

        public string ReadString() => Encoding.UTF8.GetString(ReadBytes(ReadLength()));

        public string? ReadNullableString()
        {
            long length = ReadLength();
            return length == 0 ? null : Encoding.UTF8.GetString(ReadBytes(length - 1));
        }
    }
}
