// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Writes IMAP response syntax (RFC 3501 §4 / RFC 9051 §4): atoms, NIL, numbers and strings.
/// A string is written as a quoted string when every byte is a 7-bit TEXT-CHAR (RFC 3501 §9
/// "quoted"; <c>"</c> and <c>\</c> are escaped with a backslash), otherwise as a synchronising
/// literal <c>{n}CRLF…</c> (8-bit bytes, CR or LF can only be sent in a literal). NUL bytes are
/// not allowed even in a literal (RFC 3501 §4.3, CHAR8) and are dropped.
/// </summary>
internal sealed class ImapResponseWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Appends raw ASCII syntax (parentheses, spaces, atoms).</summary>
    public void Raw(string ascii)
    {
        Span<byte> span = _buffer.GetSpan(ascii.Length);
        for (int i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        _buffer.Advance(ascii.Length);
    }

    /// <summary>Appends one raw byte.</summary>
    public void Raw(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    /// <summary>Appends raw bytes.</summary>
    public void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>Appends <c>NIL</c>.</summary>
    public void Nil() => Raw("NIL");

    /// <summary>Appends a number.</summary>
    public void Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Appends a space.</summary>
    public void Space() => Raw((byte)' ');

    /// <summary>Appends an nstring: NIL for null, else a string.</summary>
    public void NString(string? value)
    {
        if (value is null)
        {
            Nil();
        }
        else
        {
            String(value);
        }
    }

    /// <summary>Appends an nstring from raw bytes: NIL for null, else a string.</summary>
    public void NString(byte[]? value)
    {
        if (value is null)
        {
            Nil();
        }
        else
        {
            String(value);
        }
    }

    /// <summary>Appends a string (UTF-8 encoded).</summary>
    public void String(string value) => String(Encoding.UTF8.GetBytes(value));

    /// <summary>Appends a string: quoted when possible, else a literal.</summary>
    public void String(ReadOnlySpan<byte> value)
    {
        if (CanQuote(value))
        {
            Raw((byte)'"');
            for (int i = 0; i < value.Length; i++)
            {
                byte b = value[i];
                if (b == (byte)'"' || b == (byte)'\\')
                {
                    Raw((byte)'\\');
                }

                Raw(b);
            }

            Raw((byte)'"');
            return;
        }

        int length = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != 0)
            {
                length++;
            }
        }

        Raw((byte)'{');
        Number(length);
        Raw("}\r\n");
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != 0)
            {
                Raw(value[i]);
            }
        }
    }

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>True when <paramref name="value"/> can be sent as an IMAP quoted string.</summary>
    internal static bool CanQuote(ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == 0 || b == (byte)'\r' || b == (byte)'\n' || b >= 0x80)
            {
                return false;
            }
        }

        return true;
    }
}
