// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using WildDuck.Storage;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// Parses one framed command (RFC 3501 §9, RFC 9051 §9 and the extensions listed in the package
/// README) into an <see cref="ImapCommand"/>.
/// </summary>
/// <remarks>
/// The input is exactly what <see cref="ImapFramer"/> produced: the line without its final CRLF,
/// inline literals as <c>{n}</c> CRLF payload. Malformed input gives an <see cref="ImapParseResult"/>
/// with a fixed RFC-shaped BAD text; exception messages never reach the client.
/// </remarks>
internal static partial class ImapCommandParser
{
    private const int MaxIdPairs = 30;
    private const int MaxIdFieldLength = 30;
    private const int MaxIdValueLength = 1024;

    /// <summary>The tag of commands from the session parse: the session owns the real tag as bytes.</summary>
    private const string NoTag = "*";

    /// <summary>Parses <paramref name="command"/>.</summary>
    public static ImapParseResult Parse(ReadOnlySpan<byte> command, in ImapParserContext context)
    {
        var r = new ImapTokenReader(command);
        string? tag = null;
        try
        {
            tag = ReadTag(ref r);
            if (tag is null)
            {
                return ImapParseResult.Failure(null, ImapParseError.InvalidTag);
            }

            r.Space();
            var name = r.Word(ImapParseError.UnknownCommand);
            var cmd = ParseCommand(ref r, tag, name, context);
            r.ExpectEnd();
            return ImapParseResult.Success(cmd);
        }
        catch (ImapParseException e)
        {
            return ImapParseResult.Failure(tag, e.Error);
        }
    }

    /// <summary>
    /// Parses <paramref name="command"/> like <see cref="Parse(ReadOnlySpan{byte}, in ImapParserContext)"/>,
    /// but leaves the tag as bytes and reuses command bodies from <paramref name="cache"/>: a repeated
    /// command of the same shape allocates nothing. <paramref name="tagLength"/> is the length of the
    /// tag at the start of <paramref name="command"/> (0 when it is not a valid tag).
    /// </summary>
    /// <remarks>
    /// Commands parsed here carry the tag <c>*</c>: the same object answers every line with the same
    /// body, so the tag is the caller's (the session keeps it as bytes): the command's
    /// <see cref="ImapCommand.Tag"/> and <see cref="ImapParseResult.Tag"/> are "*" (null on a failure),
    /// and <paramref name="tagLength"/> tells where the real tag ends.
    /// </remarks>
    public static ImapParseResult Parse(ReadOnlySpan<byte> command, in ImapParserContext context, ImapCommandCache cache, out int tagLength)
    {
        tagLength = TagLength(command);
        if (tagLength == 0)
        {
            return ImapParseResult.Failure(null, ImapParseError.InvalidTag);
        }

        var body = command[tagLength..];
        var cacheable = ImapCommandCache.IsCacheable(body);
        if (cacheable && cache.Find(body) is { } cached)
        {
            return ImapParseResult.Success(cached);
        }

        var r = new ImapTokenReader(body);
        try
        {
            r.Space();
            var name = r.Word(ImapParseError.UnknownCommand);
            var cmd = ParseCommand(ref r, NoTag, name, context);
            r.ExpectEnd();
            if (cacheable && ImapCommandCache.IsCacheable(cmd))
            {
                cache.Add(body, cmd);
            }

            return ImapParseResult.Success(cmd);
        }
        catch (ImapParseException e)
        {
            return ImapParseResult.Failure(null, e.Error);
        }
    }

    /// <summary>True when <paramref name="line"/> is the IDLE terminator "DONE" (RFC 2177 §3, any case).</summary>
    public static bool IsDone(ReadOnlySpan<byte> line) => System.Text.Ascii.EqualsIgnoreCase(line, ImapStrings.Done);

