// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Unicode;
using WildDuck.Storage;
using WildDuck.Storage.Search;

namespace WildDuck.Imap.Protocol;

/// <content>SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4, RFC 4731 RETURN, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER).</content>
internal static partial class ImapCommandParser
{
    /// <summary>Deepest nesting of parentheses, NOT and OR; deeper input is a BAD, not a stack overflow.</summary>
    internal const int MaxSearchDepth = 32;

    private static SearchCommand ParseSearch(ref ImapTokenReader r, string tag, bool isUid)
    {
        r.Space();
        var returns = SearchReturnOptions.None;
        var hasReturn = false;
        if (r.TryKeyword(ImapStrings.Return))
        {
            hasReturn = true;
            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidModifier);
            if (!r.TryConsume((byte)')'))
            {
                do
                {
                    var opt = r.Word(ImapParseError.InvalidModifier);
                    returns |= opt switch
                    {
                        _ when Is(opt, ImapStrings.Min) => SearchReturnOptions.Min,
                        _ when Is(opt, ImapStrings.Max) => SearchReturnOptions.Max,
                        _ when Is(opt, ImapStrings.All) => SearchReturnOptions.All,
                        _ when Is(opt, ImapStrings.Count) => SearchReturnOptions.Count,
                        _ => ImapParseException.Throw<SearchReturnOptions>(ImapParseError.InvalidModifier),
                    };
                }
                while (r.TryConsume((byte)' '));

                r.Expect((byte)')', ImapParseError.InvalidModifier);
            }

            r.Space();
        }

        string? charset = null;
        if (r.TryKeyword(ImapStrings.Charset))
        {
            r.Space();
            charset = Encoding.ASCII.GetString(r.AString(out _));
            r.Space();
        }

