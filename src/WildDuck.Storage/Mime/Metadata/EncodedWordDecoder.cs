// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using MimeKit.Encodings;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Decodes unstructured header text with RFC 2047 encoded words (<c>=?charset?B|Q?text?=</c>),
/// independently of MimeKit's charset table (which is fixed the first time MimeKit is used and may
/// then miss the code-pages encodings). Never throws.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>White space between two adjacent encoded words is dropped (RFC 2047 §6.2).</item>
/// <item>Consecutive encoded words in the same charset are decoded together, so a multi-byte
/// character split across two words (a common sender bug) survives.</item>
/// <item>An RFC 2231 language suffix (<c>charset*lang</c>) is ignored.</item>
/// <item>Text outside encoded words is read as UTF-8 and, if that is invalid, as ISO-8859-1;
/// an unknown charset falls back the same way.</item>
/// </list>
/// </remarks>
internal static class EncodedWordDecoder
{
    /// <summary>Decodes <paramref name="raw"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        // Fast path, most header values: no encoded word and only ASCII, which every branch below
        // (UTF-8, else ISO-8859-1) would decode to the same characters.
        if (raw.IndexOf("=?"u8) < 0 && Ascii.IsValid(raw))
        {
            return Encoding.ASCII.GetString(raw);
        }

        var output = new StringBuilder(raw.Length);
        var pending = new List<byte>();
        string? pendingCharset = null;
        int textStart = 0;
        int i = 0;
        bool lastWasEncoded = false;
        while (i < raw.Length)
        {
            if (raw[i] == (byte)'=' && i + 1 < raw.Length && raw[i + 1] == (byte)'?'
                && TryParseWord(raw, i, out int end, out string charset, out byte[] bytes))
            {
                ReadOnlySpan<byte> between = raw[textStart..i];
                bool onlySpace = IsWhiteSpace(between);
                if (!(lastWasEncoded && onlySpace))
                {
                    Flush(output, pending, ref pendingCharset);
                    AppendRaw(output, between);
                }

                if (pendingCharset is not null && !string.Equals(pendingCharset, charset, StringComparison.OrdinalIgnoreCase))
                {
                    Flush(output, pending, ref pendingCharset);
                }

                pendingCharset = charset;
                pending.AddRange(bytes);
                lastWasEncoded = true;
                i = end;
                textStart = end;
                continue;
            }

            if (!IsSpace(raw[i]))
            {
                if (lastWasEncoded)
                {
                    Flush(output, pending, ref pendingCharset);
                    lastWasEncoded = false;
                }
            }

            i++;
        }

        Flush(output, pending, ref pendingCharset);
        AppendRaw(output, raw[textStart..]);
        return output.ToString();
    }

    private static bool TryParseWord(ReadOnlySpan<byte> raw, int start, out int end, out string charset, out byte[] bytes)
    {
        end = 0;
        charset = string.Empty;
        bytes = Array.Empty<byte>();

        // =?charset?X?text?=
        int pos = start + 2;
        int q1 = IndexOf(raw, pos, (byte)'?');
        if (q1 <= pos || q1 + 2 >= raw.Length || raw[q1 + 2] != (byte)'?')
        {
            return false;
        }

        byte mode = (byte)(raw[q1 + 1] | 0x20);
        if (mode != (byte)'b' && mode != (byte)'q')
        {
            return false;
        }

        int textStartIndex = q1 + 3;
        int close = textStartIndex;
        while (true)
        {
            close = IndexOf(raw, close, (byte)'?');
            if (close < 0 || close + 1 >= raw.Length)
            {
                return false;
            }

            if (raw[close + 1] == (byte)'=')
            {
                break;
            }

            close++;
        }

        ReadOnlySpan<byte> name = raw[pos..q1];
        foreach (byte b in name)
        {
            if (b <= (byte)' ' || b >= 0x7F)
            {
                return false;
            }
        }

        charset = Encoding.ASCII.GetString(name);
        int star = charset.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            charset = charset[..star];
        }

        byte[] text = raw[textStartIndex..close].ToArray();
        if (mode == (byte)'q')
        {
            for (int k = 0; k < text.Length; k++)
            {
                if (text[k] == (byte)'_')
                {
                    text[k] = (byte)' ';
                }
            }
        }

        IMimeDecoder decoder = mode == (byte)'b' ? new Base64Decoder() : new QuotedPrintableDecoder(true);
        try
        {
            byte[] output = new byte[decoder.EstimateOutputLength(text.Length) + 4];
            int written = decoder.Decode(text, 0, text.Length, output);
            bytes = output.AsSpan(0, written).ToArray();
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or FormatException)
        {
            return false;
        }

        end = close + 2;
        return true;
    }

    private static void Flush(StringBuilder output, List<byte> pending, ref string? charset)
    {
        if (charset is not null && pending.Count > 0)
        {
            output.Append(BodyTextDecoder.DecodeCharset(pending.ToArray(), charset));
        }

        pending.Clear();
        charset = null;
    }

    private static void AppendRaw(StringBuilder output, ReadOnlySpan<byte> text)
    {
        if (!text.IsEmpty)
        {
            output.Append(BodyTextDecoder.DecodeCharset(text.ToArray(), null));
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> raw, int from, byte value)
    {
        if (from >= raw.Length)
        {
            return -1;
        }

        int index = raw[from..].IndexOf(value);
        return index < 0 ? -1 : from + index;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsWhiteSpace(ReadOnlySpan<byte> span)
    {
        foreach (byte b in span)
        {
            if (!IsSpace(b))
            {
                return false;
            }
        }

        return true;
    }
}