    /// <summary>
    /// True when the rest of the line after a streamed APPEND literal is valid: empty, or ")" for the
    /// <c>UTF8 (~{n})</c> form (MULTIAPPEND is not supported).
    /// </summary>
    public static bool IsValidAppendTail(ReadOnlySpan<byte> tail, bool isUtf8) =>
        isUtf8 ? tail.SequenceEqual(ImapStrings.CloseParen) : tail.IsEmpty;

    /// <summary>The length of the tag that starts <paramref name="line"/>, or 0 when there is none.</summary>
    private static int TagLength(ReadOnlySpan<byte> line)
    {
        var n = 0;
        while (n < line.Length && ImapCharClass.IsTagChar(line[n]))
        {
            n++;
        }

        return n < line.Length && line[n] != (byte)' ' ? 0 : n;
    }

    private static string? ReadTag(ref ImapTokenReader r)
    {
        var rest = r.Rest;
        var n = TagLength(rest);
        if (n == 0)
        {
            return null;
        }

        var tag = Encoding.ASCII.GetString(rest[..n]);
        for (var i = 0; i < n; i++)
        {
            r.TryConsume(rest[i]);
        }

        return tag;
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> upper) => System.Text.Ascii.EqualsIgnoreCase(name, upper);

    private static ImapCommand ParseCommand(ref ImapTokenReader r, string tag, ReadOnlySpan<byte> name, in ImapParserContext ctx)
    {
        switch (name.Length)
        {
            case 2 when Is(name, ImapStrings.Id):
                return ParseId(ref r, tag);
            case 3 when Is(name, ImapStrings.Uid):
                return ParseUid(ref r, tag, ctx);
            case 4 when Is(name, ImapStrings.Noop):
                return new NoopCommand(tag);
            case 4 when Is(name, ImapStrings.Idle):
                return new IdleCommand(tag);
            case 4 when Is(name, ImapStrings.List):
                return ParseList(ref r, tag, ctx);
            case 4 when Is(name, ImapStrings.Lsub):
            {
                r.Space();
                var reference = Mailbox(ref r, ctx, normaliseInbox: false);
                r.Space();
                return new LsubCommand(tag, reference, ListPattern(ref r, ctx));
            }

            case 4 when Is(name, ImapStrings.Move):
                return ParseCopyMove(ref r, tag, ctx, isUid: false, move: true);
            case 4 when Is(name, ImapStrings.Copy):
                return ParseCopyMove(ref r, tag, ctx, isUid: false, move: false);
            case 5 when Is(name, ImapStrings.Login):
            {
                r.Space();
                var user = ImapTokenReader.Utf8String(r.AString(out _));
                r.Space();
                var password = ImapTokenReader.Utf8String(r.AString(out _));
                return new LoginCommand(tag, user, password);
            }

            case 5 when Is(name, ImapStrings.Check):
                return new CheckCommand(tag);
            case 5 when Is(name, ImapStrings.Close):
                return new CloseCommand(tag);
            case 5 when Is(name, ImapStrings.Fetch):
                return ParseFetch(ref r, tag, isUid: false);
            case 5 when Is(name, ImapStrings.Store):
                return ParseStore(ref r, tag, isUid: false);
            case 6 when Is(name, ImapStrings.Logout):
                return new LogoutCommand(tag);
            case 6 when Is(name, ImapStrings.Select):
                return ParseSelect(ref r, tag, ctx, readOnly: false);
            case 6 when Is(name, ImapStrings.Create):
                return ParseCreate(ref r, tag, ctx);
            case 6 when Is(name, ImapStrings.Delete):
                r.Space();
                return new DeleteCommand(tag, Mailbox(ref r, ctx));
            case 6 when Is(name, ImapStrings.Rename):
            {
                r.Space();
                var from = Mailbox(ref r, ctx);
                r.Space();
                return new RenameCommand(tag, from, Mailbox(ref r, ctx));
            }

            case 6 when Is(name, ImapStrings.Status):
                return ParseStatus(ref r, tag, ctx);
            case 6 when Is(name, ImapStrings.Append):
                return ParseAppend(ref r, tag, ctx);
            case 6 when Is(name, ImapStrings.Search):
                return ParseSearch(ref r, tag, isUid: false);
            case 6 when Is(name, ImapStrings.Enable):
                return ParseEnable(ref r, tag);
            case 7 when Is(name, ImapStrings.Examine):
                return ParseSelect(ref r, tag, ctx, readOnly: true);
            case 7 when Is(name, ImapStrings.Expunge):
                return new ExpungeCommand(tag);
            case 8 when Is(name, ImapStrings.StartTls):
                return new StartTlsCommand(tag);
            case 8 when Is(name, ImapStrings.Unselect):
                return new UnselectCommand(tag);
            case 8 when Is(name, ImapStrings.GetQuota):
                r.Space();
                return new GetQuotaCommand(tag, ImapTokenReader.Utf8String(r.AString(out _)));
            case 8 when Is(name, ImapStrings.SetQuota):
                return ParseSetQuota(ref r, tag);
            case 8 when Is(name, ImapStrings.Compress):
                r.Space();
                return new CompressCommand(tag, Upper(r.Atom()));
            case 9 when Is(name, ImapStrings.Subscribe):
                r.Space();
                return new SubscribeCommand(tag, Mailbox(ref r, ctx));
            case 9 when Is(name, ImapStrings.Namespace):
                return new NamespaceCommand(tag);
            case 10 when Is(name, ImapStrings.Capability):
                return new CapabilityCommand(tag);
            case 11 when Is(name, ImapStrings.Unsubscribe):
                r.Space();
                return new UnsubscribeCommand(tag, Mailbox(ref r, ctx));
            case 12 when Is(name, ImapStrings.Authenticate):
                return ParseAuthenticate(ref r, tag);
            case 12 when Is(name, ImapStrings.GetQuotaRoot):
                r.Space();
                return new GetQuotaRootCommand(tag, Mailbox(ref r, ctx));
            default:
                return ImapParseException.Throw<ImapCommand>(ImapParseError.UnknownCommand);
        }
    }

