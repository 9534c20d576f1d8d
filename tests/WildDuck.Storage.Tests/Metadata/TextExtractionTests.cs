// SPDX-License-Identifier: MIT
using System.Linq;
using System.Text;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public class TextExtractionTests
{
    [Fact]
    public void QuotedPrintableIso88591()
    {
        const string message = """
            Content-Type: text/plain; charset=ISO-8859-1
            Content-Transfer-Encoding: quoted-printable

            Caf=E9 cr=E8me br=FBl=E9e, soft=
             break

            """;
        TestTree.Build(message).Text.Should().Be("Café crème brûlée, soft break");
    }

    [Fact]
    public void Base64Utf8()
    {
        const string message = """
            Content-Type: text/plain; charset="UTF-8"
            Content-Transfer-Encoding: base64

            R3LDvMOfZSBhdXMg
            S8O2bG4NCg==

            """;
        TestTree.Build(message).Text.Should().Be("Grüße aus Köln");
    }

    [Fact]
    public void UndeclaredCharsetUtf8BytesAreUtf8()
    {
        TestTree.Build(TestTree.Crlf("Content-Transfer-Encoding: 8bit\n\nNaïve café\n")).Text.Should().Be("Naïve café");
    }

    [Fact]
    public void UndeclaredCharsetInvalidUtf8FallsBackToLatin1()
    {
        TestTree.Build(TestTree.Crlf("Subject: x\n\nCafé\n", Encoding.Latin1)).Text.Should().Be("Café");
    }

    [Fact]
    public void DeclaredUtf8ButLatin1BytesFallsBackToLatin1()
    {
        TestTree.Build(TestTree.Crlf("Content-Type: text/plain; charset=utf-8\n\nCafé\n", Encoding.Latin1)).Text.Should().Be("Café");
    }

    [Fact]
    public void Windows1252IsSupported()
    {
        TestTree.Build("Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\n=80 5\n")
            .Text.Should().Be("€ 5");
    }

    [Fact]
    public void UnknownCharsetFallsBackToUtf8()
    {
        TestTree.Build("Content-Type: text/plain; charset=x-no-such-charset\n\nhéllo\n").Text.Should().Be("héllo");
    }

    [Fact]
    public void BadBase64DoesNotThrow()
    {
        MessageMetadata metadata = TestTree.Build("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not*base64@@@\n");
        metadata.Text.Should().NotBeNull();
    }

    [Fact]
    public void FormatFlowedIsUnwrapped()
    {
        TestTree.Build("Content-Type: text/plain; charset=us-ascii; format=flowed\n\nHello \nworld\n").Text.Should().Be("Hello world");
    }

    [Fact]
    public void HtmlOnlyMessageIsConvertedToText()
    {
        const string html = "<html><head><style>p { color: red }</style><title>T</title></head><body><p>Hello&nbsp;<b>world</b></p><p>Bye &amp; see you</p><script>var x = 1;</script></body></html>";
        MessageMetadata metadata = TestTree.Build("Content-Type: text/html; charset=utf-8\n\n" + html + "\n");
        metadata.Text.Should().Be("Hello world\n\nBye & see you");
        metadata.Html.Should().Equal(html);
        metadata.Intro.Should().Be("Hello world Bye & see you");
    }

    [Fact]
    public void AlternativeUsesThePlainPartForText()
    {
        const string message = """
            Content-Type: multipart/alternative; boundary=b1

            --b1
            Content-Type: text/plain; charset=us-ascii

            Plain version
            --b1
            Content-Type: text/html; charset=us-ascii

            <p>HTML version</p>
            --b1--

            """;
        MessageMetadata metadata = TestTree.Build(message);
        metadata.Text.Should().Be("Plain version");
        metadata.Html.Should().Equal("<p>HTML version</p>");
        metadata.Intro.Should().Be("HTML version");
    }

    [Fact]
    public void AlternativeWithOnlyHtmlStillHasText()
    {
        const string message = """
            Content-Type: multipart/alternative; boundary=b1

            --b1
            Content-Type: text/html; charset=us-ascii

            <div>Only <i>HTML</i></div>
            --b1--

            """;
        TestTree.Build(message).Text.Should().Be("Only HTML");
    }

    [Fact]
    public void MixedKeepsTextAndConvertedHtmlButNotAttachments()
    {
        const string message = """
            Content-Type: multipart/mixed; boundary=m

            --m
            Content-Type: text/plain

            First part
            --m
            Content-Type: text/html

            <p>Second <b>part</b></p>
            --m
            Content-Type: text/plain; name=notes.txt
            Content-Disposition: attachment; filename=notes.txt

            attached notes
            --m
            Content-Type: application/pdf
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --m--

            """;
        MessageMetadata metadata = TestTree.Build(message);
        metadata.Text.Should().Be("First part\nSecond part");
        metadata.Html.Should().Equal("<p>Second <b>part</b></p>");
        metadata.SearchBody.Should().Be("First part\nSecond part\nattached notes");
    }

    [Fact]
    public void SearchBodyIncludesEncapsulatedMessages()
    {
        const string message = """
            Content-Type: multipart/mixed; boundary=o

            --o
            Content-Type: text/plain

            Outer text
            --o
            Content-Type: message/rfc822
            Content-Disposition: attachment

            Subject: inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Inner =C3=BC text
            --o--

            """;
        MessageMetadata metadata = TestTree.Build(message);
        metadata.SearchBody.Should().Be("Outer text\nInner ü text");
        metadata.Text.Should().Be("Outer text");
    }

    [Fact]
    public void InlineForwardedMessageTextIsIncluded()
    {
        const string message = """
            Content-Type: multipart/mixed; boundary=o

            --o
            Content-Type: text/plain

            See below
            --o
            Content-Type: message/rfc822

            Subject: inner

            Forwarded text
            --o--

            """;
        TestTree.Build(message).Text.Should().Be("See below\nForwarded text");
    }

    [Fact]
    public void PlainTextIsCapped()
    {
        var limits = new MessageLimits { MaxPlainTextLength = 10 };
        TestTree.Build("Subject: s\n\n0123456789abcdef\n", limits).Text.Should().Be("0123456789");
    }

    [Fact]
    public void SearchBodyIsCapped()
    {
        var limits = new MessageLimits { MaxSearchTextLength = 12 };
        TestTree.Build("Subject: s\n\n0123456789abcdef\n", limits).SearchBody.Should().Be("0123456789ab");
    }

    [Fact]
    public void HtmlIsCappedInTotal()
    {
        const string message = """
            Content-Type: multipart/mixed; boundary=m

            --m
            Content-Type: text/html

            <p>aaaaaaaaaaaaaaaaaaaa</p>
            --m
            Content-Type: text/html

            <p>bbbbbbbbbbbbbbbbbbbb</p>
            --m
            Content-Type: text/html

            <p>cccccccccccccccccccc</p>
            --m--

            """;
        MessageMetadata metadata = TestTree.Build(message, new MessageLimits { MaxHtmlLength = 40 });
        metadata.Html.Should().Equal("<p>aaaaaaaaaaaaaaaaaaaa</p>", "<p>bbbbbbbbbb");
        metadata.Html.Sum(h => h.Length).Should().Be(40);
    }

    [Fact]
    public void CrLfBecomesLfAndTextIsTrimmed()
    {
        TestTree.Build("Subject: s\n\n\n  line one\nline two  \n\n").Text.Should().Be("line one\nline two");
    }

    [Fact]
    public void NoTextGivesNullTextAndIntro()
    {
        MessageMetadata metadata = TestTree.Build("Content-Type: application/octet-stream\n\nxyz\n");
        metadata.Text.Should().BeNull();
        metadata.Intro.Should().BeNull();
        metadata.SearchBody.Should().BeEmpty();
    }
}

public class IntroTests
{
    [Fact]
    public void ShortTextIsKept()
    {
        TestTree.Build("Subject: s\n\nHello   there,\nhow are you?\n").Intro.Should().Be("Hello there, how are you?");
    }

    [Fact]
    public void QuotedLinesBracketSpansAndRulersAreRemoved()
    {
        TestTree.Build("Subject: s\n\nHello [image: logo] there\n> quoted line\n----------\nbye\n").Intro.Should().Be("Hello there bye");
    }

    [Fact]
    public void LongTextIsCutAtASpaceWithEllipsisWithin128Characters()
    {
        string words = string.Join(" ", Enumerable.Repeat("word", 60));
        string intro = TestTree.Build("Subject: s\n\n" + words + "\n").Intro!;
        intro.Length.Should().BeLessThanOrEqualTo(128);
        intro.Should().EndWith("word\u2026");
        intro.Should().Be(string.Join(" ", Enumerable.Repeat("word", 25)) + "\u2026");
    }

    [Fact]
    public void LongWordIsCutHard()
    {
        string intro = MessageTextExtractor.BuildIntro(new string('x', 300) + "y");
        intro.Should().Be(new string('x', 127) + "\u2026");
    }
}
