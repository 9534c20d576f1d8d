// SPDX-License-Identifier: MIT
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using WildDuck.Hosting;
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Lmtp.Tests;

public class CommandParserTests
{
    [Theory]
    [InlineData("LHLO mx.example.org", LmtpVerb.Lhlo, "mx.example.org")]
    [InlineData("lhlo mx", LmtpVerb.Lhlo, "mx")]
    [InlineData("MAIL FROM:<a@b>", LmtpVerb.Mail, "FROM:<a@b>")]
    [InlineData("rcpt to:<a@b>", LmtpVerb.Rcpt, "to:<a@b>")]
    [InlineData("DATA", LmtpVerb.Data, "")]
    [InlineData("DATA  ", LmtpVerb.Data, "")]
    [InlineData("BDAT 10 LAST", LmtpVerb.Bdat, "10 LAST")]
    [InlineData("RSET", LmtpVerb.Rset, "")]
    [InlineData("NOOP", LmtpVerb.Noop, "")]
    [InlineData("QUIT", LmtpVerb.Quit, "")]
    [InlineData("VRFY alice", LmtpVerb.Vrfy, "alice")]
    [InlineData("HELP", LmtpVerb.Help, "")]
    [InlineData("STARTTLS", LmtpVerb.StartTls, "")]
    [InlineData("HELO x", LmtpVerb.Helo, "x")]
    [InlineData("EHLO x", LmtpVerb.Ehlo, "x")]
    [InlineData("XYZZY", LmtpVerb.Unknown, "")]
    [InlineData("", LmtpVerb.Unknown, "")]
    [InlineData("MAILX FROM:<>", LmtpVerb.Unknown, "FROM:<>")]
    public void Verbs(string line, object verb, string arguments)
    {
        LmtpCommandParser.ParseVerb(Encoding.UTF8.GetBytes(line), out var args).Should().Be((LmtpVerb)verb);
        Encoding.UTF8.GetString(args).Should().Be(arguments);
    }

    [Theory]
    [InlineData("FROM:<alice@example.org>", "alice@example.org", 0L, LmtpBodyType.None, false)]
    [InlineData("from:<>", "", 0L, LmtpBodyType.None, false)]
    [InlineData("FROM: <a@b.c> SIZE=1000", "a@b.c", 1000L, LmtpBodyType.None, false)]
    [InlineData("FROM:<a@b.c> BODY=8BITMIME", "a@b.c", 0L, LmtpBodyType.EightBitMime, false)]
    [InlineData("FROM:<a@b.c> body=binarymime SIZE=5", "a@b.c", 5L, LmtpBodyType.BinaryMime, false)]
    [InlineData("FROM:<a@b.c> BODY=7BIT", "a@b.c", 0L, LmtpBodyType.SevenBit, false)]
    [InlineData("FROM:<j\u00f6rg@b\u00fccher.de> SMTPUTF8", "j\u00f6rg@b\u00fccher.de", 0L, LmtpBodyType.None, true)]
    [InlineData("FROM:<@relay.example,@other.example:a@b.c>", "a@b.c", 0L, LmtpBodyType.None, false)]
    [InlineData("FROM:<\"john doe\"@b.c>", "\"john doe\"@b.c", 0L, LmtpBodyType.None, false)]
    [InlineData("FROM:<a@[192.0.2.1]>", "a@[192.0.2.1]", 0L, LmtpBodyType.None, false)]
    public void Mail_valid(string arguments, string address, long size, object body, bool utf8)
    {
        LmtpCommandParser.ParseMail(Encoding.UTF8.GetBytes(arguments), out var parsed, out var parameters).Should().Be(LmtpReply.None);
        Encoding.UTF8.GetString(parsed).Should().Be(address);
        parameters.Size.Should().Be(size);
        parameters.Body.Should().Be((LmtpBodyType)body);
        parameters.SmtpUtf8.Should().Be(utf8);
    }