    private static ImapCommand ParseUid(ref ImapTokenReader r, string tag, in ImapParserContext ctx)
    {
        r.Space();
        var sub = r.Word(ImapParseError.UnknownCommand);
        if (Is(sub, ImapStrings.Fetch))
        {
            return ParseFetch(ref r, tag, isUid: true);
        }

        if (Is(sub, ImapStrings.Store))
        {
            return ParseStore(ref r, tag, isUid: true);
        }

        if (Is(sub, ImapStrings.Search))
        {
            return ParseSearch(ref r, tag, isUid: true);
        }

        if (Is(sub, ImapStrings.Copy))
        {
            return ParseCopyMove(ref r, tag, ctx, isUid: true, move: false);
        }

        if (Is(sub, ImapStrings.Move))
        {
            return ParseCopyMove(ref r, tag, ctx, isUid: true, move: true);
        }

        if (Is(sub, ImapStrings.Expunge))
        {
            r.Space();
            return new UidExpungeCommand(tag, SequenceSet(ref r));
        }

        return ImapParseException.Throw<ImapCommand>(ImapParseError.UnknownCommand);
    }

    private static ImapCommand ParseCopyMove(ref ImapTokenReader r, string tag, in ImapParserContext ctx, bool isUid, bool move)
    {
        r.Space();
        var set = SequenceSet(ref r);
        r.Space();
        var mailbox = Mailbox(ref r, ctx);
        return move ? new MoveCommand(tag, isUid, set, mailbox) : new CopyCommand(tag, isUid, set, mailbox);
    }

    private static AuthenticateCommand ParseAuthenticate(ref ImapTokenReader r, string tag)
    {
        r.Space();
        var mechanism = Upper(r.Atom());
        string? initial = null;
        if (!r.End)
        {
            r.Space();
            var ir = r.Atom();

            // RFC 4959 §3: initial-response = base64 / "=".
            if (!(ir.Length == 1 && ir[0] == (byte)'=') && !IsBase64(ir))
            {
                ImapParseException.Throw(ImapParseError.InvalidArguments);
            }

            initial = Encoding.ASCII.GetString(ir);
        }

        return new AuthenticateCommand(tag, mechanism, initial);
    }

