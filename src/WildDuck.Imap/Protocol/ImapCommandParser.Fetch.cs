// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Imap.Protocol;

/// <content>FETCH and STORE (RFC 3501 §6.4.5/§6.4.6, RFC 3516, RFC 7162).</content>
internal static partial class ImapCommandParser
{
    private static FetchCommand ParseFetch(ref ImapTokenReader r, string tag, bool isUid)
    {
        r.Space();
        var set = SequenceSet(ref r);
        r.Space();
        var items = new List<FetchItem>();
        if (r.TryConsume((byte)'('))
        {
            do
            {
                items.Add(FetchAtt(ref r));
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidFetchAttribute);
        }
        else if (r.TryKeyword(ImapStrings.All))
        {
            items.AddRange([FetchItem.Flags, FetchItem.InternalDate, FetchItem.Rfc822Size, FetchItem.Envelope]);
        }
        else if (r.TryKeyword(ImapStrings.Fast))
        {
            items.AddRange([FetchItem.Flags, FetchItem.InternalDate, FetchItem.Rfc822Size]);
        }
        else if (r.TryKeyword(ImapStrings.Full))
        {
            items.AddRange([FetchItem.Flags, FetchItem.InternalDate, FetchItem.Rfc822Size, FetchItem.Envelope, FetchItem.Body]);
        }
        else
        {
            items.Add(FetchAtt(ref r));
        }

        ulong? changedSince = null;
        if (!r.End)
        {
            // RFC 4466 fetch-modifiers; RFC 7162 §3.1.4.1 CHANGEDSINCE (VANISHED needs QRESYNC: not supported).
            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidModifier);
            do
            {
                if (!r.TryKeyword(ImapStrings.ChangedSince) || changedSince is not null)
                {
                    ImapParseException.Throw(ImapParseError.InvalidModifier);
                }

                r.Space();
                changedSince = r.Number64();
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidModifier);
        }

        // UID FETCH always returns UID (RFC 3501 §6.4.8); CHANGEDSINCE implies MODSEQ (RFC 7162 §3.1.4.1).
        if (isUid && !Contains(items, FetchItemKind.Uid))
        {
            items.Add(FetchItem.Uid);
        }

        if (changedSince is not null && !Contains(items, FetchItemKind.ModSeq))
        {
            items.Add(FetchItem.ModSeq);
        }