    [Theory]
    [InlineData("TO:<a@b>", LmtpReply.SyntaxError)]
    [InlineData("FROM", LmtpReply.SyntaxError)]
    [InlineData("FROM:a@b.c", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<a@b.c", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<<a@b.c>", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<a b@c.d>", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<ab.c>", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<@b.c>", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<a@>", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<a@b,c>", LmtpReply.BadSenderAddress)]
    [InlineData("FROM:<a@b.c>x", LmtpReply.SyntaxError)]
    [InlineData("FROM:<a@b.c> SIZE=", LmtpReply.SyntaxError)]
    [InlineData("FROM:<a@b.c> SIZE=abc", LmtpReply.InvalidArguments)]
    [InlineData("FROM:<a@b.c> SIZE=+5", LmtpReply.InvalidArguments)]
    [InlineData("FROM:<a@b.c> SIZE=1 SIZE=2", LmtpReply.InvalidArguments)]
    [InlineData("FROM:<a@b.c> BODY=9BIT", LmtpReply.InvalidArguments)]
    [InlineData("FROM:<a@b.c> SMTPUTF8=yes", LmtpReply.InvalidArguments)]
    [InlineData("FROM:<a@b.c> RET=FULL", LmtpReply.UnknownParameter)]
    [InlineData("FROM:<a@b.c> AUTH=<>", LmtpReply.UnknownParameter)]
    [InlineData("FROM:<j\u00f6rg@b.c>", LmtpReply.Utf8Required)]
    public void Mail_invalid(string arguments, object reply)
        => LmtpCommandParser.ParseMail(Encoding.UTF8.GetBytes(arguments), out _, out _).Should().Be((LmtpReply)reply);

    [Fact]
    public void Mail_rejects_invalid_utf8()
        => LmtpCommandParser.ParseMail([.. "FROM:<a"u8, 0xFF, .. "@b.c> SMTPUTF8"u8], out _, out _).Should().Be(LmtpReply.BadSenderAddress);

    [Theory]
    [InlineData("TO:<bob@example.org>", "bob@example.org", LmtpReply.None)]
    [InlineData("to: <bob@example.org>", "bob@example.org", LmtpReply.None)]
    [InlineData("TO:<Postmaster>", "Postmaster", LmtpReply.None)]
    [InlineData("TO:<>", "", LmtpReply.BadRecipientAddress)]
    [InlineData("TO:<bob>", "", LmtpReply.BadRecipientAddress)]
    [InlineData("TO:<bob@example.org> NOTIFY=NEVER", "", LmtpReply.UnknownParameter)]
    [InlineData("FROM:<bob@example.org>", "", LmtpReply.SyntaxError)]
    public void Rcpt(string arguments, string address, object reply)
    {
        LmtpCommandParser.ParseRcpt(Encoding.UTF8.GetBytes(arguments), out var parsed, out _).Should().Be((LmtpReply)reply);
        if ((LmtpReply)reply == LmtpReply.None)
        {
            Encoding.UTF8.GetString(parsed).Should().Be(address);
        }
    }

    [Fact]
    public void Path_length_limits_follow_rfc5321()
    {
        var local64 = new string('a', 64);
        var local65 = new string('a', 65);
        Parse("<" + local64 + "@b.c>").Should().Be(LmtpReply.None);
        Parse("<" + local65 + "@b.c>").Should().Be(LmtpReply.BadRecipientAddress);

        // 256 octets including the brackets is the most a path may have.
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 3)) + "." + new string('e', 10);
        var fits = "<" + new string('a', 256 - 3 - domain.Length) + "@" + domain + ">";
        fits.Length.Should().Be(256);
        Parse(fits).Should().Be(LmtpReply.None);
        Parse(fits.Insert(1, "a")).Should().Be(LmtpReply.BadRecipientAddress);

        static LmtpReply Parse(string path) => LmtpCommandParser.ParsePath(Encoding.UTF8.GetBytes(path), sender: false, out _, out _, out _);
    }

    [Fact]
    public void Rcpt_reports_8bit_addresses()
    {
        LmtpCommandParser.ParseRcpt(Encoding.UTF8.GetBytes("TO:<\u00fcser@example.org>"), out _, out var eightBit).Should().Be(LmtpReply.None);
        eightBit.Should().BeTrue();
    }