    private static EnableCommand ParseEnable(ref ImapTokenReader r, string tag)
    {
        var list = new List<string>();
        do
        {
            r.Space();
            list.Add(Encoding.ASCII.GetString(r.Atom()));
        }
        while (!r.End);

        return new EnableCommand(tag, list);
    }

    private static SelectCommand ParseSelect(ref ImapTokenReader r, string tag, in ImapParserContext ctx, bool readOnly)
    {
        r.Space();
        var mailbox = Mailbox(ref r, ctx);
        var condStore = false;
        if (!r.End)
        {
            // RFC 4466 select-params = "(" select-param *(SP select-param) ")"; only CONDSTORE (RFC 7162 §3.1.8).
            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidModifier);
            do
            {
                if (!r.TryKeyword(ImapStrings.CondStore))
                {
                    ImapParseException.Throw(ImapParseError.InvalidModifier);
                }

                condStore = true;
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidModifier);
        }

        return new SelectCommand(tag, mailbox, readOnly, condStore);
    }

    private static CreateCommand ParseCreate(ref ImapTokenReader r, string tag, in ImapParserContext ctx)
    {
        r.Space();
        var mailbox = Mailbox(ref r, ctx);
        IReadOnlyList<string> uses = Array.Empty<string>();
        if (!r.End)
        {
            // RFC 6154 §3: create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")".
            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidArguments);
            if (!r.TryKeyword(ImapStrings.Use))
            {
                ImapParseException.Throw(ImapParseError.InvalidArguments);
            }

            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidArguments);
            var list = new List<string>();
            if (!r.TryConsume((byte)')'))
            {
                do
                {
                    r.Expect((byte)'\\', ImapParseError.InvalidArguments);
                    list.Add("\\" + Encoding.ASCII.GetString(r.Atom()));
                }
                while (r.TryConsume((byte)' '));

                r.Expect((byte)')', ImapParseError.InvalidArguments);
            }

            r.Expect((byte)')', ImapParseError.InvalidArguments);
            uses = list;
        }

        return new CreateCommand(tag, mailbox, uses);
    }

    private static StatusCommand ParseStatus(ref ImapTokenReader r, string tag, in ImapParserContext ctx)
    {
        r.Space();
        var mailbox = Mailbox(ref r, ctx);
        r.Space();
        r.Expect((byte)'(', ImapParseError.InvalidArguments);
        var items = StatusItemList(ref r);
        return new StatusCommand(tag, mailbox, items);
    }

    /// <summary>Reads status-att *(SP status-att) ")" (the "(" already consumed).</summary>
    private static StatusItems StatusItemList(ref ImapTokenReader r)
    {
        var items = StatusItems.None;
        do
        {
            var item = r.Word(ImapParseError.InvalidStatusItem);
            items |= item switch
            {
                _ when Is(item, ImapStrings.Messages) => StatusItems.Messages,
                _ when Is(item, ImapStrings.Recent) => StatusItems.Recent,
                _ when Is(item, ImapStrings.UidNext) => StatusItems.UidNext,
                _ when Is(item, ImapStrings.UidValidity) => StatusItems.UidValidity,
                _ when Is(item, ImapStrings.Unseen) => StatusItems.Unseen,
                _ when Is(item, ImapStrings.HighestModSeq) => StatusItems.HighestModSeq,
                _ when Is(item, ImapStrings.Size) => StatusItems.Size,
                _ when Is(item, ImapStrings.Deleted) => StatusItems.Deleted,
                _ when Is(item, ImapStrings.AppendLimit) => StatusItems.AppendLimit,
                _ => ImapParseException.Throw<StatusItems>(ImapParseError.InvalidStatusItem),
            };
        }
        while (r.TryConsume((byte)' '));

        r.Expect((byte)')', ImapParseError.InvalidStatusItem);
        return items;
    }

    private static ListCommand ParseList(ref ImapTokenReader r, string tag, in ImapParserContext ctx)
    {
        r.Space();
        var selection = ListSelectionOptions.None;
        var returns = ListReturnOptions.None;
        var statusItems = StatusItems.None;
        if (r.TryConsume((byte)'('))
        {
            // RFC 5258 §3.1 list-select-opts.
            if (!r.TryConsume((byte)')'))
            {
                do
                {
                    var opt = r.Word(ImapParseError.InvalidListOption);
                    selection |= opt switch
                    {
                        _ when Is(opt, ImapStrings.Subscribed) => ListSelectionOptions.Subscribed,
                        _ when Is(opt, ImapStrings.Remote) => ListSelectionOptions.Remote,
                        _ when Is(opt, ImapStrings.RecursiveMatch) => ListSelectionOptions.RecursiveMatch,
                        _ when Is(opt, ImapStrings.SpecialUse) => ListSelectionOptions.SpecialUse,
                        _ => ImapParseException.Throw<ListSelectionOptions>(ImapParseError.InvalidListOption),
                    };
                }
                while (r.TryConsume((byte)' '));

                r.Expect((byte)')', ImapParseError.InvalidListOption);
            }

            // RFC 5258 §3.1: RECURSIVEMATCH alone (or with REMOTE only) is a BAD.
            if ((selection & ListSelectionOptions.RecursiveMatch) != 0 &&
                (selection & ~(ListSelectionOptions.RecursiveMatch | ListSelectionOptions.Remote)) == 0)
            {
                ImapParseException.Throw(ImapParseError.InvalidListOption);
            }

            // RFC 5258 §3.1: the SUBSCRIBED selection option implies the SUBSCRIBED return option.
            if ((selection & ListSelectionOptions.Subscribed) != 0)
            {
                returns |= ListReturnOptions.Subscribed;
            }

            r.Space();
        }

        var reference = Mailbox(ref r, ctx, normaliseInbox: false);
        r.Space();
        var patterns = new List<string>(1);
        if (r.TryConsume((byte)'('))
        {
            do
            {
                patterns.Add(ListPattern(ref r, ctx));
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidArguments);
        }
        else
        {
            patterns.Add(ListPattern(ref r, ctx));
        }

        if (!r.End)
        {
            r.Space();
            if (!r.TryKeyword(ImapStrings.Return))
            {
                ImapParseException.Throw(ImapParseError.InvalidListOption);
            }

            r.Space();
            r.Expect((byte)'(', ImapParseError.InvalidListOption);
            if (!r.TryConsume((byte)')'))
            {
                do
                {
                    var opt = r.Word(ImapParseError.InvalidListOption);
                    if (Is(opt, ImapStrings.Subscribed))
                    {
                        returns |= ListReturnOptions.Subscribed;
                    }
                    else if (Is(opt, ImapStrings.Children))
                    {
                        returns |= ListReturnOptions.Children;
                    }
                    else if (Is(opt, ImapStrings.SpecialUse))
                    {
                        returns |= ListReturnOptions.SpecialUse;
                    }
                    else if (Is(opt, ImapStrings.Status))
                    {
                        // RFC 5819 §2: STATUS (status-att...).
                        r.Space();
                        r.Expect((byte)'(', ImapParseError.InvalidListOption);
                        statusItems = StatusItemList(ref r);
                        returns |= ListReturnOptions.Status;
                    }
                    else
                    {
                        ImapParseException.Throw(ImapParseError.InvalidListOption);
                    }
                }
                while (r.TryConsume((byte)' '));

                r.Expect((byte)')', ImapParseError.InvalidListOption);
            }
        }

        return new ListCommand(tag, reference, patterns, selection, returns, statusItems);
    }

    private static string ListPattern(ref ImapTokenReader r, in ImapParserContext ctx)
    {
        ReadOnlySpan<byte> raw;
        if (r.AtString)
        {
            raw = r.String(out _);
        }
        else
        {
            // list-mailbox = 1*list-char / string (RFC 3501 §9).
            var rest = r.Rest;
            var n = 0;
            while (n < rest.Length && ImapCharClass.IsListChar(rest[n]))
            {
                n++;
            }

            if (n == 0)
            {
                ImapParseException.Throw(r.End ? ImapParseError.MissingArguments : ImapParseError.InvalidArguments);
            }

            raw = rest[..n];
            for (var i = 0; i < n; i++)
            {
                r.TryConsume(rest[i]);
            }
        }

        return DecodeMailbox(raw, ctx.Utf8Accept, normaliseInbox: false);
    }

    private static IdCommand ParseId(ref ImapTokenReader r, string tag)
    {
        r.Space();
        if (r.TryKeyword(ImapStrings.Nil))
        {
            return new IdCommand(tag, null);
        }

        r.Expect((byte)'(', ImapParseError.InvalidIdParameters);
        var list = new List<KeyValuePair<string, string?>>();
        if (!r.TryConsume((byte)')'))
        {
            do
            {
                var field = r.String(out _);
                r.Space();
                string? value = null;
                if (r.NString(out var v, out _))
                {
                    // RFC 2971 §3.3: fields ≤ 30 octets, values ≤ 1024 octets, ≤ 30 pairs.
                    if (v.Length > MaxIdValueLength)
                    {
                        ImapParseException.Throw(ImapParseError.InvalidIdParameters);
                    }

                    value = ImapTokenReader.Utf8String(v);
                }

                if (field.Length > MaxIdFieldLength || list.Count == MaxIdPairs)
                {
                    ImapParseException.Throw(ImapParseError.InvalidIdParameters);
                }

                list.Add(new KeyValuePair<string, string?>(ImapTokenReader.Utf8String(field), value));
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidIdParameters);
        }

        return new IdCommand(tag, list);
    }

    private static SetQuotaCommand ParseSetQuota(ref ImapTokenReader r, string tag)
    {
        r.Space();
        var root = ImapTokenReader.Utf8String(r.AString(out _));
        r.Space();
        r.Expect((byte)'(', ImapParseError.InvalidArguments);
        var limits = new List<KeyValuePair<string, ulong>>();
        if (!r.TryConsume((byte)')'))
        {
            do
            {
                var resource = Upper(r.Atom());
                r.Space();
                limits.Add(new KeyValuePair<string, ulong>(resource, r.Number64()));
            }
            while (r.TryConsume((byte)' '));

            r.Expect((byte)')', ImapParseError.InvalidArguments);
        }

        return new SetQuotaCommand(tag, root, limits);
    }

    /// <summary>Reads a mailbox (astring) and decodes it.</summary>
    private static string Mailbox(ref ImapTokenReader r, in ImapParserContext ctx, bool normaliseInbox = true) =>
        DecodeMailbox(r.AString(out _), ctx.Utf8Accept, normaliseInbox);

    /// <summary>
    /// Decodes a mailbox name: "INBOX" in any case is INBOX (RFC 3501 §5.1); with UTF8=ACCEPT the
    /// bytes are UTF-8 (RFC 6855 §3), otherwise 7-bit modified UTF-7 (RFC 3501 §5.1.3), strictly.
    /// </summary>
    internal static string DecodeMailbox(ReadOnlySpan<byte> raw, bool utf8Accept, bool normaliseInbox = true)
    {
        if (normaliseInbox && System.Text.Ascii.EqualsIgnoreCase(raw, ImapStrings.Inbox))
        {
            return "INBOX";
        }

        if (utf8Accept)
        {
            return ImapTokenReader.Utf8String(raw, ImapParseError.InvalidMailboxName);
        }

        if (!System.Text.Ascii.IsValid(raw) || !ModifiedUtf7.TryDecode(raw, out var name))
        {
            return ImapParseException.Throw<string>(ImapParseError.InvalidMailboxName);
        }

        return name;
    }

    /// <summary>Reads a sequence set (RFC 3501 §9 sequence-set; "$" is not supported).</summary>
    internal static ImapSequenceSet SequenceSet(ref ImapTokenReader r)
    {
        var list = new List<ImapSequenceRange>(1);
        do
        {
            var first = SeqNumber(ref r);
            var last = first;
            if (r.TryConsume((byte)':'))
            {
                last = SeqNumber(ref r);
            }

            list.Add(new ImapSequenceRange(first, last));
        }
        while (r.TryConsume((byte)','));

        return new ImapSequenceSet(list.ToArray());
    }

    private static uint SeqNumber(ref ImapTokenReader r)
    {
        if (r.TryConsume((byte)'*'))
        {
            return ImapSequenceSet.Star;
        }

        if (!ImapCharClass.IsDigit(r.Peek))
        {
            ImapParseException.Throw(r.End ? ImapParseError.MissingArguments : ImapParseError.InvalidSequenceSet);
        }

        try
        {
            return r.NzNumber();
        }
        catch (ImapParseException)
        {
            return ImapParseException.Throw<uint>(ImapParseError.InvalidSequenceSet);
        }
    }

    /// <summary>Reads a flag list "(" [flag *(SP flag)] ")" or, when <paramref name="allowBare"/>, flag *(SP flag).</summary>
    internal static void FlagList(ref ImapTokenReader r, out MessageFlags flags, out List<string> keywords, bool allowBare)
    {
        flags = MessageFlags.None;
        keywords = new List<string>();
        var parenthesised = r.TryConsume((byte)'(');
        if (!parenthesised && !allowBare)
        {
            ImapParseException.Throw(ImapParseError.InvalidFlag);
        }

        if (parenthesised && r.TryConsume((byte)')'))
        {
            return;
        }

        do
        {
            Flag(ref r, ref flags, keywords);
        }
        while (r.TryConsume((byte)' '));

        if (parenthesised)
        {
            r.Expect((byte)')', ImapParseError.InvalidFlag);
        }
    }

    private static void Flag(ref ImapTokenReader r, ref MessageFlags flags, List<string> keywords)
    {
        if (r.TryConsume((byte)'\\'))
        {
            // RFC 3501 §9 flag: system flags only; \Recent cannot be stored (§2.3.2) and unknown
            // flag-extensions are refused.
            var name = r.Atom(ImapParseError.InvalidFlag);
            flags |= SystemFlag(name);
            return;
        }

        var keyword = Encoding.ASCII.GetString(r.Atom(ImapParseError.InvalidFlag));
        if (!Flags.IsValidKeyword(keyword))
        {
            ImapParseException.Throw(ImapParseError.InvalidFlag);
        }

        foreach (var k in keywords)
        {
            if (Flags.KeywordComparer.Equals(k, keyword))
            {
                return;
            }
        }

        keywords.Add(keyword);
    }

    private static MessageFlags SystemFlag(ReadOnlySpan<byte> name) => name switch
    {
        _ when Is(name, ImapStrings.Seen) => MessageFlags.Seen,
        _ when Is(name, ImapStrings.Answered) => MessageFlags.Answered,
        _ when Is(name, ImapStrings.Flagged) => MessageFlags.Flagged,
        _ when Is(name, ImapStrings.Deleted) => MessageFlags.Deleted,
        _ when Is(name, ImapStrings.Draft) => MessageFlags.Draft,
        _ => ImapParseException.Throw<MessageFlags>(ImapParseError.InvalidFlag),
    };

    private static string Upper(ReadOnlySpan<byte> atom)
    {
        Span<byte> buffer = atom.Length <= 64 ? stackalloc byte[atom.Length] : new byte[atom.Length];
        System.Text.Ascii.ToUpper(atom, buffer, out _);
        return Encoding.ASCII.GetString(buffer);
    }

    private static bool IsBase64(ReadOnlySpan<byte> s)
    {
        var padding = 0;
        foreach (var b in s)
        {
            if (b == (byte)'=')
            {
                padding++;
                continue;
            }

            if (padding > 0 || !(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/'))
            {
                return false;
            }
        }

        return padding <= 2 && s.Length % 4 == 0;
    }
}