        return new FetchCommand(tag, isUid, set, items, changedSince);
    }

    private static bool Contains(List<FetchItem> items, FetchItemKind kind)
    {
        foreach (var item in items)
        {
            if (item.Kind == kind)
            {
                return true;
            }
        }

        return false;
    }

    private static FetchItem FetchAtt(ref ImapTokenReader r)
    {
        var name = r.Word(ImapParseError.InvalidFetchAttribute);
        switch (name.Length)
        {
            case 3 when Is(name, ImapStrings.Uid):
                return FetchItem.Uid;
            case 4 when Is(name, ImapStrings.Body):
                return r.Peek == (byte)'[' ? Section(ref r, ImapStrings.Body, binary: false, peek: false, size: false) : FetchItem.Body;
            case 5 when Is(name, ImapStrings.Flags):
                return FetchItem.Flags;
            case 6 when Is(name, ImapStrings.Rfc822):
                return FetchItem.Rfc822;
            case 6 when Is(name, ImapStrings.ModSeq):
                return FetchItem.ModSeq;
            case 6 when Is(name, ImapStrings.Binary):
                return Section(ref r, ImapStrings.Binary, binary: true, peek: false, size: false);
            case 8 when Is(name, ImapStrings.Envelope):
                return FetchItem.Envelope;
            case 9 when Is(name, ImapStrings.BodyPeek):
                return Section(ref r, ImapStrings.Body, binary: false, peek: true, size: false);
            case 11 when Is(name, ImapStrings.Rfc822Size):
                return FetchItem.Rfc822Size;
            case 11 when Is(name, ImapStrings.Rfc822Text):
                return FetchItem.Rfc822Text;
            case 11 when Is(name, ImapStrings.BinaryPeek):
                return Section(ref r, ImapStrings.Binary, binary: true, peek: true, size: false);
            case 11 when Is(name, ImapStrings.BinarySize):
                return Section(ref r, ImapStrings.BinarySize, binary: true, peek: true, size: true);
            case 12 when Is(name, ImapStrings.InternalDate):
                return FetchItem.InternalDate;
            case 13 when Is(name, ImapStrings.Rfc822Header):
                return FetchItem.Rfc822Header;
            case 13 when Is(name, ImapStrings.BodyStructure):
                return FetchItem.BodyStructure;
            default:
                return ImapParseException.Throw<FetchItem>(ImapParseError.InvalidFetchAttribute);
        }
    }

    private static FetchItem Section(ref ImapTokenReader r, ReadOnlySpan<byte> responseName, bool binary, bool peek, bool size)
    {
        if (!r.TryConsume((byte)'['))
        {
            ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
        }

        var echo = new StringBuilder(32);
        echo.Append(Encoding.ASCII.GetString(responseName)).Append('[');
        var parts = new List<int>();
        var kind = SectionKind.Full;
        IReadOnlyList<string> fields = Array.Empty<string>();
        if (ImapCharClass.IsDigit(r.Peek))
        {
            // section-part = nz-number *("." nz-number).
            while (true)
            {
                var part = r.NzNumber();
                if (part > int.MaxValue)
                {
                    ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
                }

                parts.Add((int)part);
                echo.Append(part);
                if (r.Peek != (byte)'.')
                {
                    break;
                }

                r.TryConsume((byte)'.');
                echo.Append('.');
                if (!ImapCharClass.IsDigit(r.Peek))
                {
                    if (binary)
                    {
                        // RFC 3516 section-binary = "[" [section-part] "]".
                        ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
                    }

                    kind = SectionText(ref r, echo, allowMime: true, out fields);
                    break;
                }
            }
        }
        else if (r.Peek != (byte)']')
        {
            if (binary)
            {
                ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
            }

            kind = SectionText(ref r, echo, allowMime: false, out fields);
        }

        r.Expect((byte)']', ImapParseError.InvalidFetchAttribute);
        echo.Append(']');
        long? offset = null;
        long? length = null;
        if (!size && r.TryConsume((byte)'<'))
        {
            // partial = "<" number "." nz-number ">"; the response echoes only the origin (RFC 3501 §7.4.2).
            offset = r.Number();
            r.Expect((byte)'.', ImapParseError.InvalidFetchAttribute);
            length = r.NzNumber();
            r.Expect((byte)'>', ImapParseError.InvalidFetchAttribute);
            echo.Append('<').Append(offset.Value).Append('>');
        }

        var spec = new SectionSpec
        {
            Part = parts.Count == 0 ? Array.Empty<int>() : parts.ToArray(),
            Kind = kind,
            FieldNames = fields,
            Binary = binary,
            PartialOffset = offset,
            PartialLength = length,
        };
        var itemKind = size ? FetchItemKind.BinarySize : binary ? FetchItemKind.BinarySection : FetchItemKind.BodySection;
        return new FetchItem(itemKind, spec, peek, Encoding.ASCII.GetBytes(echo.ToString()));
    }

    private static SectionKind SectionText(ref ImapTokenReader r, StringBuilder echo, bool allowMime, out IReadOnlyList<string> fields)
    {
        fields = Array.Empty<string>();
        var word = r.Word(ImapParseError.InvalidFetchAttribute);
        if (Is(word, ImapStrings.Header))
        {
            echo.Append("HEADER");
            return SectionKind.Header;
        }

        if (Is(word, ImapStrings.Text))
        {
            echo.Append("TEXT");
            return SectionKind.Text;
        }

        if (allowMime && Is(word, ImapStrings.Mime))
        {
            echo.Append("MIME");
            return SectionKind.Mime;
        }

        var not = Is(word, ImapStrings.HeaderFieldsNot);
        if (!not && !Is(word, ImapStrings.HeaderFields))
        {
            ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
        }

        echo.Append(not ? "HEADER.FIELDS.NOT (" : "HEADER.FIELDS (");
        r.Space();
        r.Expect((byte)'(', ImapParseError.InvalidFetchAttribute);
        var list = new List<string>();
        do
        {
            // header-fld-name = astring; the original spelling is echoed (RFC 3501 §7.4.2).
            var raw = r.Peek == (byte)')' ? default : r.AString(out _);
            if (raw.Length == 0)
            {
                ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
            }

            foreach (var b in raw)
            {
                // RFC 5322 field-name: printable ASCII except ":".
                if (b <= 0x20 || b >= 0x7F || b == (byte)':')
                {
                    ImapParseException.Throw(ImapParseError.InvalidFetchAttribute);
                }
            }

            var name = Encoding.ASCII.GetString(raw);
            if (list.Count > 0)
            {
                echo.Append(' ');
            }

            AppendAString(echo, name);
            list.Add(name);
        }
        while (r.TryConsume((byte)' '));

        r.Expect((byte)')', ImapParseError.InvalidFetchAttribute);
        echo.Append(')');
        fields = list;
        return not ? SectionKind.HeaderFieldsNot : SectionKind.HeaderFields;
    }

    private static void AppendAString(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            if (c > 0x7F || !ImapCharClass.IsAStringChar((byte)c))
            {
                sb.Append('"');
                foreach (var q in value)
                {
                    if (q is '"' or '\\')
                    {
                        sb.Append('\\');
                    }

                    sb.Append(q);
                }

                sb.Append('"');
                return;
            }
        }

        sb.Append(value);
    }

    private static ImapCommand ParseStore(ref ImapTokenReader r, string tag, bool isUid)
    {
        r.Space();
        var set = SequenceSet(ref r);
        r.Space();
        ulong? unchangedSince = null;
        if (r.TryConsume((byte)'('))
        {
            // RFC 7162 §3.1.3: STORE set (UNCHANGEDSINCE n) ...
            if (!r.TryKeyword(ImapStrings.UnchangedSince))
            {
                ImapParseException.Throw(ImapParseError.InvalidModifier);
            }

            r.Space();
            unchangedSince = r.Number64();
            r.Expect((byte)')', ImapParseError.InvalidModifier);
            r.Space();
        }

        var op = FlagOperation.Replace;
        if (r.TryConsume((byte)'+'))
        {
            op = FlagOperation.Add;
        }
        else if (r.TryConsume((byte)'-'))
        {
            op = FlagOperation.Remove;
        }

        var item = r.Word(ImapParseError.InvalidStoreAttribute);
        bool silent;
        if (Is(item, ImapStrings.Flags))
        {
            silent = false;
        }
        else if (Is(item, ImapStrings.FlagsSilent))
        {
            silent = true;
        }
        else
        {
            return ImapParseException.Throw<ImapCommand>(ImapParseError.InvalidStoreAttribute);
        }

        r.Space();
        FlagList(ref r, out var flags, out var keywords, allowBare: true);
        return new StoreCommand(tag, isUid, set, op, silent, flags, keywords, unchangedSince);
    }
}
