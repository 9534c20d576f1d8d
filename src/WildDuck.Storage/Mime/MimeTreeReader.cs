// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MimeKit;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Builds the <see cref="MimePartNode"/> tree from MimeKit's SAX-style <see cref="MimeReader"/>
/// callbacks: offsets only, nothing is re-serialised.
/// </summary>
/// <remarks>
/// MimeKit reports, for an entity inside a multipart, an end offset that excludes the CRLF that
/// precedes the next boundary delimiter (RFC 2046 §5.1.1), which is what <see cref="MimePartNode.BodyLength"/>
/// needs. Header callbacks arrive before the entity's Begin callback, so the relevant fields are
/// buffered until the entity is created. The resulting tree is validated by the indexer; this class
/// makes no promise about malformed input beyond not recursing deeper than the parser option allows.
/// </remarks>
internal sealed class MimeTreeReader : MimeReader
{
    private readonly Stack<MimePartNode> _stack = new();
    private string? _pendingEncoding;
    private Header? _pendingDisposition;
    private string? _pendingContentId;

    public MimeTreeReader(ParserOptions options, Stream stream)
        : base(options, stream, MimeFormat.Entity)
    {
    }

    public MimePartNode? Root { get; private set; }

    /// <summary>Parses one message; returns null when MimeKit cannot make sense of it.</summary>
    public static MimePartNode? Parse(byte[] buffer, int offset, int count, int maxDepth)
    {
        var options = new ParserOptions { MaxMimeDepth = maxDepth };
        using var stream = new MemoryStream(buffer, offset, count, writable: false);
        var reader = new MimeTreeReader(options, stream);
        try
        {
            reader.ReadMessage(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // Malformed MIME must never fail ingest: whatever the parser chokes on (FormatException
            // for unparsable headers, or anything else), the indexer falls back to a safe layout.
            return null;
        }

        return reader.Root;
    }

    protected override void OnHeadersBegin(long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
    {
        _pendingEncoding = null;
        _pendingDisposition = null;
        _pendingContentId = null;
    }

    protected override void OnHeaderRead(Header header, int beginLineNumber, CancellationToken cancellationToken)
    {
        switch (header.Id)
        {
            case HeaderId.ContentTransferEncoding:
                _pendingEncoding = header.Value;
                break;
            case HeaderId.ContentDisposition:
                _pendingDisposition = header;
                break;
            case HeaderId.ContentId:
                _pendingContentId = header.Value;
                break;
        }
    }

    protected override void OnMimePartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
        => Begin(contentType, beginOffset);

    protected override void OnMimePartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset, int lines, CancellationToken cancellationToken)
        => End(beginOffset, headersEndOffset, endOffset);

    protected override void OnMultipartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
        => Begin(contentType, beginOffset);

    protected override void OnMultipartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset, int lines, CancellationToken cancellationToken)
        => End(beginOffset, headersEndOffset, endOffset);

    protected override void OnMessagePartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
        => Begin(contentType, beginOffset);

    protected override void OnMessagePartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset, int lines, CancellationToken cancellationToken)
        => End(beginOffset, headersEndOffset, endOffset);

    private void Begin(ContentType contentType, long beginOffset)
    {
        var node = new MimePartNode
        {
            HeaderOffset = beginOffset,
            MediaType = MimeText.Lower(contentType.MediaType, "text"),
            MediaSubtype = MimeText.Lower(contentType.MediaSubtype, "plain"),
            Charset = contentType.Charset,
            TransferEncoding = MimeText.Lower(_pendingEncoding?.Trim(), "7bit"),
            ContentId = MimeText.StripAngles(_pendingContentId),
        };

        string? fileName = null;
        if (_pendingDisposition is not null
            && ContentDisposition.TryParse(Options, _pendingDisposition.RawValue, out ContentDisposition? disposition))
        {
            node.Disposition = MimeText.LowerOrNull(disposition.Disposition);
            fileName = disposition.FileName;
        }

        node.FileName = string.IsNullOrEmpty(fileName) ? (string.IsNullOrEmpty(contentType.Name) ? null : contentType.Name) : fileName;

        _pendingEncoding = null;
        _pendingDisposition = null;
        _pendingContentId = null;

        if (_stack.Count == 0)
        {
            Root ??= node;
        }
        else
        {
            MimePartNode parent = _stack.Peek();
            if (parent.IsMultipart)
            {
                parent.Children.Add(node);
            }
            else
            {
                // message/rfc822 (or message/global, message/news): MimeKit parses the encapsulated
                // message, whose top entity shares the message's header block.
                parent.Message ??= node;
            }
        }

        _stack.Push(node);
    }

    private void End(long beginOffset, long headersEndOffset, long endOffset)
    {
        if (_stack.Count == 0)
        {
            return;
        }

        MimePartNode node = _stack.Pop();
        node.HeaderOffset = beginOffset;
        node.HeaderLength = headersEndOffset - beginOffset;
        node.BodyOffset = headersEndOffset;
        node.BodyLength = endOffset - headersEndOffset;
    }
}
