// SPDX-License-Identifier: MIT
using System;
using System.Text;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public class MalformedInputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("no colon here at all")]
    [InlineData(": empty name\n\nx\n")]
    [InlineData("From: ,,,<<<>>>@@@\nTo: \"unterminated\nCc: a@\nBcc: @b\n\nx\n")]
    [InlineData("From: Group: a@b.c, (comment\nSubject: =?utf-8?B?####?=\n\nx\n")]
    [InlineData("Content-Type: text/plain; charset=\"\nContent-Transfer-Encoding: base64\n\n====\n")]
    [InlineData("Content-Type: ;;;===;\nContent-Disposition: ;filename*0*=''%ZZ\n\nx\n")]
    [InlineData("Content-Type: multipart/mixed\n\nno boundary\n")]
    [InlineData("Content-Type: text/html\n\n<<<<>>>><!-- unterminated <script>\n")]
    [InlineData("Date: 99 Foo 99999 99:99:99 +9999\nMessage-ID: <<<>>>\nReferences: < > <> <<a>>\n\nx\n")]
    [InlineData("Subject: =?x-unknown?Q?=FF=FE?= =?utf-8?Q?=C3?=\nContent-Language: ,,,\n\nx\n")]
    [InlineData("  leading continuation\nSubject: ok\n\nx\n")]
    public void GarbageDoesNotThrow(string message)
    {
        MessageMetadata metadata = TestTree.Build(message);
        AssertWellFormed(metadata);
    }

    [Fact]
    public void EightBitGarbageHeadersDoNotThrow()
    {
        byte[] message = [.. "From: "u8, 0xFF, 0xFE, 0x00, (byte)'<', 0xC3, (byte)'@', 0x80, (byte)'>', .. "\r\nSubject: "u8, 0xC0, 0x00, 0xFF, .. "\r\n\r\nbody\r\n"u8];
        MessageMetadata metadata = TestTree.Build(message);
        AssertWellFormed(metadata);
        Encoding.Latin1.GetString(metadata.Envelope).Should().NotContain("\0");
    }

    [Fact]
    public void NulInSubjectIsDroppedFromTheLiteral()
    {
        byte[] message = [.. "Subject: a"u8, 0x00, (byte)'b', .. "\r\n\r\nx\r\n"u8];
        TestTree.Imap(TestTree.Build(message).Envelope).Should().Be("(NIL {2}\r\nab NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    [Fact]
    public void DeeplyNestedTreeDoesNotOverflow()
    {
        byte[] message = TestTree.Crlf("Content-Type: multipart/mixed; boundary=x\n\n");
        var root = new MimePartNode { HeaderLength = message.Length, BodyOffset = message.Length, MediaType = "multipart", MediaSubtype = "mixed" };
        MimePartNode current = root;
        for (int i = 0; i < 200; i++)
        {
            var child = new MimePartNode { HeaderOffset = 0, HeaderLength = message.Length, BodyOffset = message.Length, MediaType = "multipart", MediaSubtype = "mixed" };
            current.Children.Add(child);
            current = child;
        }

        MessageMetadata metadata = MessageMetadataBuilder.Build(message, root, new MessageLimits(), Array.Empty<AttachmentDescriptor>(), false);
        AssertWellFormed(metadata);
    }

    private static void AssertWellFormed(MessageMetadata metadata)
    {
        TestTree.Imap(metadata.Envelope).Should().StartWith("(").And.EndWith(")");
        TestTree.Imap(metadata.BodyStructure).Should().StartWith("(").And.EndWith(")");
        TestTree.Imap(metadata.Body).Should().StartWith("(").And.EndWith(")");
        Balanced(metadata.BodyStructure).Should().BeTrue();
        Balanced(metadata.Envelope).Should().BeTrue();
        metadata.Subject.Should().NotBeNull();
        metadata.SearchHeaders.Should().NotBeNull();
        metadata.SearchBody.Should().NotBeNull();
        metadata.ThreadSubject.Should().NotBeNull();
    }

    // Parentheses balance outside quoted strings and literals.
    private static bool Balanced(byte[] imap)
    {
        int depth = 0;
        for (int i = 0; i < imap.Length; i++)
        {
            byte b = imap[i];
            if (b == '"')
            {
                for (i++; i < imap.Length && imap[i] != '"'; i++)
                {
                    if (imap[i] == '\\')
                    {
                        i++;
                    }
                }
            }
            else if (b == '{')
            {
                int close = Array.IndexOf(imap, (byte)'}', i);
                int length = int.Parse(Encoding.ASCII.GetString(imap, i + 1, close - i - 1), System.Globalization.CultureInfo.InvariantCulture);
                i = close + 1 + length;
            }
            else if (b == '(')
            {
                depth++;
            }
            else if (b == ')' && --depth < 0)
            {
                return false;
            }
        }

        return depth == 0;
    }
}
