// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Text;
using WildDuck.Storage;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// Zero-allocation IMAP response primitives over an <see cref="IBufferWriter{T}"/> (RFC 3501 §7 and
/// §9 response syntax). Bytes are staged in the writer's current span and handed over by
/// <see cref="Commit"/>; call it before flushing the underlying pipe.
/// </summary>
/// <remarks>
/// A <c>ref struct</c>: it lives for one synchronous burst of writing (it cannot cross an
/// <c>await</c>), which matches "write a chunk, commit, flush, check the FlushResult".
/// </remarks>
internal ref struct ImapResponseWriter
{
    private const int MinimumSpan = 256;
    private const int MaxQuotedLength = 1024;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;
    private int _fetchItems;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    public ImapResponseWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = default;
        _buffered = 0;
        _fetchItems = 0;
    }

    /// <summary>Bytes staged and not yet committed.</summary>
    public readonly int Buffered => _buffered;

    /// <summary>Hands the staged bytes to the underlying writer.</summary>
    public void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _buffered = 0;
        }

        _span = default;
    }

    private Span<byte> Reserve(int size)
    {
        if (_span.Length - _buffered < size)
        {
            Commit();
            _span = _output.GetSpan(Math.Max(size, MinimumSpan));
        }

        return _span[_buffered..];
    }

    /// <summary>Writes raw bytes.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var dest = Reserve(Math.Min(bytes.Length, 4096));
            var n = Math.Min(dest.Length, bytes.Length);
            bytes[..n].CopyTo(dest);
            _buffered += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte b)
    {
        Reserve(1)[0] = b;
        _buffered++;
    }

    /// <summary>Writes SP.</summary>
    public void WriteSpace() => WriteByte((byte)' ');

    /// <summary>Writes CRLF.</summary>
    public void WriteCrlf() => WriteRaw(ImapStrings.Crlf);

    /// <summary>Writes an ASCII/UTF-8 string as-is (tags, fixed texts).</summary>
    public void WriteText(scoped ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 4096)
        {
            // Reserve first, in its own statement: it may commit and start a new span (resetting
            // _buffered), and "_buffered += ...Reserve()" would add the count to the stale value —
            // committing that many bytes of whatever the new buffer held before.
            var destination = Reserve(max);
            _buffered += Encoding.UTF8.GetBytes(text, destination);
            return;
        }

        Span<byte> tmp = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            WriteRaw(tmp[..rune.EncodeToUtf8(tmp)]);
        }
    }

    /// <summary>Writes a number without allocating.</summary>
    public void WriteNumber(ulong value)
    {
        Utf8Formatter.TryFormat(value, Reserve(20), out var written);
        _buffered += written;
    }

    /// <summary>Writes a number without allocating.</summary>
    public void WriteNumber(uint value) => WriteNumber((ulong)value);

    /// <summary>Writes a non-negative number without allocating.</summary>
    public void WriteNumber(long value) => WriteNumber((ulong)Math.Max(0, value));

    /// <summary>Writes NIL.</summary>
    public void WriteNil() => WriteRaw(ImapStrings.Nil);

    /// <summary>Writes an atom (the caller guarantees ATOM-CHARs).</summary>
    public void WriteAtom(scoped ReadOnlySpan<byte> atom) => WriteRaw(atom);

    /// <summary>Writes a quoted string, escaping quoted-specials (the caller guarantees no CR/LF/NUL).</summary>
    public void WriteQuoted(scoped ReadOnlySpan<byte> value)
    {
        WriteByte((byte)'"');
        while (value.Length > 0)
        {
            var i = value.IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0)
            {
                WriteRaw(value);
                break;
            }

            WriteRaw(value[..i]);
            WriteByte((byte)'\\');
            WriteByte(value[i]);
            value = value[(i + 1)..];
        }

        WriteByte((byte)'"');
    }

    /// <summary>Writes the header of a literal, <c>{n}</c> CRLF or <c>~{n}</c> CRLF; the caller streams n bytes next.</summary>
    public void WriteLiteralHeader(long size, bool binary = false)
    {
        if (binary)
        {
            WriteByte((byte)'~');
        }

        WriteByte((byte)'{');
        WriteNumber(size);
        WriteByte((byte)'}');
        WriteCrlf();
    }

    /// <summary>Writes a literal with its payload.</summary>
    public void WriteLiteral(scoped ReadOnlySpan<byte> value, bool binary = false)
    {
        WriteLiteralHeader(value.Length, binary);
        WriteRaw(value);
    }

    /// <summary>
    /// Writes a string: quoted when every byte is a quotable TEXT-CHAR (8-bit only with
    /// <paramref name="utf8"/>, RFC 6855 §3) and it is short, otherwise a literal. Callers never
    /// pass NUL (only literal8 can carry it).
    /// </summary>
    public void WriteString(scoped ReadOnlySpan<byte> value, bool utf8 = false)
    {
        if (CanQuote(value, utf8))
        {
            WriteQuoted(value);
        }
        else
        {
            WriteLiteral(value);
        }
    }

    /// <summary>Writes a UTF-8 string (see <see cref="WriteString(ReadOnlySpan{byte}, bool)"/>) without allocating.</summary>
    public void WriteString(string value, bool utf8 = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        var count = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        Span<byte> bytes = count <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(count));
        bytes = bytes[..Encoding.UTF8.GetBytes(value, bytes)];
        WriteString(bytes, utf8);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes NIL for null, otherwise a string.</summary>
    public void WriteNString(string? value, bool utf8 = false)
    {
        if (value is null)
        {
            WriteNil();
        }
        else
        {
            WriteString(value, utf8);
        }
    }

    /// <summary>Writes an astring: an atom when possible (non-empty ASTRING-CHARs, not NIL), otherwise a string.</summary>
    public void WriteAString(scoped ReadOnlySpan<byte> value, bool utf8 = false)
    {
        if (IsAStringAtom(value))
        {
            WriteRaw(value);
        }
        else
        {
            WriteString(value, utf8);
        }
    }

    /// <summary>
    /// Writes a mailbox name: INBOX as an atom, otherwise with UTF8=ACCEPT the UTF-8 name (RFC 6855
    /// §3), without it the modified UTF-7 name (RFC 3501 §5.1.3), quoted or as a literal.
    /// </summary>
    public void WriteMailbox(string name, bool utf8Accept)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "INBOX")
        {
            WriteRaw(ImapStrings.Inbox);
        }
        else if (utf8Accept || IsPlainMailbox(name))
        {
            WriteString(name, utf8Accept);
        }
        else
        {
            WriteString(ModifiedUtf7.Encode(name));
        }
    }

    /// <summary>Writes a flag list: system flags then keywords, "(\Seen $Forwarded)".</summary>
    public void WriteFlags(MessageFlags flags, IReadOnlyList<string>? keywords)
    {
        WriteByte((byte)'(');
        var first = true;
        WriteFlag(ref first, flags, MessageFlags.Answered, ImapStrings.FlagAnswered);
        WriteFlag(ref first, flags, MessageFlags.Flagged, ImapStrings.FlagFlagged);
        WriteFlag(ref first, flags, MessageFlags.Deleted, ImapStrings.FlagDeleted);
        WriteFlag(ref first, flags, MessageFlags.Seen, ImapStrings.FlagSeen);
        WriteFlag(ref first, flags, MessageFlags.Draft, ImapStrings.FlagDraft);
        if (keywords is not null)
        {
            for (var i = 0; i < keywords.Count; i++)
            {
                if (!first)
                {
                    WriteSpace();
                }

                first = false;
                WriteText(keywords[i]);
            }
        }

        WriteByte((byte)')');
    }

    private void WriteFlag(ref bool first, MessageFlags flags, MessageFlags flag, scoped ReadOnlySpan<byte> name)
    {
        if ((flags & flag) == 0)
        {
            return;
        }

        if (!first)
        {
            WriteSpace();
        }

        first = false;
        WriteRaw(name);
    }

    /// <summary>Writes a UID set compactly ("1:3,7,9:12"), e.g. for COPYUID or ESEARCH ALL.</summary>
    public void WriteSequenceSet(UidSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var ranges = set.Ranges;
        for (var i = 0; i < ranges.Length; i++)
        {
            if (i > 0)
            {
                WriteByte((byte)',');
            }

            WriteNumber(ranges[i].First);
            if (ranges[i].Last != ranges[i].First)
            {
                WriteByte((byte)':');
                WriteNumber(ranges[i].Last);
            }
        }
    }

    /// <summary>
    /// Writes numbers in the given order, joining consecutive runs ("5:7,3"): order is preserved
    /// because COPYUID pairs source and destination sets position by position (RFC 4315 §3).
    /// </summary>
    public void WriteSequenceSet(scoped ReadOnlySpan<uint> values)
    {
        var i = 0;
        var firstRange = true;
        while (i < values.Length)
        {
            var j = i;
            while (j + 1 < values.Length && values[j + 1] == values[j] + 1)
            {
                j++;
            }

            if (!firstRange)
            {
                WriteByte((byte)',');
            }

            firstRange = false;
            WriteNumber(values[i]);
            if (j > i)
            {
                WriteByte((byte)':');
                WriteNumber(values[j]);
            }

            i = j + 1;
        }
    }

    /// <summary>Writes an IMAP date-time, <c>"dd-MMM-yyyy HH:mm:ss +zzzz"</c> (RFC 3501 §9), in the value's own offset.</summary>
    public void WriteDateTime(DateTimeOffset value)
    {
        var d = Reserve(28);
        var dt = value.DateTime;
        d[0] = (byte)'"';
        Two(d[1..], dt.Day);
        d[3] = (byte)'-';
        ImapStrings.Months.Slice((dt.Month - 1) * 3, 3).CopyTo(d[4..]);
        d[7] = (byte)'-';
        Two(d[8..], dt.Year / 100);
        Two(d[10..], dt.Year % 100);
        d[12] = (byte)' ';
        Two(d[13..], dt.Hour);
        d[15] = (byte)':';
        Two(d[16..], dt.Minute);
        d[18] = (byte)':';
        Two(d[19..], dt.Second);
        d[21] = (byte)' ';
        var offset = (int)value.Offset.TotalMinutes;
        d[22] = offset < 0 ? (byte)'-' : (byte)'+';
        offset = Math.Abs(offset);
        Two(d[23..], offset / 60);
        Two(d[25..], offset % 60);
        d[27] = (byte)'"';
        _buffered += 28;

        static void Two(Span<byte> s, int v)
        {
            s[0] = (byte)('0' + (v / 10));
            s[1] = (byte)('0' + (v % 10));
        }
    }

    /// <summary>Writes "tag STATUS [code] text" CRLF; <paramref name="code"/> is the bracket content or empty.</summary>
    public void WriteTagged(scoped ReadOnlySpan<char> tag, ImapStatus status, scoped ReadOnlySpan<byte> code, scoped ReadOnlySpan<char> text)
    {
        WriteText(tag);
        WriteSpace();
        WriteStatusTail(status, code, text);
    }

    /// <summary>Writes "tag STATUS [code] text" CRLF with the tag as sent (bytes); <paramref name="code"/> is the bracket content or empty.</summary>
    public void WriteTagged(scoped ReadOnlySpan<byte> tag, ImapStatus status, scoped ReadOnlySpan<byte> code, scoped ReadOnlySpan<char> text)
    {
        WriteRaw(tag);
        WriteSpace();
        WriteStatusTail(status, code, text);
    }

    /// <summary>Writes "* STATUS [code] text" CRLF.</summary>
    public void WriteUntagged(ImapStatus status, scoped ReadOnlySpan<byte> code, scoped ReadOnlySpan<char> text)
    {
        WriteRaw(ImapStrings.UntaggedPrefix);
        WriteStatusTail(status, code, text);
    }

    /// <summary>Writes "* " — the start of untagged data ("* 3 EXISTS", "* CAPABILITY ...").</summary>
    public void WriteUntaggedPrefix() => WriteRaw(ImapStrings.UntaggedPrefix);

    /// <summary>Writes "* n NAME" CRLF ("* 23 EXISTS", "* 3 EXPUNGE").</summary>
    public void WriteUntaggedNumber(uint number, scoped ReadOnlySpan<byte> name)
    {
        WriteRaw(ImapStrings.UntaggedPrefix);
        WriteNumber(number);
        WriteSpace();
        WriteRaw(name);
        WriteCrlf();
    }

    /// <summary>Writes "+ text" CRLF (a continuation request).</summary>
    public void WriteContinuation(scoped ReadOnlySpan<char> text)
    {
        WriteByte((byte)'+');
        WriteSpace();
        WriteText(text);
        WriteCrlf();
    }

    private void WriteStatusTail(ImapStatus status, scoped ReadOnlySpan<byte> code, scoped ReadOnlySpan<char> text)
    {
        WriteRaw(status switch
        {
            ImapStatus.Ok => ImapStrings.Ok,
            ImapStatus.No => ImapStrings.No,
            ImapStatus.Bad => ImapStrings.Bad,
            ImapStatus.Bye => ImapStrings.Bye,
            _ => ImapStrings.Preauth,
        });
        WriteSpace();
        if (!code.IsEmpty)
        {
            WriteByte((byte)'[');
            WriteRaw(code);
            WriteByte((byte)']');
            WriteSpace();
        }

        WriteText(text);
        WriteCrlf();
    }

    /// <summary>Starts "* n FETCH (".</summary>
    public void BeginFetch(uint sequence)
    {
        WriteRaw(ImapStrings.UntaggedPrefix);
        WriteNumber(sequence);
        WriteSpace();
        WriteRaw(ImapStrings.Fetch);
        WriteSpace();
        WriteByte((byte)'(');
        _fetchItems = 0;
    }

    /// <summary>Starts one FETCH item: a separating SP when needed, the name, then SP; the caller writes the value.</summary>
    public void BeginFetchItem(scoped ReadOnlySpan<byte> name)
    {
        if (_fetchItems++ > 0)
        {
            WriteSpace();
        }

        WriteRaw(name);
        WriteSpace();
    }

    /// <summary>UID n.</summary>
    public void WriteFetchUid(uint uid)
    {
        BeginFetchItem(ImapStrings.Uid);
        WriteNumber(uid);
    }

    /// <summary>FLAGS (...).</summary>
    public void WriteFetchFlags(MessageFlags flags, IReadOnlyList<string>? keywords)
    {
        BeginFetchItem(ImapStrings.Flags);
        WriteFlags(flags, keywords);
    }

    /// <summary>MODSEQ (n) (RFC 7162 §3.1.4).</summary>
    public void WriteFetchModSeq(ulong modSeq)
    {
        BeginFetchItem(ImapStrings.ModSeq);
        WriteByte((byte)'(');
        WriteNumber(modSeq);
        WriteByte((byte)')');
    }

    /// <summary>Ends the FETCH line: ")" CRLF.</summary>
    public void EndFetch()
    {
        WriteByte((byte)')');
        WriteCrlf();
    }

    private static bool CanQuote(ReadOnlySpan<byte> value, bool utf8)
    {
        if (value.Length > MaxQuotedLength)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (b is (byte)'\r' or (byte)'\n' or 0 || (b >= 0x80 && !utf8))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAStringAtom(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || Ascii.EqualsIgnoreCase(value, ImapStrings.Nil))
        {
            return false;
        }

        foreach (var b in value)
        {
            if (!ImapCharClass.IsAStringChar(b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPlainMailbox(string name)
    {
        foreach (var c in name)
        {
            if (c < 0x20 || c > 0x7E || c == '&')
            {
                return false;
            }
        }

        return true;
    }
}