    [Theory]
    [InlineData("0 LAST", 0L, true, LmtpReply.None)]
    [InlineData("100", 100L, false, LmtpReply.None)]
    [InlineData("100 last", 100L, true, LmtpReply.None)]
    [InlineData("", 0L, false, LmtpReply.SyntaxError)]
    [InlineData("-1", 0L, false, LmtpReply.SyntaxError)]
    [InlineData("10 FIRST", 0L, false, LmtpReply.SyntaxError)]
    [InlineData("1234567890123456789", 0L, false, LmtpReply.SyntaxError)]
    public void Bdat(string arguments, long size, bool last, object reply)
    {
        LmtpCommandParser.ParseBdat(Encoding.ASCII.GetBytes(arguments), out var parsedSize, out var parsedLast).Should().Be((LmtpReply)reply);
        if ((LmtpReply)reply == LmtpReply.None)
        {
            parsedSize.Should().Be(size);
            parsedLast.Should().Be(last);
        }
    }

    [Theory]
    [InlineData("mx.example.org", LmtpReply.None)]
    [InlineData("[192.0.2.1]", LmtpReply.None)]
    [InlineData("", LmtpReply.SyntaxError)]
    [InlineData("two words", LmtpReply.SyntaxError)]
    public void Lhlo_domain(string arguments, object reply)
        => LmtpCommandParser.ParseDomain(Encoding.UTF8.GetBytes(arguments), out _).Should().Be((LmtpReply)reply);
}

public class LineFramerTests
{
    [Fact]
    public void Every_proper_prefix_needs_more_and_consumes_nothing()
    {
        var bytes = Encoding.ASCII.GetBytes("MAIL FROM:<a@b.c>\r\n");
        for (var length = 0; length < bytes.Length; length++)
        {
            var framer = default(LineFramer);
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            framer.TryRead(ref buffer, 512, out _).Should().Be(LineStatus.NeedMore);
            buffer.Length.Should().Be(length, "nothing is consumed for a prefix of {0}", length);
        }
    }

    [Fact]
    public void Frames_lines_over_any_segmentation_and_strips_crlf_or_lf()
    {
        var bytes = Encoding.ASCII.GetBytes("NOOP\r\nRSET\nQUIT\r\n");
        for (var split = 0; split <= bytes.Length; split++)
        {
            var framer = default(LineFramer);
            var buffer = SequenceHelpers.Split(bytes, split);
            var lines = new List<string>();
            while (framer.TryRead(ref buffer, 512, out var line) == LineStatus.Line)
            {
                lines.Add(Encoding.ASCII.GetString(line.ToArray()));
            }

            lines.Should().Equal("NOOP", "RSET", "QUIT");
            buffer.Length.Should().Be(0);
        }
    }

    [Fact]
    public void Limit_edges()
    {
        Frame(new string('a', 510) + "\r\n").Should().Be(LineStatus.Line);
        Frame(new string('a', 511) + "\n").Should().Be(LineStatus.Line);
        Frame(new string('a', 511) + "\r\n").Should().Be(LineStatus.TooLong);
        Frame(new string('a', 600)).Should().Be(LineStatus.NeedMore);

        static LineStatus Frame(string text)
        {
            var framer = default(LineFramer);
            var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
            return framer.TryRead(ref buffer, 512, out _);
        }
    }

    [Fact]
    public void An_over_long_line_is_skipped_to_its_end_then_reported_once()
    {
        var framer = default(LineFramer);
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 600)));
        framer.TryRead(ref buffer, 512, out _).Should().Be(LineStatus.NeedMore);
        buffer.Length.Should().Be(0, "the discarded bytes are consumed");
        framer.IsSkipping.Should().BeTrue();

        buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 5000)));
        framer.TryRead(ref buffer, 512, out _).Should().Be(LineStatus.NeedMore);

        buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("xx\r\nNOOP\r\n"));
        framer.TryRead(ref buffer, 512, out _).Should().Be(LineStatus.TooLong);
        framer.TryRead(ref buffer, 512, out var line).Should().Be(LineStatus.Line);
        Encoding.ASCII.GetString(line.ToArray()).Should().Be("NOOP");
    }

    [Fact]
    public void An_over_long_line_in_one_buffer_is_reported_at_once()
    {
        var framer = default(LineFramer);
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 600) + "\r\nNOOP\r\n"));
        framer.TryRead(ref buffer, 512, out _).Should().Be(LineStatus.TooLong);
        framer.TryRead(ref buffer, 512, out var line).Should().Be(LineStatus.Line);
        Encoding.ASCII.GetString(line.ToArray()).Should().Be("NOOP");
    }
}
