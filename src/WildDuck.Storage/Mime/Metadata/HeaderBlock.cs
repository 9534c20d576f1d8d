// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using MimeKit;

namespace WildDuck.Storage.Mime;

/// <summary>One header field: its name and its raw value, unfolded and trimmed.</summary>
/// <param name="Name">The field name as written.</param>
/// <param name="RawValue">
/// The value bytes after the colon with CR and LF removed (RFC 5322 §2.2.3 unfolding) and leading
/// and trailing white space trimmed. Encoded words and 8-bit bytes are left as they are.
/// </param>
internal sealed record RawHeaderField(string Name, byte[] RawValue);

/// <summary>
/// A tolerant parser for one header block (RFC 5322 §2.2). Never throws: lines without a colon or
/// with an invalid field name are skipped, as are continuation lines that follow them.
/// </summary>
internal sealed class HeaderBlock
{
    /// <summary>Options used for every MimeKit parse of header values: as lenient as MimeKit gets.</summary>
    internal static readonly ParserOptions Lenient = CreateLenientOptions();

    private readonly List<RawHeaderField> _fields;

    // Values parsed with MimeKit, memoised: BODYSTRUCTURE, BODY and the text extractor all need the
    // Content-Type of a part, and ENVELOPE and the API address lists need the same address fields.
    private Dictionary<string, InternetAddressList?>? _addresses;
    private bool _contentTypeParsed;
    private ContentType? _contentType;
    private bool _dispositionParsed;
    private ContentDisposition? _disposition;

    private HeaderBlock(List<RawHeaderField> fields) => _fields = fields;

    /// <summary>An empty block.</summary>
    public static HeaderBlock Empty { get; } = new(new List<RawHeaderField>());

    /// <summary>The fields in message order.</summary>
    public IReadOnlyList<RawHeaderField> Fields => _fields;

    /// <summary>Parses a header block (the blank line that ends it may be included).</summary>
    public static HeaderBlock Parse(ReadOnlySpan<byte> block)
    {
        var fields = new List<RawHeaderField>();
        string? name = null;

        // The value of the current field: a slice of the block while it is one line (the usual
        // case, no copy), copied to a pooled scratch buffer only when continuation lines follow.
        ReadOnlySpan<byte> single = default;
        byte[]? scratch = null;
        int scratchLength = -1;
        int pos = 0;
        try
        {
            while (pos < block.Length)
            {
                int lineEnd = block[pos..].IndexOf((byte)'\n');
                int next = lineEnd < 0 ? block.Length : pos + lineEnd + 1;
                ReadOnlySpan<byte> line = block[pos..(lineEnd < 0 ? block.Length : pos + lineEnd)];
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                pos = next;
                if (line.Length == 0)
                {
                    break; // the empty line that ends the header (RFC 5322 §2.1)
                }

                if (line[0] == (byte)' ' || line[0] == (byte)'\t')
                {
                    if (name is not null)
                    {
                        if (scratchLength < 0)
                        {
                            scratchLength = 0;
                            Append(ref scratch, ref scratchLength, single);
                        }

                        Append(ref scratch, ref scratchLength, line);
                    }

                    continue;
                }

                Flush(fields, name, scratchLength < 0 ? single : scratch.AsSpan(0, scratchLength));
                name = null;
                single = default;
                scratchLength = -1;
                int colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    continue;
                }

                ReadOnlySpan<byte> fieldName = line[..colon].TrimEnd(" \t"u8);
                if (!IsFieldName(fieldName))
                {
                    continue;
                }

                name = FieldName(fieldName);
                single = line[(colon + 1)..];
            }

            Flush(fields, name, scratchLength < 0 ? single : scratch.AsSpan(0, scratchLength));
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        return new HeaderBlock(fields);
    }

    /// <summary>The last field named <paramref name="name"/> (case-insensitive), or null.</summary>
    public RawHeaderField? Last(string name)
    {
        for (int i = _fields.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_fields[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return _fields[i];
            }
        }

        return null;
    }

    /// <summary>The raw value of the last field named <paramref name="name"/>, or null.</summary>
    public byte[]? LastValue(string name) => Last(name)?.RawValue;

