// SPDX-License-Identifier: MIT
using System;
using System.Text;
using System.Text.Unicode;
using MimeKit.Encodings;
using MimeKit.Text;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Decodes a text body: transfer encoding (RFC 2045 §6), charset, and format=flowed (RFC 3676).
/// Never throws on bad input: invalid base64 characters are skipped, unknown charsets fall back.
/// </summary>
/// <remarks>
/// Charset handling (deliberately not WildDuck's windows-1257 default): a declared, known charset is
/// used with replacement characters for invalid sequences; when no charset is declared, the declared
/// one is unknown, or it is US-ASCII (which often hides 8-bit text), the bytes are read as strict
/// UTF-8 and, if that fails, as ISO-8859-1 (every byte sequence is valid Latin-1).
/// </remarks>
internal static class BodyTextDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes the body bytes of a text entity.</summary>
    /// <param name="body">The encoded body as it appears in the message.</param>
    /// <param name="transferEncoding">Lowercased Content-Transfer-Encoding.</param>
    /// <param name="charset">The charset parameter, or null.</param>
    /// <param name="flowed">True for format=flowed.</param>
    /// <param name="delSp">The delsp=yes parameter of format=flowed.</param>
    public static string Decode(ReadOnlySpan<byte> body, string transferEncoding, string? charset, bool flowed, bool delSp)
    {
        byte[] bytes = DecodeTransfer(body, transferEncoding);
        string text = DecodeCharset(bytes, charset);
        if (flowed && text.Length > 0)
        {
            try
            {
                var converter = new FlowedToText { DeleteSpace = delSp };
                text = converter.Convert(text);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                // keep the unflowed text
            }
        }

        return text;
    }

    /// <summary>Removes the transfer encoding; unknown encodings are treated as identity.</summary>
    public static byte[] DecodeTransfer(ReadOnlySpan<byte> body, string transferEncoding)
    {
        IMimeDecoder? decoder = transferEncoding switch
        {
            "base64" => new Base64Decoder(),
            "quoted-printable" => new QuotedPrintableDecoder(),
            "x-uuencode" or "uuencode" or "x-uue" => new UUDecoder(),
            _ => null,
        };

        byte[] input = body.ToArray();
        if (decoder is null || input.Length == 0)
        {
            return input;
        }

        try
        {
            byte[] output = new byte[decoder.EstimateOutputLength(input.Length)];
            int written = decoder.Decode(input, 0, input.Length, output);
            return output.AsSpan(0, written).ToArray();
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or FormatException)
        {
            return input;
        }
    }

    /// <summary>Converts bytes in <paramref name="charset"/> to text (see the class remarks for fallbacks).</summary>
    public static string DecodeCharset(byte[] bytes, string? charset)
    {
        if (bytes.Length == 0)
        {
            return string.Empty;
        }

        Encoding? encoding = GetEncoding(charset);
        if (encoding is not null)
        {
            try
            {
                return encoding.GetString(bytes);
            }
            catch (Exception ex) when (ex is ArgumentException or DecoderFallbackException)
            {
                // fall through to the fallback chain
            }
        }

        // Checked first rather than caught: invalid UTF-8 (8-bit Latin-1 text) is common, and an
        // exception per value is costly. Same result as the strict decoder throwing.
        return Utf8.IsValid(bytes) ? StrictUtf8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
    }

    /// <summary>
    /// The encoding for a declared charset, or null when none is declared, it is unknown, or it is
    /// US-ASCII/UTF-8 (handled by the strict UTF-8 then Latin-1 chain, which decodes valid UTF-8
    /// identically).
    /// </summary>
    internal static Encoding? GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        string name = charset.Trim().Trim('"', '\'').ToLowerInvariant();
        switch (name)
        {
            case "us-ascii" or "ascii" or "ansi_x3.4-1968" or "utf-8" or "utf8" or "unicode-1-1-utf-8" or "x-unknown" or "unknown-8bit" or "unknown" or "default":
                return null;
            case "latin1" or "latin-1" or "iso8859-1" or "iso_8859-1" or "iso-8859-1":
                return Encoding.Latin1;
        }

        Encoding? encoding = null;
        try
        {
            encoding = CodePagesEncodingProvider.Instance.GetEncoding(name, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
        }
        catch (ArgumentException)
        {
            // unknown name
        }

        if (encoding is null)
        {
            try
            {
                encoding = Encoding.GetEncoding(name, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return encoding;
    }
}
