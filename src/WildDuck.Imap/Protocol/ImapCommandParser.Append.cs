// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Imap.Protocol;

/// <summary>Whether a line announcing a literal is an APPEND prefix.</summary>
internal enum AppendPrefixStatus
{
    /// <summary>Not an APPEND: treat the literal generically.</summary>
    NotAppend,

    /// <summary>A valid APPEND prefix.</summary>
    Ok,

    /// <summary>An APPEND with malformed arguments: answer the BAD and reject the literal.</summary>
    Invalid,
}

/// <content>APPEND (RFC 3501 §6.3.11, RFC 6855 §4, RFC 3516 §4.4).</content>
internal static partial class ImapCommandParser
{
    /// <summary>
    /// Parses the line so far of a command whose literal was just announced (through the closing
    /// <c>}</c>). When it is an APPEND, returns its mailbox, flags, date and literal details so the
    /// session can check the mailbox, APPENDLIMIT and quota before sending the continuation request.
    /// </summary>
    public static AppendPrefixStatus TryParseAppendPrefix(ReadOnlySpan<byte> lineSoFar, in ImapParserContext context, out AppendPrefix? prefix, out ImapParseResult failure)
    {
        prefix = null;
        failure = default;
        var r = new ImapTokenReader(lineSoFar);
        string? tag = null;
        try
        {
            tag = ReadTag(ref r);
            if (tag is null || !r.TryConsume((byte)' ') || !r.TryKeyword(ImapStrings.Append))
            {
                return AppendPrefixStatus.NotAppend;
            }

            AppendHead(ref r, context, out var mailbox, out var flags, out var keywords, out var date, out var utf8);
            var binary = r.TryConsume((byte)'~');
            if (utf8 && !binary)
            {
                // RFC 6855 §4: append-data-ext = "UTF8" SP "(" literal8 ")".
                ImapParseException.Throw(ImapParseError.InvalidLiteral);
            }

            r.Expect((byte)'{', ImapParseError.InvalidArguments);
            var size = r.Number();
            var nonSync = r.TryConsume((byte)'+');
            r.Expect((byte)'}', ImapParseError.InvalidLiteral);
            r.ExpectEnd();
            prefix = new AppendPrefix(tag, mailbox, flags, keywords, date, utf8, size, nonSync, binary);
            return AppendPrefixStatus.Ok;
        }
        catch (ImapParseException e)
        {
            failure = ImapParseResult.Failure(tag, e.Error);
            return AppendPrefixStatus.Invalid;
        }
    }

    private static AppendCommand ParseAppend(ref ImapTokenReader r, string tag, in ImapParserContext ctx)
    {
        AppendHead(ref r, ctx, out var mailbox, out var flags, out var keywords, out var date, out var utf8);
        if (!r.AtString || r.Peek == (byte)'"')
        {
            ImapParseException.Throw(r.End ? ImapParseError.MissingArguments : ImapParseError.InvalidArguments);
        }

        var message = r.Literal(out var binary);
        if (utf8)
        {
            if (!binary)
            {
                ImapParseException.Throw(ImapParseError.InvalidLiteral);
            }

            r.Expect((byte)')', ImapParseError.InvalidArguments);
        }

        var prefix = new AppendPrefix(tag, mailbox, flags, keywords, date, utf8, message.Length, NonSync: false, binary);
        return new AppendCommand(tag, prefix, message.ToArray());
    }

    private static void AppendHead(ref ImapTokenReader r, in ImapParserContext ctx, out string mailbox, out MessageFlags flags, out IReadOnlyList<string> keywords, out DateTimeOffset? date, out bool utf8)
    {
        r.Space();
        mailbox = Mailbox(ref r, ctx);
        r.Space();
        flags = MessageFlags.None;
        keywords = Array.Empty<string>();
        date = null;
        utf8 = false;
        if (r.Peek == (byte)'(')
        {
            FlagList(ref r, out flags, out var list, allowBare: false);
            keywords = list;
            r.Space();
        }

        if (r.Peek == (byte)'"')
        {
            date = DateTime(ref r);
            r.Space();
        }

        if (r.TryKeyword(ImapStrings.Utf8))
        {
            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidArguments);
            utf8 = true;
        }
    }

    /// <summary>date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE (RFC 3501 §9).</summary>
    internal static DateTimeOffset DateTime(ref ImapTokenReader r)
    {
        r.Expect((byte)'"', ImapParseError.InvalidDate);
        int day;
        if (r.TryConsume((byte)' '))
        {
            day = FixedDigits(ref r, 1);
        }
        else
        {
            day = FixedDigits(ref r, 2);
        }

        r.Expect((byte)'-', ImapParseError.InvalidDate);
        var month = Month(ref r);
        r.Expect((byte)'-', ImapParseError.InvalidDate);
        var year = FixedDigits(ref r, 4);
        r.Expect((byte)' ', ImapParseError.InvalidDate);
        var hour = FixedDigits(ref r, 2);
        r.Expect((byte)':', ImapParseError.InvalidDate);
        var minute = FixedDigits(ref r, 2);
        r.Expect((byte)':', ImapParseError.InvalidDate);
        var second = FixedDigits(ref r, 2);
        r.Expect((byte)' ', ImapParseError.InvalidDate);
        int sign;
        if (r.TryConsume((byte)'+'))
        {
            sign = 1;
        }
        else if (r.TryConsume((byte)'-'))
        {
            sign = -1;
        }
        else
        {
            return ImapParseException.Throw<DateTimeOffset>(ImapParseError.InvalidDate);
        }

        var zone = FixedDigits(ref r, 4);
        r.Expect((byte)'"', ImapParseError.InvalidDate);
        var zoneMinutes = (zone / 100 * 60) + (zone % 100);
        if (year < 1 || day < 1 || day > System.DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60 ||
            zone % 100 > 59 || zoneMinutes > 14 * 60)
        {
            ImapParseException.Throw(ImapParseError.InvalidDate);
        }

        // A leap second (":60") is clamped; DateTimeOffset cannot represent it.
        return new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), TimeSpan.FromMinutes(sign * zoneMinutes));
    }
}
