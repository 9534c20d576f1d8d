// SPDX-License-Identifier: MIT
using System;
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
        var value = new List<byte>();
        int pos = 0;
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
                    Append(value, line);
                }

                continue;
            }

            Flush(fields, name, value);
            name = null;
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

            name = Encoding.ASCII.GetString(fieldName);
            Append(value, line[(colon + 1)..]);
        }

        Flush(fields, name, value);
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

    private static void Append(List<byte> value, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            value.Add(b);
        }
    }

    private static void Flush(List<RawHeaderField> fields, string? name, List<byte> value)
    {
        if (name is not null)
        {
            ReadOnlySpan<byte> trimmed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(value).Trim(" \t"u8);
            fields.Add(new RawHeaderField(name, trimmed.ToArray()));
        }

        value.Clear();
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
