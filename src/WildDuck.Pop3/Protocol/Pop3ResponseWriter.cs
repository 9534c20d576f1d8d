// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Text;
using WildDuck.Storage;

namespace WildDuck.Pop3.Protocol;

/// <summary>
/// Writes POP3 responses (RFC 1939 §3: "+OK"/"-ERR", CRLF-terminated; RFC 2449 §8: a response code
/// in brackets right after the status indicator) straight into the output buffer, with no strings.
/// </summary>
internal static class Pop3ResponseWriter
{
    /// <summary>Writes <c>+OK text</c> CRLF (just <c>+OK</c> when text is empty).</summary>
    public static void WriteOk(IBufferWriter<byte> output, ReadOnlySpan<byte> text)
    {
        output.Write("+OK"u8);
        WriteTail(output, text);
    }

    /// <summary>Writes <c>-ERR [CODE] text</c> CRLF; the code is left out when empty.</summary>
    public static void WriteErr(IBufferWriter<byte> output, ReadOnlySpan<byte> code, ReadOnlySpan<byte> text)
    {
        output.Write("-ERR"u8);
        if (!code.IsEmpty)
        {
            output.Write(" ["u8);
            output.Write(code);
            output.Write("]"u8);
        }

        WriteTail(output, text);
    }

    /// <summary>Writes a decimal number.</summary>
    public static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    /// <summary>Writes "<paramref name="count"/> <paramref name="size"/>" (the STAT and LIST scan listings, RFC 1939 §5).</summary>
    public static void WriteScan(IBufferWriter<byte> output, long count, long size)
    {
        WriteNumber(output, count);
        output.Write(" "u8);
        WriteNumber(output, size);
    }

    /// <summary>Writes a unique-id: the message id as 24 lowercase hex digits (RFC 1939 §7: 0x21-0x7E, at most 70).</summary>
    public static void WriteUniqueId(IBufferWriter<byte> output, MessageId id)
    {
        Span<byte> raw = stackalloc byte[12];
        id.Value.WriteBytes(raw);
        var span = output.GetSpan(24);
        for (var i = 0; i < raw.Length; i++)
        {
            span[2 * i] = HexDigit(raw[i] >> 4);
            span[(2 * i) + 1] = HexDigit(raw[i] & 0xF);
        }

        output.Advance(24);
    }

    /// <summary>Writes CRLF.</summary>
    public static void WriteCrlf(IBufferWriter<byte> output) => output.Write("\r\n"u8);

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    private static void WriteTail(IBufferWriter<byte> output, ReadOnlySpan<byte> text)
    {
        if (!text.IsEmpty)
        {
            output.Write(" "u8);
            output.Write(text);
        }

        output.Write("\r\n"u8);
    }
}
