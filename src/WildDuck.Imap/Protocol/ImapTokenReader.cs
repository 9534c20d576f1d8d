// SPDX-License-Identifier: MIT
using System;
using System.Text;
using System.Text.Unicode;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// A forward-only tokenizer over one framed command (RFC 3501 §9 formal syntax). Literals appear
/// inline as <c>{n}</c> CRLF payload, exactly as the framer produced them. Malformed input throws
/// <see cref="ImapParseException"/>.
/// </summary>
internal ref struct ImapTokenReader
{
    private readonly ReadOnlySpan<byte> _s;
    private int _pos;

    /// <summary>Creates a reader over <paramref name="command"/>.</summary>
    public ImapTokenReader(ReadOnlySpan<byte> command)
    {
        _s = command;
        _pos = 0;
    }

    /// <summary>The current offset.</summary>
    public readonly int Position => _pos;

    /// <summary>True at the end of the command.</summary>
    public readonly bool End => _pos >= _s.Length;

    /// <summary>The next byte, or 0 at the end.</summary>
    public readonly byte Peek => _pos < _s.Length ? _s[_pos] : (byte)0;

    /// <summary>The bytes not read yet.</summary>
    public readonly ReadOnlySpan<byte> Rest => _s[_pos..];

    /// <summary>Consumes <paramref name="b"/> if it is next.</summary>
    public bool TryConsume(byte b)
    {
        if (_pos < _s.Length && _s[_pos] == b)
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>Consumes <paramref name="b"/> or throws <paramref name="error"/>.</summary>
    public void Expect(byte b, ImapParseError error)
    {
        if (!TryConsume(b))
        {
            ImapParseException.Throw(End ? ImapParseError.MissingArguments : error);
        }
    }

    /// <summary>Consumes exactly one SP (missing argument at the end, invalid otherwise).</summary>
    public void Space() => Expect((byte)' ', ImapParseError.InvalidArguments);

    /// <summary>Throws unless the command is fully read.</summary>
    public readonly void ExpectEnd()
    {
        if (!End)
        {
            ImapParseException.Throw(ImapParseError.ExtraArguments);
        }
    }

    /// <summary>Consumes a case-insensitive ASCII keyword when it is next and is followed by a delimiter.</summary>
    public bool TryKeyword(ReadOnlySpan<byte> upperKeyword)
    {
        if (_s.Length - _pos < upperKeyword.Length || !Ascii.EqualsIgnoreCase(_s.Slice(_pos, upperKeyword.Length), upperKeyword))
        {
            return false;
        }

        var next = _pos + upperKeyword.Length;
        if (next < _s.Length && ImapCharClass.IsAStringChar(_s[next]) && _s[next] != (byte)'[' && _s[next] != (byte)'<')
        {
            return false;
        }

        _pos = next;
        return true;
    }

    /// <summary>Reads 1*ATOM-CHAR.</summary>
    public ReadOnlySpan<byte> Atom(ImapParseError error = ImapParseError.InvalidArguments)
    {
        var start = _pos;
        while (_pos < _s.Length && ImapCharClass.IsAtomChar(_s[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            ImapParseException.Throw(End ? ImapParseError.MissingArguments : error);
        }

        return _s[start.._pos];
    }

    /// <summary>Reads an atom made of letters, digits, '.', '-' and '=' only, stopping before '[' '&lt;' etc. (FETCH/SEARCH names).</summary>
    public ReadOnlySpan<byte> Word(ImapParseError error)
    {
        var start = _pos;
        while (_pos < _s.Length && ImapCharClass.IsAtomChar(_s[_pos]) && _s[_pos] is not ((byte)'[' or (byte)'<'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            ImapParseException.Throw(End ? ImapParseError.MissingArguments : error);
        }

        return _s[start.._pos];
    }

    /// <summary>Reads 1*ASTRING-CHAR (an atom that may contain "]").</summary>
    public ReadOnlySpan<byte> AStringAtom()
    {
        var start = _pos;
        while (_pos < _s.Length && ImapCharClass.IsAStringChar(_s[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            ImapParseException.Throw(End ? ImapParseError.MissingArguments : ImapParseError.InvalidArguments);
        }

        return _s[start.._pos];
    }

    /// <summary>Reads a number (RFC 3501 §9: 32-bit unsigned).</summary>
    public uint Number()
    {
        var v = Number64();
        return v > uint.MaxValue ? ImapParseException.Throw<uint>(ImapParseError.InvalidNumber) : (uint)v;
    }

    /// <summary>Reads an nz-number.</summary>
    public uint NzNumber()
    {
        var v = Number();
        return v == 0 ? ImapParseException.Throw<uint>(ImapParseError.InvalidNumber) : v;
    }

    /// <summary>Reads a number64 / mod-sequence-value (RFC 7162 §7: up to 2^63-1).</summary>
    public ulong Number64()
    {
        var start = _pos;
        ulong v = 0;
        while (_pos < _s.Length && ImapCharClass.IsDigit(_s[_pos]))
        {
            var d = (uint)(_s[_pos] - '0');
            if (v > ((ulong)long.MaxValue - d) / 10)
            {
                ImapParseException.Throw(ImapParseError.InvalidNumber);
            }

            v = (v * 10) + d;
            _pos++;
        }

        if (_pos == start)
        {
            ImapParseException.Throw(End ? ImapParseError.MissingArguments : ImapParseError.InvalidNumber);
        }

        return v;
    }

    /// <summary>True when a quoted string or literal starts here.</summary>
    public readonly bool AtString =>
        Peek is (byte)'"' or (byte)'{' || (Peek == (byte)'~' && _pos + 1 < _s.Length && _s[_pos + 1] == (byte)'{');

    /// <summary>
    /// Reads a string (quoted or literal). Returns the content; when a quoted string had escapes the
    /// unescaped copy is returned through <paramref name="unescaped"/> and the span points into it.
    /// </summary>
    public ReadOnlySpan<byte> String(out byte[]? unescaped, bool allowBinary = false)
    {
        unescaped = null;
        if (Peek == (byte)'"')
        {
            return Quoted(out unescaped);
        }

        if (Peek == (byte)'{' || (allowBinary && Peek == (byte)'~'))
        {
            return Literal(out _);
        }

        return ImapParseException.Throw<byte[]>(End ? ImapParseError.MissingArguments : ImapParseError.InvalidString);
    }

    /// <summary>Reads an astring: atom of ASTRING-CHARs, quoted string or literal.</summary>
    public ReadOnlySpan<byte> AString(out byte[]? unescaped)
    {
        if (AtString)
        {
            return String(out unescaped);
        }

        unescaped = null;
        return AStringAtom();
    }

    /// <summary>Reads an nstring: NIL (returns false) or a string.</summary>
    public bool NString(out ReadOnlySpan<byte> value, out byte[]? unescaped)
    {
        if (TryKeyword(ImapStrings.Nil))
        {
            value = default;
            unescaped = null;
            return false;
        }

        value = String(out unescaped);
        return true;
    }

    /// <summary>Reads a literal: <c>{n}</c>, <c>{n+}</c> or <c>~{n}</c>, its line terminator and payload.</summary>
    public ReadOnlySpan<byte> Literal(out bool binary)
    {
        binary = TryConsume((byte)'~');
        Expect((byte)'{', ImapParseError.InvalidLiteral);
        var start = _pos;
        ulong size = 0;
        while (_pos < _s.Length && ImapCharClass.IsDigit(_s[_pos]))
        {
            size = (size * 10) + (uint)(_s[_pos] - '0');
            if (size > uint.MaxValue)
            {
                ImapParseException.Throw(ImapParseError.InvalidLiteral);
            }

            _pos++;
        }

        if (_pos == start)
        {
            ImapParseException.Throw(ImapParseError.InvalidLiteral);
        }

        TryConsume((byte)'+');
        Expect((byte)'}', ImapParseError.InvalidLiteral);
        TryConsume((byte)'\r');
        Expect((byte)'\n', ImapParseError.InvalidLiteral);
        if ((ulong)(_s.Length - _pos) < size)
        {
            ImapParseException.Throw(ImapParseError.InvalidLiteral);
        }

        var payload = _s.Slice(_pos, (int)size);
        _pos += (int)size;
        if (!binary && payload.IndexOf((byte)0) >= 0)
        {
            // RFC 3501 §4.3: a literal may not contain NUL; only literal8 may (RFC 3516).
            ImapParseException.Throw(ImapParseError.InvalidLiteral);
        }

        return payload;
    }

    private ReadOnlySpan<byte> Quoted(out byte[]? unescaped)
    {
        unescaped = null;
        _pos++; // opening quote
        var start = _pos;
        var escapes = 0;
        while (true)
        {
            if (_pos >= _s.Length)
            {
                ImapParseException.Throw(ImapParseError.InvalidString);
            }

            var b = _s[_pos];
            if (b == (byte)'"')
            {
                break;
            }

            if (b == (byte)'\\')
            {
                // RFC 3501 §9: only quoted-specials may be escaped.
                if (_pos + 1 >= _s.Length || _s[_pos + 1] is not ((byte)'"' or (byte)'\\'))
                {
                    ImapParseException.Throw(ImapParseError.InvalidString);
                }

                escapes++;
                _pos += 2;
                continue;
            }

            if (b is (byte)'\r' or (byte)'\n' or 0)
            {
                ImapParseException.Throw(ImapParseError.InvalidString);
            }

            _pos++;
        }

        var raw = _s[start.._pos];
        _pos++; // closing quote
        if (escapes == 0)
        {
            return raw;
        }

        var copy = new byte[raw.Length - escapes];
        var j = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\\')
            {
                i++;
            }

            copy[j++] = raw[i];
        }

        unescaped = copy;
        return copy;
    }

    /// <summary>Decodes UTF-8 strictly (invalid sequences are a BAD).</summary>
    public static string Utf8String(ReadOnlySpan<byte> bytes, ImapParseError error = ImapParseError.InvalidString)
    {
        if (!Utf8.IsValid(bytes))
        {
            ImapParseException.Throw(error);
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
