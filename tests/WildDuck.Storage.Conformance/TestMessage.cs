// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Text;

namespace WildDuck.Storage.Conformance;

/// <summary>
/// Builds small RFC 5322 messages for the suite: plain text, or multipart/mixed with one base64
/// attachment of seeded pseudo-random bytes. Header values are written as given (UTF-8 bytes),
/// so callers can pass encoded words or raw 8-bit text.
/// </summary>
public sealed record TestMessage
{
    /// <summary>The boundary of multipart messages.</summary>
    public const string Boundary = "conformance-boundary-7f3a";

    /// <summary>From header value.</summary>
    public string From { get; init; } = "Sender <sender@example.com>";

    /// <summary>To header value.</summary>
    public string? To { get; init; } = "Recipient <recipient@example.com>";

    /// <summary>Cc header value, or null.</summary>
    public string? Cc { get; init; }

    /// <summary>Bcc header value, or null.</summary>
    public string? Bcc { get; init; }

    /// <summary>Subject header value, or null.</summary>
    public string? Subject { get; init; } = "Test message";

    /// <summary>Date header, or null to omit it.</summary>
    public DateTimeOffset? Date { get; init; } = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    /// <summary>Message-ID with brackets, or null to omit it.</summary>
    public string? MessageId { get; init; }

    /// <summary>Additional header lines ("Name: value"), written after the standard ones.</summary>
    public IReadOnlyList<string> ExtraHeaders { get; init; } = Array.Empty<string>();

    /// <summary>The text body (lines separated by "\n"; converted to the chosen line ending).</summary>
    public string Body { get; init; } = "Hello.\n";

    /// <summary>Size in bytes of the attachment's decoded content; 0 builds a single-part message.</summary>
    public int AttachmentSize { get; init; }

    /// <summary>Seed of the attachment's pseudo-random bytes (same seed and size, same attachment).</summary>
    public int AttachmentSeed { get; init; } = 1;

    /// <summary>True to use bare LF line endings instead of CRLF.</summary>
    public bool BareLineFeeds { get; init; }

    /// <summary>The message bytes.</summary>
    public byte[] ToBytes()
    {
        var eol = BareLineFeeds ? "\n" : "\r\n";
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append(eol);

        Line("From: " + From);
        if (To is not null)
        {
            Line("To: " + To);
        }

        if (Cc is not null)
        {
            Line("Cc: " + Cc);
        }

        if (Bcc is not null)
        {
            Line("Bcc: " + Bcc);
        }

        if (Subject is not null)
        {
            Line("Subject: " + Subject);
        }

        if (Date is { } date)
        {
            Line("Date: " + FormatDate(date));
        }

        if (MessageId is not null)
        {
            Line("Message-ID: " + MessageId);
        }

        foreach (var header in ExtraHeaders)
        {
            Line(header);
        }

        Line("MIME-Version: 1.0");
        var body = Body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", eol, StringComparison.Ordinal);
        if (AttachmentSize <= 0)
        {
            Line("Content-Type: text/plain; charset=utf-8");
            Line("Content-Transfer-Encoding: 8bit");
            sb.Append(eol).Append(body);
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        Line($"Content-Type: multipart/mixed; boundary=\"{Boundary}\"");
        Line(string.Empty);
        Line("This is a multi-part message in MIME format.");
        Line("--" + Boundary);
        Line("Content-Type: text/plain; charset=utf-8");
        Line("Content-Transfer-Encoding: 8bit");
        Line(string.Empty);
        sb.Append(body);
        if (!body.EndsWith(eol, StringComparison.Ordinal))
        {
            sb.Append(eol);
        }

        Line("--" + Boundary);
        Line("Content-Type: application/octet-stream; name=\"data.bin\"");
        Line("Content-Disposition: attachment; filename=\"data.bin\"");
        Line("Content-Transfer-Encoding: base64");
        Line(string.Empty);
        sb.Append(EncodedAttachment(AttachmentSize, AttachmentSeed, eol)).Append(eol);
        Line("--" + Boundary + "--");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The decoded attachment: <paramref name="size"/> pseudo-random bytes from <paramref name="seed"/>.</summary>
    public static byte[] AttachmentBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// The attachment's encoded leaf body exactly as it appears in the message: base64 lines of 76
    /// characters joined by <paramref name="eol"/>, without the line break that precedes the next
    /// boundary (RFC 2046 §5.1.1: that CRLF belongs to the delimiter).
    /// </summary>
    public static string EncodedAttachment(int size, int seed, string eol = "\r\n")
    {
        var base64 = Convert.ToBase64String(AttachmentBytes(size, seed));
        var lines = new List<string>();
        for (var i = 0; i < base64.Length; i += 76)
        {
            lines.Add(base64.Substring(i, Math.Min(76, base64.Length - i)));
        }

        return string.Join(eol, lines);
    }

    /// <summary>The CRLF-encoded leaf body bytes of the attachment (what the attachment store keeps).</summary>
    public byte[] EncodedAttachmentBytes() => Encoding.ASCII.GetBytes(EncodedAttachment(AttachmentSize, AttachmentSeed));

    /// <summary>An RFC 5322 date-time ("Tue, 09 Jan 2024 09:00:00 +0000").</summary>
    public static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return date.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)
            + $" {sign}{abs.Hours:00}{abs.Minutes:00}";
    }

    /// <summary>Converts bare LF to CRLF (the normalisation the store applies on ingest).</summary>
    public static byte[] NormalizeLineEndings(ReadOnlySpan<byte> raw)
    {
        var output = new List<byte>(raw.Length + 64);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\n' && (i == 0 || raw[i - 1] != (byte)'\r'))
            {
                output.Add((byte)'\r');
            }

            output.Add(raw[i]);
        }

        return output.ToArray();
    }
}
