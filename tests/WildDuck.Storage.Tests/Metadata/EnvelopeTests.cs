// SPDX-License-Identifier: MIT
using System;
using System.Text;
using FluentAssertions;
using MimeKit.Utils;
using Xunit;

namespace WildDuck.Storage.Tests;

public class EnvelopeTests
{
    private static string Envelope(string message) => TestTree.Imap(TestTree.Build(message).Envelope);

    [Fact]
    public void Rfc3501ExampleEnvelope()
    {
        const string message = """
            Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
            From: Terry Gray <gray@cac.washington.edu>
            Subject: IMAP4rev1 WG mtg summary and minutes
            To: imap@cac.washington.edu
            cc: minutes@CNRI.Reston.VA.US,
             John Klensin <KLENSIN@MIT.EDU>
            Message-Id: <B27397-0100000@cac.washington.edu>
            MIME-Version: 1.0
            Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

            Hello Joe, do you think we can meet at 3:30 tomorrow?

            """;
        Envelope(message).Should().Be(
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((NIL NIL \"imap\" \"cac.washington.edu\")) "
            + "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) "
            + "NIL NIL \"<B27397-0100000@cac.washington.edu>\")");
    }

    [Fact]
    public void MissingHeadersAreNil()
    {
        Envelope("X-Other: 1\n\nbody\n").Should().Be("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void EmptyHeaderBlockIsAllNil()
    {
        Envelope("\nbody only\n").Should().Be("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void SenderAndReplyToDefaultToFrom()
    {
        Envelope("From: a@example.org\nSender: s@example.org\n\nx\n").Should().Be(
            "(NIL NIL ((NIL NIL \"a\" \"example.org\")) ((NIL NIL \"s\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void EmptyReplyToDefaultsToFrom()
    {
        Envelope("From: a@example.org\nReply-To:\nSender:   \n\nx\n").Should().Be(
            "(NIL NIL ((NIL NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void ExplicitReplyToIsUsed()
    {
        Envelope("From: a@example.org\nReply-To: \"List\" <list@example.net>\n\nx\n").Should().Be(
            "(NIL NIL ((NIL NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) ((\"List\" NIL \"list\" \"example.net\")) NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void GroupsUseStartAndEndMarkers()
    {
        Envelope("To: Friends: a@x.org, \"B\" <b@y.org>;, c@z.org\n\nx\n").Should().Be(
            "(NIL NIL NIL NIL NIL ((NIL NIL \"Friends\" NIL)(NIL NIL \"a\" \"x.org\")(\"B\" NIL \"b\" \"y.org\")(NIL NIL NIL NIL)(NIL NIL \"c\" \"z.org\")) NIL NIL NIL NIL)");
    }

    [Fact]
    public void EmptyGroup()
    {
        Envelope("To: undisclosed-recipients:;\n\nx\n").Should().Be(
            "(NIL NIL NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)");
    }

    [Fact]
    public void CcBccInReplyToAndMessageIdInOrder()
    {
        Envelope("Cc: c@x.org\nBcc: b@x.org\nIn-Reply-To: <p@x.org>\nMessage-ID: <m@x.org>\n\nx\n").Should().Be(
            "(NIL NIL NIL NIL NIL NIL ((NIL NIL \"c\" \"x.org\")) ((NIL NIL \"b\" \"x.org\")) \"<p@x.org>\" \"<m@x.org>\")");
    }

    [Fact]
    public void QuotedStringsEscapeQuotesAndBackslashes()
    {
        Envelope("Subject: He said \"hi\" \\o/\n\nx\n").Should().Be(
            "(NIL \"He said \\\"hi\\\" \\\\o/\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void EightBitSubjectIsSentAsLiteral()
    {
        // "Grüße" is 7 bytes in UTF-8.
        Envelope("Subject: Grüße\n\nx\n").Should().Be("(NIL {7}\r\nGrüße NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void EncodedWordsStayEncoded()
    {
        Envelope("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= all\n\nx\n").Should().Be(
            "(NIL \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= all\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void FoldedValuesAreUnfolded()
    {
        Envelope("Subject: first\n\tsecond\n  third\nDate: Mon, 1 Jan 2024\n 10:00:00 +0000\n\nx\n").Should().Be(
            "(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"first\tsecond  third\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void LastOccurrenceWins()
    {
        Envelope("Subject: one\nSubject: two\n\nx\n").Should().Be("(NIL \"two\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void NonAsciiDisplayNameIsReencodedAsEncodedWord()
    {
        string envelope = Envelope("From: Jürgen Müller <j@example.de>\n\nx\n");
        envelope.Should().NotContain("{", "the name is re-encoded, so no literal is needed");
        string name = envelope.Split('"')[1];
        name.Should().StartWith("=?utf-8?");
        Rfc2047.DecodePhrase(Encoding.ASCII.GetBytes(name)).Should().Be("Jürgen Müller");
        envelope.Should().EndWith(" NIL \"j\" \"example.de\")) ((" + envelope.Split("((")[1].Split("))")[0] + ")) (("
            + envelope.Split("((")[1].Split("))")[0] + ")) NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void EncodedDisplayNameStaysSevenBit()
    {
        string envelope = Envelope("From: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>\n\nx\n");
        byte[] bytes = Encoding.UTF8.GetBytes(envelope);
        Array.TrueForAll(bytes, b => b < 0x80).Should().BeTrue();
        Rfc2047.DecodePhrase(Encoding.ASCII.GetBytes(envelope.Split('"')[1])).Should().Be("Keld Jørn Simonsen");
    }

    [Fact]
    public void SourceRouteGoesToAdl()
    {
        Envelope("To: <@relay.example:joe@example.org>\n\nx\n").Should().Be(
            "(NIL NIL NIL NIL NIL ((NIL \"@relay.example\" \"joe\" \"example.org\")) NIL NIL NIL NIL)");
    }

    [Fact]
    public void AddressWithoutDomainGetsEmptyHost()
    {
        Envelope("To: postmaster\n\nx\n").Should().Be(
            "(NIL NIL NIL NIL NIL ((NIL NIL \"postmaster\" \"\")) NIL NIL NIL NIL)");
    }

    [Fact]
    public void QuotedDisplayNameWithSpecials()
    {
        Envelope("From: \"Doe, John \\\"JD\\\"\" <jd@example.org>\n\nx\n").Should().Be(
            "(NIL NIL ((\"Doe, John \\\"JD\\\"\" NIL \"jd\" \"example.org\")) ((\"Doe, John \\\"JD\\\"\" NIL \"jd\" \"example.org\")) ((\"Doe, John \\\"JD\\\"\" NIL \"jd\" \"example.org\")) NIL NIL NIL NIL NIL)");
    }
}
