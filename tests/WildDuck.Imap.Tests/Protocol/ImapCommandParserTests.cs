// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Text;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

public class ImapCommandParserTests
{
    private static readonly ImapParserContext Plain = new(Utf8Accept: false, IsAuthenticated: true);
    private static readonly ImapParserContext Utf8 = new(Utf8Accept: true, IsAuthenticated: true);

    private static ImapParseResult Parse(string command, bool utf8 = false) =>
        ImapCommandParser.Parse(Encoding.UTF8.GetBytes(command), utf8 ? Utf8 : Plain);

    private static T Ok<T>(string command, bool utf8 = false)
        where T : ImapCommand
    {
        var result = Parse(command, utf8);
        result.Error.Should().Be(ImapParseError.None, "'{0}' should parse", command);
        return result.Command.Should().BeOfType<T>().Subject;
    }

    public static TheoryData<string, Type> ValidCommands => new()
    {
        { "a001 CAPABILITY", typeof(CapabilityCommand) },
        { "a002 noop", typeof(NoopCommand) },
        { "A023 LOGOUT", typeof(LogoutCommand) },
        { "a001 STARTTLS", typeof(StartTlsCommand) },
        { "A001 AUTHENTICATE GSSAPI", typeof(AuthenticateCommand) },
        { "A001 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=", typeof(AuthenticateCommand) },
        { "A001 AUTHENTICATE PLAIN =", typeof(AuthenticateCommand) },
        { "a001 LOGIN SMITH SESAME", typeof(LoginCommand) },
        { "a001 LOGIN \"smith\" {6}\r\nsesame", typeof(LoginCommand) },
        { "t ENABLE CONDSTORE UTF8=ACCEPT", typeof(EnableCommand) },
        { "A142 SELECT INBOX", typeof(SelectCommand) },
        { "A142 SELECT inbox (CONDSTORE)", typeof(SelectCommand) },
        { "A932 EXAMINE blurdybloop", typeof(SelectCommand) },
        { "A003 CREATE owatagusiam/", typeof(CreateCommand) },
        { "t1 CREATE \"Important Messages\" (USE (\\Important \\Flagged))", typeof(CreateCommand) },
        { "A683 DELETE blurdybloop", typeof(DeleteCommand) },
        { "A682 RENAME blurdybloop sarasoop", typeof(RenameCommand) },
        { "A002 SUBSCRIBE #news.comp.mail.mime", typeof(SubscribeCommand) },
        { "A002 UNSUBSCRIBE #news.comp.mail.mime", typeof(UnsubscribeCommand) },
        { "A101 LIST \"\" \"\"", typeof(ListCommand) },
        { "A102 LIST #news.comp.mail.misc \"\"", typeof(ListCommand) },
        { "A202 LIST ~/Mail/ %", typeof(ListCommand) },
        { "A01 LIST (SUBSCRIBED) \"\" \"*\"", typeof(ListCommand) },
        { "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (CHILDREN)", typeof(ListCommand) },
        { "A03 LIST \"\" (\"INBOX\" \"Drafts\" Sent/%) RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))", typeof(ListCommand) },
        { "A04 LIST () \"\" %", typeof(ListCommand) },
        { "A05 LIST \"\" % RETURN ()", typeof(ListCommand) },
        { "A002 LSUB \"#news.\" \"comp.mail.*\"", typeof(LsubCommand) },
        { "A001 NAMESPACE", typeof(NamespaceCommand) },
        { "A042 STATUS blurdybloop (UIDNEXT MESSAGES)", typeof(StatusCommand) },
        { "A042 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE DELETED APPENDLIMIT)", typeof(StatusCommand) },
        { "A003 APPEND saved-messages (\\Seen) {3}\r\nabc", typeof(AppendCommand) },
        { "A003 APPEND saved-messages \" 7-Feb-1994 21:52:25 -0800\" {3}\r\nabc", typeof(AppendCommand) },
        { "A003 APPEND INBOX UTF8 (~{3}\r\nabc)", typeof(AppendCommand) },
        { "FXXZ CHECK", typeof(CheckCommand) },
        { "A341 CLOSE", typeof(CloseCommand) },
        { "A342 UNSELECT", typeof(UnselectCommand) },
        { "A202 EXPUNGE", typeof(ExpungeCommand) },
        { "A003 UID EXPUNGE 3000:3002", typeof(UidExpungeCommand) },
        { "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", typeof(SearchCommand) },
        { "A283 SEARCH TEXT \"string not in mailbox\"", typeof(SearchCommand) },
        { "A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX", typeof(SearchCommand) },
        { "A285 UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN", typeof(SearchCommand) },
        { "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", typeof(FetchCommand) },
        { "A999 UID FETCH 4827313:4828442 FLAGS", typeof(FetchCommand) },
        { "a FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)", typeof(FetchCommand) },
        { "A003 STORE 2:4 +FLAGS (\\Deleted)", typeof(StoreCommand) },
        { "A003 STORE 2:4 -FLAGS.SILENT \\Seen $Junk", typeof(StoreCommand) },
        { "d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)", typeof(StoreCommand) },
        { "A003 COPY 2:4 MEETING", typeof(CopyCommand) },
        { "A003 UID COPY 2:4 MEETING", typeof(CopyCommand) },
        { "a UID MOVE 42:69 foo", typeof(MoveCommand) },
        { "a MOVE 1 Trash", typeof(MoveCommand) },
        { "A002 IDLE", typeof(IdleCommand) },
        { "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" NIL)", typeof(IdCommand) },
        { "a023 ID NIL", typeof(IdCommand) },
        { "a023 ID ()", typeof(IdCommand) },
        { "G0001 GETQUOTA \"\"", typeof(GetQuotaCommand) },
        { "A003 GETQUOTAROOT INBOX", typeof(GetQuotaRootCommand) },
        { "S0000 SETQUOTA \"#user/alice\" (STORAGE 510)", typeof(SetQuotaCommand) },
        { "a COMPRESS DEFLATE", typeof(CompressCommand) },
    };

