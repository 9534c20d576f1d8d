// SPDX-License-Identifier: MIT
using System;
using System.Text;
using FluentAssertions;
using MimeKit.Utils;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public class BodyStructureTests
{
    private const string Mixed = """
        From: a@x.org
        Content-Type: multipart/mixed; boundary="XX"

        preamble
        --XX
        Content-Type: text/plain

        Hello
        --XX
        Content-Type: application/pdf; name="doc.pdf"
        Content-Disposition: attachment; filename="doc.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        --XX--

        """;

    private static (string BodyStructure, string Body) Structures(string message)
    {
        MessageMetadata metadata = TestTree.Build(message);
        return (TestTree.Imap(metadata.BodyStructure), TestTree.Imap(metadata.Body));
    }

    [Fact]
    public void TextPlainWithParametersAndLines()
    {
        const string message = """
            Content-Type: text/plain; charset="utf-8"; format=flowed
            Content-Transfer-Encoding: quoted-printable

            Line one
            Line two=
             continued

            """;
        (string bodyStructure, string body) = Structures(message);
        bodyStructure.Should().Be("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" 33 3 NIL NIL NIL NIL)");
        body.Should().Be("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" 33 3)");
    }

    [Fact]
    public void MissingContentTypeIsTextPlainUsAscii()
    {
        (string bodyStructure, string body) = Structures("Subject: x\n\nabc\n");
        bodyStructure.Should().Be("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL)");
        body.Should().Be("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 5 1)");
    }

    [Fact]
    public void MultipartMixedWithAttachment()
    {
        (string bodyStructure, string body) = Structures(Mixed);
        bodyStructure.Should().Be(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL)"
            + "(\"APPLICATION\" \"PDF\" (\"NAME\" \"doc.pdf\") NIL NIL \"BASE64\" 12 NIL (\"ATTACHMENT\" (\"FILENAME\" \"doc.pdf\")) NIL NIL)"
            + " \"MIXED\" (\"BOUNDARY\" \"XX\") NIL NIL NIL)");
        body.Should().Be(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 5 1)"
            + "(\"APPLICATION\" \"PDF\" (\"NAME\" \"doc.pdf\") NIL NIL \"BASE64\" 12) \"MIXED\")");
    }

    [Fact]
    public void MultipartAlternative()
    {
        const string message = """
            Content-Type: multipart/alternative; boundary=b1

            --b1
            Content-Type: text/plain; charset=us-ascii

            Hi there
            --b1
            Content-Type: text/html; charset=us-ascii

            <p>Hi <b>there</b></p>
            --b1--

            """;
        (string bodyStructure, string body) = Structures(message);
        bodyStructure.Should().Be(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 8 1 NIL NIL NIL NIL)"
            + "(\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 22 1 NIL NIL NIL NIL)"
            + " \"ALTERNATIVE\" (\"BOUNDARY\" \"b1\") NIL NIL NIL)");
        body.Should().Be(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 8 1)"
            + "(\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 22 1) \"ALTERNATIVE\")");
    }

    [Fact]
    public void NestedMessageRfc822EmbedsEnvelopeStructureAndLines()
    {
        const string message = """
            Content-Type: multipart/mixed; boundary=o

            --o
            Content-Type: text/plain

            See attached.
            --o
            Content-Type: message/rfc822

            From: b@y.org
            Subject: inner

            Inner body
            --o--

            """;
        const string innerEnvelope = "(NIL \"inner\" ((NIL NIL \"b\" \"y.org\")) ((NIL NIL \"b\" \"y.org\")) ((NIL NIL \"b\" \"y.org\")) NIL NIL NIL NIL NIL)";
        (string bodyStructure, string body) = Structures(message);
        bodyStructure.Should().Be(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 13 1 NIL NIL NIL NIL)"
            + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 43 " + innerEnvelope
            + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)"
            + " \"MIXED\" (\"BOUNDARY\" \"o\") NIL NIL NIL)");
        body.Should().Be(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 13 1)"
            + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 43 " + innerEnvelope
            + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1) 4) \"MIXED\")");
    }

    [Fact]
    public void MessageRfc822WithoutEncapsulatedMessageStaysValid()
    {
        (string bodyStructure, _) = Structures("Content-Type: message/rfc822\n\n");
        bodyStructure.Should().Be(
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 0 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"
            + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) 0 NIL NIL NIL NIL)");
    }

    [Fact]
    public void EmptyMultipartGetsOneEmptyTextBody()
    {
        (string bodyStructure, string body) = Structures("Content-Type: multipart/mixed; boundary=zz\n\nno parts here\n");
        bodyStructure.Should().Be("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"zz\") NIL NIL NIL)");
        body.Should().Be("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) \"MIXED\")");
    }

    [Fact]
    public void ExtensionFieldsIdDescriptionMd5DispositionLanguageLocation()
    {
        const string message = """
            Content-Type: image/png; name=logo.png
            Content-ID: <logo@x>
            Content-Description: Company logo
            Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
            Content-Disposition: inline; filename=logo.png; size=4
            Content-Language: en, de
            Content-Location: http://example.org/logo.png
            Content-Transfer-Encoding: base64

            AAAA

            """;
        (string bodyStructure, string body) = Structures(message);
        bodyStructure.Should().Be(
            "(\"IMAGE\" \"PNG\" (\"NAME\" \"logo.png\") \"<logo@x>\" \"Company logo\" \"BASE64\" 6"
            + " \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"INLINE\" (\"FILENAME\" \"logo.png\" \"SIZE\" \"4\")) (\"en\" \"de\") \"http://example.org/logo.png\")");
        body.Should().Be("(\"IMAGE\" \"PNG\" (\"NAME\" \"logo.png\") \"<logo@x>\" \"Company logo\" \"BASE64\" 6)");
    }

    [Fact]
    public void SingleLanguageIsAString()
    {
        (string bodyStructure, _) = Structures("Content-Type: text/plain; charset=utf-8\nContent-Language: fr\n\nsalut\n");
        bodyStructure.Should().Be("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 7 1 NIL NIL \"fr\" NIL)");
    }

    [Fact]
    public void Rfc2231FileNameIsReencodedAsSevenBitEncodedWord()
    {
        const string message = """
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename*=UTF-8''gr%C3%BC%C3%9Fe.txt

            xyz

            """;
        (string bodyStructure, _) = Structures(message);
        bodyStructure.Should().StartWith("(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 5 NIL (\"ATTACHMENT\" (\"FILENAME\" \"=?utf-8?");
        Array.TrueForAll(Encoding.UTF8.GetBytes(bodyStructure), b => b < 0x80).Should().BeTrue();
        string encoded = bodyStructure.Split('"')[11];
        Rfc2047.DecodeText(Encoding.ASCII.GetBytes(encoded)).Should().Be("grüße.txt");
    }

    [Fact]
    public void EightBitDescriptionIsALiteral()
    {
        (string bodyStructure, _) = Structures("Content-Type: text/plain; charset=utf-8\nContent-Description: Bücher\n\nx\n");
        bodyStructure.Should().Be("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL {7}\r\nBücher \"7BIT\" 3 1 NIL NIL NIL NIL)");
    }

    [Fact]
    public void HandBuiltTreeWithoutHelper()
    {
        byte[] message = Encoding.ASCII.GetBytes("Content-Type: text/html\r\n\r\n<b>x</b>\r\n");
        var root = new MimePartNode
        {
            HeaderOffset = 0,
            HeaderLength = 27,
            BodyOffset = 27,
            BodyLength = 10,
            BodyLines = 1,
            MediaType = "text",
            MediaSubtype = "html",
        };
        MessageMetadata metadata = MessageMetadataBuilder.Build(message, root, new MessageLimits(), Array.Empty<AttachmentDescriptor>(), false);
        TestTree.Imap(metadata.Body).Should().Be("(\"TEXT\" \"HTML\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 10 1)");
        metadata.Text.Should().Be("x");
        metadata.Html.Should().Equal("<b>x</b>");
    }

    [Fact]
    public void OffsetsOutsideTheMessageDoNotThrow()
    {
        byte[] message = Encoding.ASCII.GetBytes("Subject: s\r\n\r\nbody\r\n");
        var root = new MimePartNode { HeaderOffset = 0, HeaderLength = 500, BodyOffset = 400, BodyLength = 1000, BodyLines = 3 };
        root.Children.Add(new MimePartNode { HeaderOffset = -5, HeaderLength = 10, BodyOffset = 9999, BodyLength = 5 });
        MessageMetadata metadata = MessageMetadataBuilder.Build(message, root, new MessageLimits(), Array.Empty<AttachmentDescriptor>(), false);
        metadata.Subject.Should().Be("s");
        TestTree.Imap(metadata.BodyStructure).Should().StartWith("(\"TEXT\" \"PLAIN\"");
    }
}
