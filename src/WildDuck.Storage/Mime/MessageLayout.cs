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
    private readonly bool _lazy;
    private ReadOnlyMemory<byte> _encodedTree;

    // The encoded tree lives in the owning content's pooled buffer (not a copy of its own) and
    // that buffer went back to the pool: the tree can no longer be decoded.
    private readonly bool _borrowed;
    private volatile bool _released;
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
    /// <paramref name="borrowed"/>: the bytes belong to a pooled buffer of the content that owns
    /// this layout, which calls <see cref="ReleaseEncodedTree"/> before returning that buffer.
    /// </summary>
    internal MessageLayout(ReadOnlyMemory<byte> encodedTree, bool borrowed, long messageHeaderOffset, long messageHeaderLength, long messageBodyLength, IReadOnlyList<MessageSegment> segments, long size)
    {
        _lazy = true;
        _borrowed = borrowed;
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

            ObjectDisposedException.ThrowIf(_released, typeof(MessageContent));

            // Two threads may decode at once; both results are equal and one is kept.
            Interlocked.CompareExchange(ref _root, MessageLayoutSerializer.DecodeTree(_encodedTree.Span), null);
            return _root!;
        }
    }

    /// <summary>Ordered segments; their lengths add up to <see cref="Size"/>.</summary>
    public IReadOnlyList<MessageSegment> Segments { get; }

    /// <summary>RFC822.SIZE: the length of the normalised message.</summary>
    public long Size { get; }

    /// <summary>
    /// Called by the owning content before its pooled buffer goes back: a borrowed tree not yet
    /// decoded can no longer be (<see cref="Root"/> then throws <see cref="ObjectDisposedException"/>
    /// instead of reading reused memory).
    /// </summary>
    internal void ReleaseEncodedTree()
    {
        if (_borrowed)
        {
            _released = true;
            _encodedTree = default;
        }
    }

    /// <summary>True once the MIME tree exists as objects (always for a layout built from a tree).</summary>
    internal bool IsTreeDecoded => Volatile.Read(ref _root) is not null;

    /// <summary>Offset of the message's header block (the root entity's).</summary>
    internal long MessageHeaderOffset => !_lazy ? _root!.HeaderOffset : _messageHeaderOffset;

    /// <summary>Length of the message's header block.</summary>
    internal long MessageHeaderLength => !_lazy ? _root!.HeaderLength : _messageHeaderLength;

    /// <summary>Offset of the message's body.</summary>
    internal long MessageBodyOffset => !_lazy ? _root!.BodyOffset : _messageHeaderOffset + _messageHeaderLength;

    /// <summary>Length of the message's body.</summary>
    internal long MessageBodyLength => !_lazy ? _root!.BodyLength : _messageBodyLength;
}