    [Theory]
    [MemberData(nameof(ValidCommands))]
    public void ParsesValidCommands(string command, Type expected)
    {
        var result = Parse(command);
        result.Error.Should().Be(ImapParseError.None, result.ErrorText);
        result.Command.Should().BeOfType(expected);
        result.Tag.Should().Be(command[..command.IndexOf(' ', StringComparison.Ordinal)]);
    }

    public static TheoryData<string, string, string?> InvalidCommands => new()
    {
        { "", "Invalid tag", null },
        { " NOOP", "Invalid tag", null },
        { "A+ NOOP", "Invalid tag", null },
        { "A\"1 NOOP", "Invalid tag", null },
        { "A(1 NOOP", "Invalid tag", null },
        { "A1", "Missing arguments", "A1" },
        { "A1 FROBNICATE", "Unknown command", "A1" },
        { "A1 UID FROB 1", "Unknown command", "A1" },
        { "A1 NOOP extra", "Unexpected extra arguments", "A1" },
        { "A1 NOOP ", "Unexpected extra arguments", "A1" },
        { "A1 LOGIN user", "Missing arguments", "A1" },
        { "A1 LOGIN  user pass", "Invalid arguments", "A1" },
        { "A1 LOGIN \"us\\er\" pass", "Invalid string", "A1" },
        { "A1 LOGIN \"user pass", "Invalid string", "A1" },
        { "A1 LOGIN {5}\r\nab\0de x", "Invalid literal", "A1" },
        { "A1 LOGIN {9}\r\nab x", "Invalid literal", "A1" },
        { "A1 SELECT &Jjo", "Invalid mailbox name", "A1" },
        { "A1 SELECT &AGE-&AGE-", "Invalid mailbox name", "A1" },
        { "A1 SELECT \"caf\u00e9\"", "Invalid mailbox name", "A1" },
        { "A1 SELECT INBOX (QRESYNC)", "Invalid command modifier", "A1" },
        { "A1 SELECT INBOX ()", "Invalid command modifier", "A1" },
        { "A1 FETCH 0 FLAGS", "Invalid sequence set", "A1" },
        { "A1 FETCH 1: FLAGS", "Invalid sequence set", "A1" },
        { "A1 FETCH 1,,2 FLAGS", "Invalid sequence set", "A1" },
        { "A1 FETCH $ FLAGS", "Invalid sequence set", "A1" },
        { "A1 FETCH 4294967296 FLAGS", "Invalid sequence set", "A1" },
        { "A1 FETCH 1 FOO", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 (FLAGS", "Missing arguments", "A1" },
        { "A1 FETCH 1 BODY[HEADER.FIELDS ()]", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 BODY[MIME]", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 BODY[1.FOO]", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 BODY[0]", "Invalid number", "A1" },
        { "A1 FETCH 1 BODY[]<0>", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 BODY[]<0.0>", "Invalid number", "A1" },
        { "A1 FETCH 1 BODY.PEEK", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 BINARY[TEXT]", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 BINARY[1.MIME]", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 (ALL)", "Invalid FETCH attribute", "A1" },
        { "A1 FETCH 1 FLAGS (VANISHED)", "Invalid command modifier", "A1" },
        { "A1 FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)", "Invalid command modifier", "A1" },
        { "A1 FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)", "Invalid number", "A1" },
        { "A1 STORE 1 +FLAGS (\\Recent)", "Invalid flag", "A1" },
        { "A1 STORE 1 +FLAGS (\\Foo)", "Invalid flag", "A1" },
        { "A1 STORE 1 +FLAGS (\\Seen", "Missing arguments", "A1" },
        { "A1 STORE 1 FLAGZ (\\Seen)", "Invalid STORE attribute", "A1" },
        { "A1 STORE 1 (UNCHANGEDSINCE x) FLAGS ()", "Invalid number", "A1" },
        { "A1 STORE 1 (CHANGEDSINCE 1) FLAGS ()", "Invalid command modifier", "A1" },
        { "A1 SEARCH", "Missing arguments", "A1" },
        { "A1 SEARCH FOO", "Invalid SEARCH key", "A1" },
        { "A1 SEARCH SINCE 31-Feb-2024", "Invalid date", "A1" },
        { "A1 SEARCH SINCE 1-Foo-2024", "Invalid date", "A1" },
        { "A1 SEARCH SINCE 1-Feb-24", "Invalid date", "A1" },
        { "A1 SEARCH OR SEEN", "Missing arguments", "A1" },
        { "A1 SEARCH (SEEN", "Missing arguments", "A1" },
        { "A1 SEARCH KEYWORD \\Seen", "Invalid flag", "A1" },
        { "A1 SEARCH OLDER 0", "Invalid number", "A1" },
        { "A1 SEARCH RETURN (SAVE) ALL", "Invalid command modifier", "A1" },
        { "A1 SEARCH MODSEQ \"/flags/\\\\Seen\" bogus 5", "Invalid SEARCH key", "A1" },
        { "A1 SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 40)) + "SEEN", "Too many nested arguments", "A1" },
        { "A1 SEARCH " + new string('(', 40) + "SEEN" + new string(')', 40), "Too many nested arguments", "A1" },
        { "A1 STATUS INBOX (FOO)", "Invalid STATUS item", "A1" },
        { "A1 STATUS INBOX ()", "Invalid STATUS item", "A1" },
        { "A1 LIST (RECURSIVEMATCH) \"\" %", "Invalid LIST option", "A1" },
        { "A1 LIST (REMOTE RECURSIVEMATCH) \"\" %", "Invalid LIST option", "A1" },
        { "A1 LIST (FOO) \"\" %", "Invalid LIST option", "A1" },
        { "A1 LIST \"\" % RETURN (FOO)", "Invalid LIST option", "A1" },
        { "A1 LIST \"\" % FOO (CHILDREN)", "Invalid LIST option", "A1" },
        { "A1 APPEND INBOX", "Missing arguments", "A1" },
        { "A1 APPEND INBOX (\\Recent) {1}\r\nx", "Invalid flag", "A1" },
        { "A1 APPEND INBOX \"32-Jan-2024 00:00:00 +0000\" {1}\r\nx", "Invalid date", "A1" },
        { "A1 APPEND INBOX \"1-Jan-2024 24:00:00 +0000\" {1}\r\nx", "Invalid date", "A1" },
        { "A1 APPEND INBOX \"01-Jan-2024 00:00:00 0000\" {1}\r\nx", "Invalid date", "A1" },
        { "A1 APPEND INBOX UTF8 ({1}\r\nx)", "Invalid literal", "A1" },
        { "A1 APPEND INBOX UTF8 (~{1}\r\nx", "Missing arguments", "A1" },
        { "A1 ID (\"a\")", "Invalid arguments", "A1" },
        { "A1 ID (\"" + new string('f', 31) + "\" NIL)", "Invalid ID parameters", "A1" },
        { "A1 ID foo", "Invalid ID parameters", "A1" },
        { "A1 AUTHENTICATE PLAIN abc", "Invalid arguments", "A1" },
        { "A1 ENABLE", "Missing arguments", "A1" },
        { "A1 CREATE foo (USE (Sent))", "Invalid arguments", "A1" },
        { "A1 UID EXPUNGE", "Missing arguments", "A1" },
    };

    [Theory]
    [MemberData(nameof(InvalidCommands))]
    public void RejectsInvalidCommandsWithFixedTexts(string command, string expectedText, string? expectedTag)
    {
        var result = Parse(command);
        result.IsSuccess.Should().BeFalse();
        result.ErrorText.Should().Be(expectedText);
        result.Tag.Should().Be(expectedTag);
    }

    [Fact]
    public void ElevenIdPairsAreFineThirtyOneAreNot()
    {
        string Id(int n) => "A ID (" + string.Join(" ", Enumerable.Range(0, n).Select(i => $"\"k{i}\" \"v\"")) + ")";
        Ok<IdCommand>(Id(30)).Parameters.Should().HaveCount(30);
        Parse(Id(31)).ErrorText.Should().Be("Invalid ID parameters");
    }

    [Fact]
    public void LoginKeepsStringsByteExactAndRedactsThePassword()
    {
        var login = Ok<LoginCommand>("a LOGIN \" us\\\\er \" {7}\r\n p\"ss  ");
        login.User.Should().Be(" us\\er ");
        login.Password.Should().Be(" p\"ss  ");
        login.ToString().Should().NotContain("p\"ss");
    }

    [Fact]
    public void AuthenticateKeepsTheInitialResponse()
    {
        var auth = Ok<AuthenticateCommand>("a authenticate plain dGVzdA==");
        auth.Mechanism.Should().Be("PLAIN");
        auth.InitialResponse.Should().Be("dGVzdA==");
        auth.ToString().Should().NotContain("dGVzdA==");
        Ok<AuthenticateCommand>("a AUTHENTICATE XOAUTH2").InitialResponse.Should().BeNull();
    }

    [Theory]
    [InlineData("a SELECT inbox", "INBOX")]
    [InlineData("a SELECT InBoX", "INBOX")]
    [InlineData("a SELECT \"INBOX\"", "INBOX")]
    [InlineData("a SELECT {5}\r\niNbOx", "INBOX")]
    [InlineData("a SELECT INBOX.Sent", "INBOX.Sent")]
    [InlineData("a SELECT \"Sent Items\"", "Sent Items")]
    [InlineData("a SELECT {10}\r\nSent Items", "Sent Items")]
    [InlineData("a SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e")]
    [InlineData("a SELECT AT&-T", "AT&T")]
    [InlineData("a SELECT \"quote\\\"d\"", "quote\"d")]
    [InlineData("a SELECT foo]bar", "foo]bar")]
    public void DecodesMailboxNames(string command, string expected)
    {
        Ok<SelectCommand>(command).Mailbox.Should().Be(expected);
    }

    [Theory]
    [InlineData("a SELECT \"caf\u00e9\"", "caf\u00e9")]
    [InlineData("a SELECT \"\u65e5\u672c\"", "\u65e5\u672c")]
    [InlineData("a SELECT AT&T", "AT&T")]
    [InlineData("a SELECT {5}\r\ncaf\u00e9", "caf\u00e9")]
    [InlineData("a SELECT ~{5}\r\ncaf\u00e9", null)]
    public void Utf8AcceptTakesRawUtf8Names(string command, string? expected)
    {
        if (expected is null)
        {
            // literal8 is only for APPEND (RFC 3516 §4.4); atoms stay ASCII even under UTF8=ACCEPT.
            Parse(command, utf8: true).ErrorText.Should().Be("Invalid string");
            return;
        }

        Ok<SelectCommand>(command, utf8: true).Mailbox.Should().Be(expected);
    }

    [Fact]
    public void Utf8AcceptRejectsInvalidUtf8()
    {
        var bytes = Encoding.ASCII.GetBytes("a SELECT \"x\"").ToList();
        bytes.Insert(11, 0xFF);
        ImapCommandParser.Parse(bytes.ToArray(), Utf8).ErrorText.Should().Be("Invalid mailbox name");
    }

    [Fact]
    public void SelectAndExamineCarryCondStore()
    {
        var s = Ok<SelectCommand>("a EXAMINE INBOX (condstore)");
        s.ReadOnly.Should().BeTrue();
        s.CondStore.Should().BeTrue();
        Ok<SelectCommand>("a SELECT INBOX").CondStore.Should().BeFalse();
    }

    [Fact]
    public void CreateWithSpecialUse()
    {
        var c = Ok<CreateCommand>("t1 CREATE \"Important Messages\" (USE (\\Important \\Flagged))");
        c.Mailbox.Should().Be("Important Messages");
        c.SpecialUse.Should().Equal("\\Important", "\\Flagged");
        Ok<CreateCommand>("t1 CREATE x (USE ())").SpecialUse.Should().BeEmpty();
    }

    [Fact]
    public void RenameDecodesBothNames()
    {
        var r = Ok<RenameCommand>("a RENAME &AOk- \"new &ZeVnLIqe-\"");
        r.From.Should().Be("\u00e9");
        r.To.Should().Be("new \u65e5\u672c\u8a9e");
    }

    [Fact]
    public void ListExtendedOptions()
    {
        var l = Ok<ListCommand>("A03 LIST (SUBSCRIBED RECURSIVEMATCH SPECIAL-USE REMOTE) \"\" (\"INBOX\" \"Drafts\" Sent/%) RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN))");
        l.Selection.Should().Be(ListSelectionOptions.Subscribed | ListSelectionOptions.RecursiveMatch | ListSelectionOptions.SpecialUse | ListSelectionOptions.Remote);
        l.Return.Should().Be(ListReturnOptions.Subscribed | ListReturnOptions.Children | ListReturnOptions.SpecialUse | ListReturnOptions.Status);
        l.StatusItems.Should().Be(StatusItems.Messages | StatusItems.Unseen);
        l.Patterns.Should().Equal("INBOX", "Drafts", "Sent/%");
        l.Reference.Should().Be("");
    }

    [Fact]
    public void ListBasicForms()
    {
        var l = Ok<ListCommand>("A202 LIST ~/Mail/ %");
        l.Reference.Should().Be("~/Mail/");
        l.Patterns.Should().Equal("%");
        l.Selection.Should().Be(ListSelectionOptions.None);
        l.Return.Should().Be(ListReturnOptions.None);
        Ok<ListCommand>("A LIST \"\" *").Patterns.Should().Equal("*");
        Ok<ListCommand>("A LIST \"\" &ZeVnLIqe-/*").Patterns.Should().Equal("\u65e5\u672c\u8a9e/*");
        Ok<ListCommand>("A LIST \"\" inbox").Patterns.Should().Equal("inbox");
        Ok<LsubCommand>("A LSUB \"#news.\" \"comp.mail.*\"").Pattern.Should().Be("comp.mail.*");
    }

    [Fact]
    public void StatusItems_AreAllParsed()
    {
        Ok<StatusCommand>("A042 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE DELETED APPENDLIMIT)").Items
            .Should().Be(StatusItems.Messages | StatusItems.Recent | StatusItems.UidNext | StatusItems.UidValidity | StatusItems.Unseen |
                StatusItems.HighestModSeq | StatusItems.Size | StatusItems.Deleted | StatusItems.AppendLimit);
        Ok<StatusCommand>("A STATUS \"a b\" (uidnext)").Mailbox.Should().Be("a b");
    }

    [Fact]
    public void EnableAndCompressAndQuota()
    {
        Ok<EnableCommand>("t ENABLE CONDSTORE UTF8=ACCEPT").Capabilities.Should().Equal("CONDSTORE", "UTF8=ACCEPT");
        Ok<CompressCommand>("a compress deflate").Mechanism.Should().Be("DEFLATE");
        Ok<GetQuotaCommand>("G GETQUOTA \"\"").Root.Should().Be("");
        Ok<GetQuotaRootCommand>("G GETQUOTAROOT inbox").Mailbox.Should().Be("INBOX");
        var sq = Ok<SetQuotaCommand>("S SETQUOTA \"\" (storage 512 MESSAGE 1000)");
        sq.Limits.Select(l => (l.Key, l.Value)).Should().Equal(("STORAGE", 512UL), ("MESSAGE", 1000UL));
        Ok<SetQuotaCommand>("S SETQUOTA \"\" ()").Limits.Should().BeEmpty();
    }

    [Fact]
    public void IdParameters()
    {
        var id = Ok<IdCommand>("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" NIL)");
        id.Parameters!.Select(p => (p.Key, p.Value)).Should().Equal(("name", "sodr"), ("version", "19.34"), ("vendor", (string?)null));
        Ok<IdCommand>("a ID NIL").Parameters.Should().BeNull();
    }

    [Fact]
    public void IdleTerminator()
    {
        ImapCommandParser.IsDone("DONE"u8).Should().BeTrue();
        ImapCommandParser.IsDone("done"u8).Should().BeTrue();
        ImapCommandParser.IsDone("DONE "u8).Should().BeFalse();
        ImapCommandParser.IsDone("A1 DONE"u8).Should().BeFalse();
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("*", "*")]
    [InlineData("1:*", "1:*")]
    [InlineData("*:4", "*:4")]
    [InlineData("5:2", "5:2")]
    [InlineData("2,4:7,9,12:*", "2,4:7,9,12:*")]
    [InlineData("4294967295", "4294967295")]
    public void SequenceSetsStayUnresolved(string set, string expected)
    {
        var f = Ok<FetchCommand>($"a FETCH {set} FLAGS");
        f.Set.ToString().Should().Be(expected);
    }

    [Fact]
    public void SequenceSetsResolve()
    {
        var set = Ok<FetchCommand>("a FETCH 2,4:*,1 FLAGS").Set;
        set.TryResolveSequence([10, 20, 30, 40, 50], out var uids).Should().BeTrue();
        uids.ToString().Should().Be("10,20,40,50");
        set.TryResolveSequence([10], out _).Should().BeFalse();
        Ok<FetchCommand>("a UID FETCH 559:* FLAGS").Set.ResolveUids(500).ToString().Should().Be("500:559");
        Ok<FetchCommand>("a UID FETCH *:3 FLAGS").Set.ResolveUids(9).ToString().Should().Be("3:9");
        Ok<FetchCommand>("a UID FETCH * FLAGS").Set.ResolveUids(0).IsEmpty.Should().BeTrue();
    }

    public static TheoryData<string, string> FetchItems => new()
    {
        { "ALL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE" },
        { "fast", "FLAGS INTERNALDATE RFC822.SIZE" },
        { "FULL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY" },
        { "FLAGS", "FLAGS" },
        { "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY MODSEQ)", "UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY MODSEQ" },
        { "(RFC822 RFC822.HEADER RFC822.TEXT)", "RFC822 RFC822.HEADER RFC822.TEXT" },
        { "BODY[]", "BODY[]" },
        { "BODY.PEEK[]", "BODY[]" },
        { "body.peek[header]", "BODY[HEADER]" },
        { "BODY[TEXT]", "BODY[TEXT]" },
        { "BODY[1]", "BODY[1]" },
        { "BODY[1.2.3]", "BODY[1.2.3]" },
        { "BODY[1.MIME]", "BODY[1.MIME]" },
        { "BODY[2.HEADER]", "BODY[2.HEADER]" },
        { "BODY[4.2.TEXT]", "BODY[4.2.TEXT]" },
        { "BODY[HEADER.FIELDS (From To)]", "BODY[HEADER.FIELDS (From To)]" },
        { "BODY.PEEK[HEADER.FIELDS (From To)]<0.100>", "BODY[HEADER.FIELDS (From To)]<0>" },
        { "BODY[header.fields.not (\"X-Spam\" Received)]", "BODY[HEADER.FIELDS.NOT (X-Spam Received)]" },
        { "BODY[1.HEADER.FIELDS (Subject)]", "BODY[1.HEADER.FIELDS (Subject)]" },
        { "BODY[]<0.2048>", "BODY[]<0>" },
        { "BODY[1]<1024.512>", "BODY[1]<1024>" },
        { "BINARY[]", "BINARY[]" },
        { "BINARY.PEEK[1.2]<5.10>", "BINARY[1.2]<5>" },
        { "BINARY.SIZE[1]", "BINARY.SIZE[1]" },
        { "BINARY.SIZE[]", "BINARY.SIZE[]" },
    };

    [Theory]
    [MemberData(nameof(FetchItems))]
    public void FetchItemsEchoTheirResponseNames(string items, string expected)
    {
        var f = Ok<FetchCommand>($"a FETCH 1 {items}");
        string.Join(" ", f.Items.Select(i => i.ResponseNameText)).Should().Be(expected);
    }

    [Fact]
    public void FetchSectionsMapToStorageSections()
    {
        var f = Ok<FetchCommand>("a FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS (From to)]<10.20> BINARY[3] BODY[TEXT] BINARY.SIZE[2] BODY[1.MIME])");
        var s0 = f.Items[0].Section!;
        s0.Part.Should().Equal(1, 2);
        s0.Kind.Should().Be(SectionKind.HeaderFields);
        s0.FieldNames.Should().Equal("From", "to");
        s0.PartialOffset.Should().Be(10);
        s0.PartialLength.Should().Be(20);
        s0.Binary.Should().BeFalse();
        f.Items[0].Peek.Should().BeTrue();
        f.Items[0].SetsSeen.Should().BeFalse();

        f.Items[1].Kind.Should().Be(FetchItemKind.BinarySection);
        f.Items[1].Section!.Binary.Should().BeTrue();
        f.Items[1].Section!.Part.Should().Equal(3);
        f.Items[1].SetsSeen.Should().BeTrue();

        f.Items[2].Section!.Kind.Should().Be(SectionKind.Text);
        f.Items[2].Section!.Part.Should().BeEmpty();
        f.Items[2].Section!.PartialOffset.Should().BeNull();

        f.Items[3].Kind.Should().Be(FetchItemKind.BinarySize);
        f.Items[3].SetsSeen.Should().BeFalse();
        f.Items[4].Section!.Kind.Should().Be(SectionKind.Mime);
    }

    [Fact]
    public void UidFetchAddsUidAndChangedSinceAddsModSeq()
    {
        var f = Ok<FetchCommand>("a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)");
        f.IsUid.Should().BeTrue();
        f.ChangedSince.Should().Be(12345UL);
        f.Items.Select(i => i.Kind).Should().Equal(FetchItemKind.Flags, FetchItemKind.Uid, FetchItemKind.ModSeq);
        Ok<FetchCommand>("a UID FETCH 1 (UID FLAGS)").Items.Should().HaveCount(2);
    }

    [Fact]
    public void StoreForms()
    {
        var s = Ok<StoreCommand>("d105 UID STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted $Junk \\seen $junk)");
        s.IsUid.Should().BeTrue();
        s.Operation.Should().Be(FlagOperation.Add);
        s.Silent.Should().BeTrue();
        s.Flags.Should().Be(MessageFlags.Deleted | MessageFlags.Seen);
        s.Keywords.Should().Equal("$Junk");
        s.UnchangedSince.Should().Be(320162338UL);
        s.Set.ToString().Should().Be("7,5,9");

        var r = Ok<StoreCommand>("a STORE 1 FLAGS ()");
        r.Operation.Should().Be(FlagOperation.Replace);
        r.Flags.Should().Be(MessageFlags.None);
        r.Keywords.Should().BeEmpty();
        r.UnchangedSince.Should().BeNull();

        var bare = Ok<StoreCommand>("a STORE 1 -flags \\Answered \\Flagged \\Draft Work");
        bare.Operation.Should().Be(FlagOperation.Remove);
        bare.Flags.Should().Be(MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Draft);
        bare.Keywords.Should().Equal("Work");
    }

    [Fact]
    public void CopyMoveAndExpunge()
    {
        var c = Ok<CopyCommand>("a UID COPY 1:3 \"Sent &AOk-\"");
        c.IsUid.Should().BeTrue();
        c.Mailbox.Should().Be("Sent \u00e9");
        Ok<MoveCommand>("a MOVE 1 Trash").IsUid.Should().BeFalse();
        Ok<UidExpungeCommand>("a UID EXPUNGE 3000:3002").Set.ToString().Should().Be("3000:3002");
    }

    public static TheoryData<string, string> SearchKeys => new()
    {
        { "ALL", "ALL" },
        { "ANSWERED", "+Answered" },
        { "UNANSWERED", "-Answered" },
        { "DELETED UNDELETED", "(+Deleted -Deleted)" },
        { "DRAFT UNDRAFT", "(+Draft -Draft)" },
        { "FLAGGED UNFLAGGED", "(+Flagged -Flagged)" },
        { "SEEN UNSEEN", "(+Seen -Seen)" },
        { "NEW OLD RECENT", "(New Old Recent)" },
        { "KEYWORD $Forwarded", "KW:$Forwarded" },
        { "UNKEYWORD Junk", "!KW:Junk" },
        { "FROM smith", "From~'smith'" },
        { "TO \"a b\"", "To~'a b'" },
        { "CC x BCC y", "(Cc~'x' Bcc~'y')" },
        { "SUBJECT {5}\r\nhello", "Subject~'hello'" },
        { "BODY x TEXT y", "(BODY~'x' TEXT~'y')" },
        { "HEADER X-Mailer \"\"", "H:X-Mailer~''" },
        { "HEADER \"Message-ID\" <a@b>", "H:Message-ID~'<a@b>'" },
        { "BEFORE 1-Feb-1994", "Internal.Before:1994-02-01" },
        { "ON \"01-feb-1994\"", "Internal.On:1994-02-01" },
        { "SINCE 29-Feb-2024", "Internal.Since:2024-02-29" },
        { "SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 31-Dec-2000", "(Sent.Before:2000-01-01 Sent.On:2000-01-02 Sent.Since:2000-12-31)" },
        { "LARGER 1000 SMALLER 5000000000", "(>1000 <5000000000)" },
        { "OLDER 3600 YOUNGER 60", "(OLDER:3600 YOUNGER:60)" },
        { "MODSEQ 620162338", "MODSEQ:620162338" },
        { "MODSEQ \"/flags/\\\\draft\" all 620162338", "MODSEQ:620162338" },
        { "MODSEQ \"/flags/$Junk\" priv 1", "MODSEQ:1" },
        { "1:5,7", "SEQ:1:5,7" },
        { "*", "SEQ:*" },
        { "UID 1:*", "UID:1:*" },
        { "NOT SEEN", "NOT(+Seen)" },
        { "NOT NOT SEEN", "NOT(NOT(+Seen))" },
        { "OR SEEN FLAGGED", "OR(+Seen,+Flagged)" },
        { "OR (SEEN FLAGGED) NOT DELETED", "OR((+Seen +Flagged),NOT(+Deleted))" },
        { "OR OR SEEN FLAGGED DELETED", "OR(OR(+Seen,+Flagged),+Deleted)" },
        { "(SEEN)", "+Seen" },
        { "((SEEN) (1:2 UID 3))", "(+Seen (SEQ:1:2 UID:3))" },
        { "FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "(+Flagged Internal.Since:1994-02-01 NOT(From~'Smith'))" },
        { "seen", "+Seen" },
    };

    [Theory]
    [MemberData(nameof(SearchKeys))]
    public void ParsesSearchKeys(string keys, string expected)
    {
        var s = Ok<SearchCommand>("a SEARCH " + keys);
        SearchRender.Render(s.Key).Should().Be(expected);
        s.Charset.Should().BeNull();
        s.HasReturn.Should().BeFalse();
    }

    [Fact]
    public void SearchCharsetAndReturn()
    {
        var s = Ok<SearchCommand>("a UID SEARCH RETURN (MIN MAX) CHARSET UTF-8 TEXT {3}\r\n\u00e9t");
        s.IsUid.Should().BeTrue();
        s.HasReturn.Should().BeTrue();
        s.Return.Should().Be(SearchReturnOptions.Min | SearchReturnOptions.Max);
        s.Charset.Should().Be("UTF-8");
        SearchRender.Render(s.Key).Should().Be("TEXT~'\u00e9t'");

        var empty = Ok<SearchCommand>("a SEARCH RETURN () ALL");
        empty.HasReturn.Should().BeTrue();
        empty.Return.Should().Be(SearchReturnOptions.None);

        Ok<SearchCommand>("a SEARCH CHARSET KOI8-R ALL").Charset.Should().Be("KOI8-R");
    }

    [Fact]
    public void SearchNestingAtTheLimitIsAccepted()
    {
        var depth = ImapCommandParser.MaxSearchDepth - 1;
        var s = Ok<SearchCommand>("a SEARCH " + string.Concat(Enumerable.Repeat("NOT ", depth)) + "SEEN");
        s.Key.Should().BeOfType<WildDuck.Storage.Search.NotKey>();
    }

    [Fact]
    public void AppendInlineForms()
    {
        var a = Ok<AppendCommand>("A003 APPEND saved-messages (\\Seen $Label1) \" 7-Feb-1994 21:52:25 -0800\" {3}\r\nabc");
        a.Prefix.Mailbox.Should().Be("saved-messages");
        a.Prefix.Flags.Should().Be(MessageFlags.Seen);
        a.Prefix.Keywords.Should().Equal("$Label1");
        a.Prefix.InternalDate.Should().Be(new DateTimeOffset(1994, 2, 7, 21, 52, 25, TimeSpan.FromHours(-8)));
        a.Message.ToArray().Should().Equal("abc"u8.ToArray());

        var u = Ok<AppendCommand>("A APPEND INBOX UTF8 (~{3}\r\na\0c)");
        u.Prefix.IsUtf8.Should().BeTrue();
        u.Prefix.Binary.Should().BeTrue();
        u.Message.ToArray().Should().Equal((byte)'a', (byte)0, (byte)'c');
    }

    public static TheoryData<string, string, bool, bool, bool, long> AppendPrefixes => new()
    {
        { "A1 APPEND INBOX {310}", "INBOX", false, false, false, 310 },
        { "A1 APPEND INBOX {310+}", "INBOX", false, true, false, 310 },
        { "A1 APPEND Drafts (\\Draft) ~{12}", "Drafts", false, false, true, 12 },
        { "A1 APPEND Drafts () \"01-Jan-2020 10:00:00 +0100\" {0}", "Drafts", false, false, false, 0 },
        { "A1 APPEND \"Sent &AOk-\" UTF8 (~{99}", "Sent \u00e9", true, false, true, 99 },
        { "A1 append inbox (\\Seen) UTF8 (~{99+}", "INBOX", true, true, true, 99 },
    };

    [Theory]
    [MemberData(nameof(AppendPrefixes))]
    public void ParsesAppendPrefixes(string line, string mailbox, bool utf8, bool nonSync, bool binary, long size)
    {
        ImapCommandParser.TryParseAppendPrefix(Encoding.UTF8.GetBytes(line), Plain, out var prefix, out _).Should().Be(AppendPrefixStatus.Ok);
        prefix!.Tag.Should().Be("A1");
        prefix.Mailbox.Should().Be(mailbox);
        prefix.IsUtf8.Should().Be(utf8);
        prefix.NonSync.Should().Be(nonSync);
        prefix.Binary.Should().Be(binary);
        prefix.LiteralSize.Should().Be(size);
    }

    [Theory]
    [InlineData("A1 LOGIN {5}", "NotAppend", null)]
    [InlineData("A1 SEARCH TEXT {5}", "NotAppend", null)]
    [InlineData("+ APPEND INBOX {5}", "NotAppend", null)]
    [InlineData("A1 APPEND INBOX (\\Recent) {5}", "Invalid", "Invalid flag")]
    [InlineData("A1 APPEND INBOX UTF8 ({5}", "Invalid", "Invalid literal")]
    [InlineData("A1 APPEND &Jjo {5}", "Invalid", "Invalid mailbox name")]
    [InlineData("A1 APPEND INBOX \"1-Jan-2020\" {5}", "Invalid", "Invalid date")]
    public void AppendPrefixRejections(string line, string status, string? text)
    {
        ImapCommandParser.TryParseAppendPrefix(Encoding.UTF8.GetBytes(line), Plain, out var prefix, out var failure).ToString().Should().Be(status);
        prefix.Should().BeNull();
        if (text is not null)
        {
            failure.ErrorText.Should().Be(text);
            failure.Tag.Should().Be("A1");
        }
    }

    [Theory]
    [InlineData("", false, true)]
    [InlineData(")", true, true)]
    [InlineData(")", false, false)]
    [InlineData("", true, false)]
    [InlineData(" {5}", false, false)]
    public void AppendTails(string tail, bool utf8, bool valid)
    {
        ImapCommandParser.IsValidAppendTail(Encoding.ASCII.GetBytes(tail), utf8).Should().Be(valid);
    }

    [Fact]
    public void SequenceSetKeysResolveToUidKeys()
    {
        var s = Ok<SearchCommand>("a SEARCH OR 1:2 NOT UID 7:* (SEEN 3)");
        uint[] uids = [10, 20, 30];
        var resolved = SequenceSetKey.Resolve(s.Key, k =>
        {
            if (k.IsUid)
            {
                return k.Set.ResolveUids(uids[^1]);
            }

            k.Set.TryResolveSequence(uids, out var set).Should().BeTrue();
            return set;
        });
        SearchRender.Render(resolved).Should().Be("(OR(UIDS:10,20,NOT(UIDS:7:30)) (+Seen UIDS:30))");
        var untouched = Ok<SearchCommand>("a SEARCH SEEN FLAGGED").Key;
        SequenceSetKey.Resolve(untouched, _ => throw new InvalidOperationException()).Should().BeSameAs(untouched);
    }

    [Fact]
    public void FetchKnowsWhetherItSetsSeen()
    {
        Ok<FetchCommand>("a FETCH 1 (FLAGS BODY.PEEK[])").SetsSeen.Should().BeFalse();
        Ok<FetchCommand>("a FETCH 1 (FLAGS RFC822.HEADER BINARY.SIZE[1])").SetsSeen.Should().BeFalse();
        Ok<FetchCommand>("a FETCH 1 BODY[TEXT]").SetsSeen.Should().BeTrue();
        Ok<FetchCommand>("a FETCH 1 RFC822").SetsSeen.Should().BeTrue();
        Ok<FetchCommand>("a FETCH 1 BINARY[1]").SetsSeen.Should().BeTrue();
    }
}