        var latin1 = charset is not null && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase);
        var keys = new List<SearchKey>();
        do
        {
            keys.Add(SearchKeyOf(ref r, 0, latin1));
        }
        while (r.TryConsume((byte)' '));

        var key = keys.Count == 1 ? keys[0] : new AndKey(keys);
        return new SearchCommand(tag, isUid, charset, key, returns, hasReturn);
    }

    private static SearchKey SearchKeyOf(ref ImapTokenReader r, int depth, bool latin1)
    {
        if (depth >= MaxSearchDepth)
        {
            ImapParseException.Throw(ImapParseError.TooDeep);
        }

        if (r.TryConsume((byte)'('))
        {
            var list = new List<SearchKey>();
            do
            {
                list.Add(SearchKeyOf(ref r, depth + 1, latin1));
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidSearchKey);
            return list.Count == 1 ? list[0] : new AndKey(list);
        }

        if (r.Peek == (byte)'*' || ImapCharClass.IsDigit(r.Peek))
        {
            return new SequenceSetKey(SequenceSet(ref r), IsUid: false);
        }

        var name = r.Word(ImapParseError.InvalidSearchKey);
        switch (name.Length)
        {
            case 2 when Is(name, ImapStrings.Or):
            {
                r.Space();
                var left = SearchKeyOf(ref r, depth + 1, latin1);
                r.Space();
                return new OrKey(left, SearchKeyOf(ref r, depth + 1, latin1));
            }

            case 2 when Is(name, ImapStrings.On):
                return Date(ref r, DateField.Internal, DateComparison.On);
            case 3 when Is(name, ImapStrings.All):
                return AllKey.Instance;
            case 3 when Is(name, ImapStrings.New):
                return new RecentKey(RecentKind.New);
            case 3 when Is(name, ImapStrings.Old):
                return new RecentKey(RecentKind.Old);
            case 3 when Is(name, ImapStrings.Not):
                r.Space();
                return new NotKey(SearchKeyOf(ref r, depth + 1, latin1));
            case 3 when Is(name, ImapStrings.Uid):
                r.Space();
                return new SequenceSetKey(SequenceSet(ref r), IsUid: true);
            case 3 when Is(name, ImapStrings.Bcc):
                return new HeaderKey(AddressField.Bcc, SearchString(ref r, latin1));
            case 2 when Is(name, ImapStrings.Cc):
                return new HeaderKey(AddressField.Cc, SearchString(ref r, latin1));
            case 2 when Is(name, ImapStrings.To):
                return new HeaderKey(AddressField.To, SearchString(ref r, latin1));
            case 4 when Is(name, ImapStrings.From):
                return new HeaderKey(AddressField.From, SearchString(ref r, latin1));
            case 4 when Is(name, ImapStrings.Seen):
                return new FlagKey(MessageFlags.Seen, true);
            case 4 when Is(name, ImapStrings.Body):
                return new TextKey(SearchString(ref r, latin1), IncludeHeaders: false);
            case 4 when Is(name, ImapStrings.Text):
                return new TextKey(SearchString(ref r, latin1), IncludeHeaders: true);
            case 5 when Is(name, ImapStrings.Draft):
                return new FlagKey(MessageFlags.Draft, true);
            case 5 when Is(name, ImapStrings.Since):
                return Date(ref r, DateField.Internal, DateComparison.Since);
            case 5 when Is(name, ImapStrings.Older):
                r.Space();
                return new WithinKey(r.NzNumber(), Older: true);
            case 6 when Is(name, ImapStrings.Before):
                return Date(ref r, DateField.Internal, DateComparison.Before);
            case 6 when Is(name, ImapStrings.Larger):
                r.Space();
                return new SizeKey((long)r.Number64(), Larger: true);
            case 6 when Is(name, ImapStrings.Recent):
                return new RecentKey(RecentKind.Recent);
            case 6 when Is(name, ImapStrings.Unseen):
                return new FlagKey(MessageFlags.Seen, false);
            case 6 when Is(name, ImapStrings.Header):
            {
                r.Space();
                var field = ImapTokenReader.Utf8String(r.AString(out _));
                return new HeaderFieldKey(field, SearchString(ref r, latin1));
            }

            case 6 when Is(name, ImapStrings.ModSeq):
                return ModSeq(ref r);
            case 7 when Is(name, ImapStrings.Deleted):
                return new FlagKey(MessageFlags.Deleted, true);
            case 7 when Is(name, ImapStrings.Flagged):
                return new FlagKey(MessageFlags.Flagged, true);
            case 7 when Is(name, ImapStrings.Keyword):
                return new KeywordKey(SearchKeyword(ref r), IsSet: true);
            case 7 when Is(name, ImapStrings.Smaller):
                r.Space();
                return new SizeKey((long)r.Number64(), Larger: false);
            case 7 when Is(name, ImapStrings.Subject):
                return new HeaderKey(AddressField.Subject, SearchString(ref r, latin1));
            case 7 when Is(name, ImapStrings.Undraft):
                return new FlagKey(MessageFlags.Draft, false);
            case 7 when Is(name, ImapStrings.Younger):
                r.Space();
                return new WithinKey(r.NzNumber(), Older: false);
            case 6 when Is(name, ImapStrings.SentOn):
                return Date(ref r, DateField.Sent, DateComparison.On);
            case 8 when Is(name, ImapStrings.Answered):
                return new FlagKey(MessageFlags.Answered, true);
            case 9 when Is(name, ImapStrings.SentSince):
                return Date(ref r, DateField.Sent, DateComparison.Since);
            case 9 when Is(name, ImapStrings.Undeleted):
                return new FlagKey(MessageFlags.Deleted, false);
            case 9 when Is(name, ImapStrings.Unflagged):
                return new FlagKey(MessageFlags.Flagged, false);
            case 9 when Is(name, ImapStrings.Unkeyword):
                return new KeywordKey(SearchKeyword(ref r), IsSet: false);
            case 10 when Is(name, ImapStrings.SentBefore):
                return Date(ref r, DateField.Sent, DateComparison.Before);
            case 10 when Is(name, ImapStrings.Unanswered):
                return new FlagKey(MessageFlags.Answered, false);
            default:
                return ImapParseException.Throw<SearchKey>(ImapParseError.InvalidSearchKey);
        }
    }

    private static string SearchString(ref ImapTokenReader r, bool latin1)
    {
        r.Space();
        var raw = r.AString(out _);
        if (Utf8.IsValid(raw))
        {
            return Encoding.UTF8.GetString(raw);
        }

        // Only reachable with a CHARSET the session will refuse ([BADCHARSET]); keep the bytes 1:1.
        return latin1 ? Encoding.Latin1.GetString(raw) : ImapParseException.Throw<string>(ImapParseError.InvalidString);
    }

    private static string SearchKeyword(ref ImapTokenReader r)
    {
        r.Space();
        var keyword = Encoding.ASCII.GetString(r.Atom(ImapParseError.InvalidFlag));
        return Flags.IsValidKeyword(keyword) ? keyword : ImapParseException.Throw<string>(ImapParseError.InvalidFlag);
    }

    private static ModSeqKey ModSeq(ref ImapTokenReader r)
    {
        // RFC 7162 §3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
        r.Space();
        if (r.AtString)
        {
            var entry = r.String(out _);
            if (!entry.StartsWith(ImapStrings.FlagsEntryPrefix))
            {
                ImapParseException.Throw(ImapParseError.InvalidSearchKey);
            }

            r.Space();
            var type = r.Word(ImapParseError.InvalidSearchKey);
            if (!Is(type, ImapStrings.Priv) && !Is(type, ImapStrings.Shared) && !Is(type, ImapStrings.All))
            {
                ImapParseException.Throw(ImapParseError.InvalidSearchKey);
            }

            r.Space();
        }

        return new ModSeqKey((long)r.Number64());
    }

    private static DateKey Date(ref ImapTokenReader r, DateField field, DateComparison comparison)
    {
        r.Space();
        return new DateKey(field, comparison, SearchDate(ref r));
    }

    /// <summary>date = date-text / DQUOTE date-text DQUOTE; date-text = date-day "-" date-month "-" date-year.</summary>
    internal static DateOnly SearchDate(ref ImapTokenReader r)
    {
        var quoted = r.TryConsume((byte)'"');
        var day = 0;
        var digits = 0;
        while (digits < 2 && ImapCharClass.IsDigit(r.Peek))
        {
            day = (day * 10) + (r.Peek - '0');
            r.TryConsume(r.Peek);
            digits++;
        }

        if (digits == 0)
        {
            ImapParseException.Throw(ImapParseError.InvalidDate);
        }

        r.Expect((byte)'-', ImapParseError.InvalidDate);
        var month = Month(ref r);
        r.Expect((byte)'-', ImapParseError.InvalidDate);
        var year = FixedDigits(ref r, 4);
        if (quoted)
        {
            r.Expect((byte)'"', ImapParseError.InvalidDate);
        }

        if (year < 1 || day < 1 || day > System.DateTime.DaysInMonth(year, month))
        {
            ImapParseException.Throw(ImapParseError.InvalidDate);
        }

        return new DateOnly(year, month, day);
    }

    private static int Month(ref ImapTokenReader r)
    {
        var rest = r.Rest;
        if (rest.Length < 3)
        {
            ImapParseException.Throw(ImapParseError.InvalidDate);
        }

        var months = ImapStrings.Months;
        for (var m = 0; m < 12; m++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(rest[..3], months.Slice(m * 3, 3)))
            {
                r.TryConsume(rest[0]);
                r.TryConsume(rest[1]);
                r.TryConsume(rest[2]);
                return m + 1;
            }
        }

        return ImapParseException.Throw<int>(ImapParseError.InvalidDate);
    }

    private static int FixedDigits(ref ImapTokenReader r, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            var b = r.Peek;
            if (!ImapCharClass.IsDigit(b))
            {
                ImapParseException.Throw(ImapParseError.InvalidDate);
            }

            value = (value * 10) + (b - '0');
            r.TryConsume(b);
        }

        return value;
    }
}
