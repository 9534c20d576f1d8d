// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;

namespace WildDuck.Storage.Mime;

/// <summary>
/// The stored shape of a message: its MIME tree (offsets) and its segment list. Backends persist
/// it as an opaque, versioned blob (see the layout serializer).
/// </summary>
public sealed class MessageLayout
{
    private MimePartNode? _root;

    // A layout read for streaming keeps its MIME tree encoded until a section needs it: BODY[],
    // HEADER, TEXT and HEADER.FIELDS of the message itself need only the top-level offsets and the
    // segments, and decoding the tree is most of what reading a layout costs (docs/benchmarks.md).
    private readonly byte[]? _encodedTree;
    private readonly long _messageHeaderOffset;
    private readonly long _messageHeaderLength;
    private readonly long _messageBodyLength;

    /// <summary>Creates a layout.</summary>
    public MessageLayout(MimePartNode root, IReadOnlyList<MessageSegment> segments, long size)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(segments);
        _root = root;
        Segments = segments;
        Size = size;
    }

    /// <summary>
    /// A layout whose tree is decoded on first use of <see cref="Root"/>, from
    /// <paramref name="encodedTree"/> (the serializer's node encoding, already validated).
    /// </summary>
    internal MessageLayout(byte[] encodedTree, long messageHeaderOffset, long messageHeaderLength, long messageBodyLength, IReadOnlyList<MessageSegment> segments, long size)
    {
        _encodedTree = encodedTree;
        _messageHeaderOffset = messageHeaderOffset;
        _messageHeaderLength = messageHeaderLength;
        _messageBodyLength = messageBodyLength;
        Segments = segments;
        Size = size;
    }

    /// <summary>The root entity (the message itself).</summary>
    public MimePartNode Root
    {
        get
        {
            var root = Volatile.Read(ref _root);
            if (root is not null)
            {
                return root;
            }

            // Two threads may decode at once; both results are equal and one is kept.
            Interlocked.CompareExchange(ref _root, MessageLayoutSerializer.DecodeTree(_encodedTree!), null);
            return _root!;
        }
    }

    /// <summary>Ordered segments; their lengths add up to <see cref="Size"/>.</summary>
    public IReadOnlyList<MessageSegment> Segments { get; }

    /// <summary>RFC822.SIZE: the length of the normalised message.</summary>
    public long Size { get; }

    /// <summary>True once the MIME tree exists as objects (always for a layout built from a tree).</summary>
    internal bool IsTreeDecoded => Volatile.Read(ref _root) is not null;

    /// <summary>Offset of the message's header block (the root entity's).</summary>
    internal long MessageHeaderOffset => _encodedTree is null ? _root!.HeaderOffset : _messageHeaderOffset;

    /// <summary>Length of the message's header block.</summary>
    internal long MessageHeaderLength => _encodedTree is null ? _root!.HeaderLength : _messageHeaderLength;

    /// <summary>Offset of the message's body.</summary>
    internal long MessageBodyOffset => _encodedTree is null ? _root!.BodyOffset : _messageHeaderOffset + _messageHeaderLength;

    /// <summary>Length of the message's body.</summary>
    internal long MessageBodyLength => _encodedTree is null ? _root!.BodyLength : _messageBodyLength;
}