    /// <summary>
    /// Decodes a raw value to text: RFC 2047 encoded words are decoded, undeclared 8-bit bytes are
    /// read as UTF-8, else ISO-8859-1 (see <see cref="EncodedWordDecoder"/>).
    /// </summary>
    public static string DecodeText(byte[] raw)
    {
        return raw.Length == 0 ? string.Empty : EncodedWordDecoder.Decode(raw);
    }

    /// <summary>Collapses runs of white space to one space and trims.</summary>
    public static string CollapseWhitespace(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>The parsed Content-Type of this block (last field), or null when absent or unparsable.</summary>
    public ContentType? ContentType
    {
        get
        {
            if (!_contentTypeParsed && _fields.Count > 0)
            {
                _contentType = ParseContentType(LastValue("Content-Type"));
                _contentTypeParsed = true;
            }

            return _contentType;
        }
    }

    /// <summary>The parsed Content-Disposition of this block (last field), or null when absent or unparsable.</summary>
    public ContentDisposition? ContentDisposition
    {
        get
        {
            if (!_dispositionParsed && _fields.Count > 0)
            {
                _disposition = ParseDisposition(LastValue("Content-Disposition"));
                _dispositionParsed = true;
            }

            return _disposition;
        }
    }

    /// <summary>
    /// The parsed address list of the last field named <paramref name="name"/>; null when absent or
    /// unparsable. Memoised per name: callers must not modify the list.
    /// </summary>
    public InternetAddressList? Addresses(string name)
    {
        if (_fields.Count == 0)
        {
            return null; // also keeps the shared Empty instance free of mutable state
        }

        _addresses ??= new Dictionary<string, InternetAddressList?>(StringComparer.OrdinalIgnoreCase);
        if (!_addresses.TryGetValue(name, out InternetAddressList? list))
        {
            list = EnvelopeBuilder.ParseAddresses(LastValue(name));
            _addresses[name] = list;
        }

        return list;
    }

    private static ContentType? ParseContentType(byte[]? raw)
    {
        if (raw is null || raw.Length == 0)
        {
            return null;
        }

        try
        {
            return MimeKit.ContentType.TryParse(Lenient, raw, out ContentType? type) ? type : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or ParseException or InvalidOperationException)
        {
            return null;
        }
    }

    private static ContentDisposition? ParseDisposition(byte[]? raw)
    {
        if (raw is null || raw.Length == 0)
        {
            return null;
        }

        try
        {
            return MimeKit.ContentDisposition.TryParse(Lenient, raw, out ContentDisposition? disposition) ? disposition : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or ParseException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void Append(ref byte[]? scratch, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (scratch is null || length + bytes.Length > scratch.Length)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(256, (length + bytes.Length) * 2));
            if (scratch is not null)
            {
                scratch.AsSpan(0, length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = grown;
        }

        bytes.CopyTo(scratch.AsSpan(length));
        length += bytes.Length;
    }

    private static void Flush(List<RawHeaderField> fields, string? name, ReadOnlySpan<byte> value)
    {
        if (name is not null)
        {
            fields.Add(new RawHeaderField(name, value.Trim(" \t"u8).ToArray()));
        }
    }

    // Common field names without a string allocation each time (same text as written, so the
    // result is identical to decoding the bytes).
    private static readonly string[] KnownNames =
    [
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Sender", "Reply-To", "In-Reply-To",
        "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
        "Content-ID", "Content-Description", "Received", "Return-Path", "X-Mailer",
    ];

    private static string FieldName(ReadOnlySpan<byte> bytes)
    {
        foreach (string known in KnownNames)
        {
            if (known.Length == bytes.Length && Ascii.Equals(bytes, known))
            {
                return known;
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }

    // RFC 5322 §3.6.8: field-name = 1*ftext; ftext = %d33-57 / %d59-126.
    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (byte b in name)
        {
            if (b < 33 || b > 126 || b == (byte)':')
            {
                return false;
            }
        }

        return true;
    }

    private static ParserOptions CreateLenientOptions()
    {
        var options = ParserOptions.Default.Clone();
        options.AddressParserComplianceMode = RfcComplianceMode.Looser;
        options.ParameterComplianceMode = RfcComplianceMode.Looser;
        options.Rfc2047ComplianceMode = RfcComplianceMode.Looser;
        options.AllowAddressesWithoutDomain = true;
        options.AllowUnquotedCommasInAddresses = true;
        return options;
    }
}
