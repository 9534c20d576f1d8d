// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;

namespace WildDuck.Lmtp.Outbound;

/// <summary>
/// Builds a <see cref="MimeMessage"/> that MailKit's <c>SmtpClient</c> transmits as the stored
/// bytes, so a forward keeps its DKIM signatures valid.
/// </summary>
/// <remarks>
/// <para>
/// Parsing the whole message and letting MimeKit write it back is close to exact, but MailKit's
/// <c>Prepare</c> re-encodes 8-bit parts for servers without 8BITMIME, and any part MimeKit does
/// not reproduce to the byte would change. Here only the header block is parsed (MimeKit writes an
/// unmodified header from its raw bytes), and the body is an opaque part that writes the stored body
/// bytes and refuses to be prepared.
/// </para>
/// <para>
/// Unlike WildDuck's maildrop (reference §6.7) a <c>Bcc</c> field is kept: the bytes are not touched.
/// The body is not announced as <c>BODY=8BITMIME</c> (RFC 6152) even when it has 8-bit bytes,
/// because MailKit decides that from parsed MIME parts; servers accept such data in practice.
/// A header block MimeKit cannot parse (a byte-order mark before the first field) fails the entry.
/// </para>
/// </remarks>
internal static class RawMimeMessage
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>
    /// Creates the message; null when the header block cannot be parsed. <paramref name="exact"/>
    /// says whether MimeKit writes the header block back byte for byte (checked on every message; it
    /// does for the whole test corpus).
    /// </summary>
    public static MimeMessage? Create(ReadOnlyMemory<byte> content, out bool exact)
    {
        exact = false;
        var span = content.Span;
        var end = span.IndexOf(HeaderEnd);
        var headerLength = end < 0 ? content.Length : end + HeaderEnd.Length;
        HeaderList headers;
        try
        {
            using var stream = new MemoryStream(content[..headerLength].ToArray(), writable: false);
            headers = HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }

        var message = new MimeMessage();
        message.Headers.Clear();
        foreach (var header in headers)
        {
            message.Headers.Add(header);
        }

        message.Body = new RawBody(end < 0 ? ReadOnlyMemory<byte>.Empty : content[headerLength..]);
        using (var check = new MemoryStream(headerLength + 2))
        {
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            message.Headers.WriteTo(options, check);
            check.Write(HeaderEnd.AsSpan(2));
            exact = check.GetBuffer().AsSpan(0, (int)check.Length).SequenceEqual(span[..headerLength]);
        }

        return message;
    }

    /// <summary>The stored body bytes, written as they are.</summary>
    private sealed class RawBody : MimeEntity
    {
        private static readonly byte[] CrLf = "\r\n"u8.ToArray();

        private readonly ReadOnlyMemory<byte> _body;

        public RawBody(ReadOnlyMemory<byte> body)
            : base(new ContentType("application", "octet-stream"))
        {
            _body = body;
            // MimeMessage writes the body's headers after its own; this part has none.
            Headers.Clear();
        }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
            // Nothing to prepare: the bytes go out as they are.
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly = false, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.Write(_body.Span);
            if (NeedsLineEnd(_body.Span))
            {
                stream.Write(CrLf);
            }
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly = false, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(stream);
            await stream.WriteAsync(_body, cancellationToken).ConfigureAwait(false);
            if (NeedsLineEnd(_body.Span))
            {
                await stream.WriteAsync(CrLf, cancellationToken).ConfigureAwait(false);
            }
        }

        // SMTP DATA ends with CRLF "." CRLF (RFC 5321 §4.1.1.4): the terminating CRLF must follow a
        // complete line, so a body without a final line break gets one (ingested mail always has one).
        private static bool NeedsLineEnd(ReadOnlySpan<byte> bytes) => bytes.Length > 0 && !bytes.EndsWith(CrLf);
    }
}
