// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public class SubjectAndHeaderTests
{
    [Theory]
    [InlineData("Subject: plain subject\n", "plain subject")]
    [InlineData("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\n", "Grüße")]
    [InlineData("Subject: =?ISO-8859-1?Q?Caf=E9?= au lait\n", "Café au lait")]
    [InlineData("Subject: =?UTF-8?Q?a?= =?UTF-8?Q?b?=\n", "ab")]
    [InlineData("Subject: folded\n  over\n\tthree lines\n", "folded over three lines")]
    [InlineData("Subject:    lots    of   space   \n", "lots of space")]
    [InlineData("Subject: Grüße raw\n", "Grüße raw")]
    [InlineData("Subject:\n", "")]
    [InlineData("X-Nothing: 1\n", "")]
    [InlineData("Subject: =?bogus-charset?Q?abc?=\n", "abc")]
    [InlineData("Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsJWEhPCVrJUYlOSVIGyhCICh0ZXN0aW5nIEph?=\n =?ISO-2022-JP?B?cGFuZXNlIGVtYWlscyk=?=\n", "日本語メールテスト (testing Japanese emails)")]
    [InlineData("Subject: =?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?=\n", "Grüße")]
    [InlineData("Subject: =?utf-8?q?a?= b =?utf-8?q?c?=\n", "a b c")]
    [InlineData("Subject: =?koi8-r?B?8NLJ18XU?=\n", "Привет")]
    [InlineData("Subject: =?utf-8*en?q?hello_world?=\n", "hello world")]
    [InlineData("Subject: =?utf-8?x?not-a-word?=\n", "=?utf-8?x?not-a-word?=")]
    public void SubjectIsDecodedAndCollapsed(string header, string expected)
    {
        TestTree.Build(header + "\nbody\n").Subject.Should().Be(expected);
    }

    [Fact]
    public void MessageIdAndDate()
    {
        MessageMetadata metadata = TestTree.Build("Message-ID:  <abc@example.org> \nDate: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n\nx\n");
        metadata.MessageIdHeader.Should().Be("<abc@example.org>");
        metadata.HeaderDate.Should().Be(new DateTimeOffset(1996, 7, 17, 2, 23, 25, TimeSpan.FromHours(-7)));
    }

    [Fact]
    public void UnparsableDateIsNullAndAbsentMessageIdIsNull()
    {
        MessageMetadata metadata = TestTree.Build("Date: the day after tomorrow\n\nx\n");
        metadata.HeaderDate.Should().BeNull();
        metadata.MessageIdHeader.Should().BeNull();
    }

    [Fact]
    public void AddressesAreDecoded()
    {
        MessageMetadata metadata = TestTree.Build(
            "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>\nTo: a@x.org, \"Bee\" <b@x.org>\nCc: Team: c@x.org;\nBcc: d@x.org\n\nx\n");
        metadata.From.Should().Equal(new MailAddress("Jürgen", "j@example.de"));
        metadata.To.Should().Equal(new MailAddress(null, "a@x.org"), new MailAddress("Bee", "b@x.org"));
        metadata.Cc.Should().Equal(new MailAddress("Team", null), new MailAddress(null, "c@x.org"));
        metadata.Bcc.Should().Equal(new MailAddress(null, "d@x.org"));
    }

    [Fact]
    public void CodePageDisplayNamesAreDecoded()
    {
        TestTree.Build("From: =?KOI8-R?B?8NLJ18XU?= <p@x.ru>\n\nx\n").From.Should().Equal(new MailAddress("Привет", "p@x.ru"));
    }

    [Fact]
    public void SearchHeadersHaveOneDecodedLinePerField()
    {
        MessageMetadata metadata = TestTree.Build(
            "Received: from a\n\tby   b\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= folks\nFrom: \"Ann\" <ann@x.org>\nX-Empty:\n\nbody\n");
        metadata.SearchHeaders.Should().Be("Received: from a by b\nSubject: Grüße folks\nFrom: \"Ann\" <ann@x.org>\nX-Empty: ");
    }

    [Fact]
    public void SearchHeadersSkipGarbageLines()
    {
        MessageMetadata metadata = TestTree.Build("From foo@bar Mon Jan 1 00:00:00 2024\nnot a header\nSubject: s\n\nx\n");
        metadata.SearchHeaders.Should().Be("Subject: s");
    }

    [Fact]
    public void AttachmentsArePassedThrough()
    {
        byte[] message = TestTree.Crlf("Subject: s\n\nx\n");
        var attachments = new List<AttachmentDescriptor>
        {
            new() { Id = "ATT00001", PartNumber = "2", ContentType = "application/pdf", TransferEncoding = "base64" },
        };
        MessageMetadata metadata = MessageMetadataBuilder.Build(message, TestTree.Parse(message), new MessageLimits(), attachments, true);
        metadata.Attachments.Should().BeSameAs(attachments);
        metadata.HasAttachments.Should().BeTrue();
    }
}
