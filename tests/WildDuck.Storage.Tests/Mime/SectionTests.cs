// SPDX-License-Identifier: MIT
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

/// <summary>FETCH sections on crafted messages, with exact expected bytes (RFC 3501 §6.4.5, RFC 3516).</summary>
public sealed class SectionTests
{
    internal const string TopHeader =
        "From: a@example.com\r\n" +
        "To: b@example.com\r\n" +
        "Subject: Hello\r\n" +
        " folded\r\n" +
        "Content-Type: multipart/mixed; boundary=\"XX\"\r\n" +
        "\r\n";

    internal const string Part1Header = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    internal const string Part1Body = "caf=C3=A9 =\r\nsoft";
    internal const string Part2Header = "Content-Type: application/octet-stream; name=\"a.bin\"\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    internal const string Part2Body = "AAECAwQF";
    internal const string InnerHeader = "Subject: inner\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n";
    internal const string InnerText = "--YY\r\n\r\nplain inner\r\n--YY\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--YY--";
    internal const string Part4Header = "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n";

    internal const string Body =
        "preamble\r\n" +
        "--XX\r\n" + Part1Header + Part1Body + "\r\n" +
        "--XX\r\n" + Part2Header + Part2Body + "\r\n" +
        "--XX\r\nContent-Type: message/rfc822\r\n\r\n" + InnerHeader + InnerText + "\r\n" +
        "--XX\r\n" + Part4Header + "begin 644 x\r\n" + "\r\n" +
        "--XX--\r\nepilogue\r\n";

    internal const string Message = TopHeader + Body;

    private static MessageContent Open(string message = Message) => MimeTestHelper.IndexAndOpen(MimeTestHelper.Bytes(message)).Content;

    [Theory]
    [InlineData("", SectionKind.Full, Message)]
    [InlineData("", SectionKind.Header, TopHeader)]
    [InlineData("", SectionKind.Text, Body)]
    [InlineData("1", SectionKind.Full, Part1Body)]
    [InlineData("1", SectionKind.Mime, Part1Header)]
    [InlineData("2", SectionKind.Full, Part2Body)]
    [InlineData("2", SectionKind.Mime, Part2Header)]
    [InlineData("3", SectionKind.Full, InnerHeader + InnerText)]
    [InlineData("3", SectionKind.Mime, "Content-Type: message/rfc822\r\n\r\n")]
    [InlineData("3", SectionKind.Header, InnerHeader)]
    [InlineData("3", SectionKind.Text, InnerText)]
    [InlineData("3.1", SectionKind.Full, "plain inner")]
    [InlineData("3.1", SectionKind.Mime, "\r\n")]
    [InlineData("3.2", SectionKind.Full, "<p>x</p>")]
    [InlineData("3.2", SectionKind.Mime, "Content-Type: text/html\r\n\r\n")]
    [InlineData("4", SectionKind.Full, "begin 644 x\r\n")]
    public async Task Sections_of_a_nested_message(string part, SectionKind kind, string expected)
    {
        MessageContent content = Open();
        SectionContent section = await content.ResolveSectionAsync(MimeTestHelper.Spec(part, kind));
        section.Status.Should().Be(SectionStatus.Ok);
        section.TotalLength.Should().Be(expected.Length);
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec(part, kind))).Should().Be(expected);
    }

    [Theory]
    [InlineData("5", SectionKind.Full)]
    [InlineData("0", SectionKind.Full)]
    [InlineData("3.3", SectionKind.Full)]
    [InlineData("1.1", SectionKind.Full)]
    [InlineData("1", SectionKind.Header)]
    [InlineData("1", SectionKind.Text)]
    [InlineData("3.1.1", SectionKind.Full)]
    [InlineData("", SectionKind.Mime)]
    public async Task Nonexistent_sections_are_empty(string part, SectionKind kind)
    {
        MessageContent content = Open();
        SectionContent section = await content.ResolveSectionAsync(MimeTestHelper.Spec(part, kind));
        section.Status.Should().Be(SectionStatus.NotFound);
        section.Length.Should().Be(0);
        (await section.ToArrayAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("", SectionKind.HeaderFields, "From: a@example.com\r\nSubject: Hello\r\n folded\r\n\r\n", "SUBJECT", "from")]
    [InlineData("", SectionKind.HeaderFields, "\r\n", "X-Missing")]
    [InlineData("", SectionKind.HeaderFieldsNot, "From: a@example.com\r\nTo: b@example.com\r\n\r\n", "subject", "CONTENT-TYPE")]
    [InlineData("3", SectionKind.HeaderFields, "Subject: inner\r\n\r\n", "Subject")]
    [InlineData("3", SectionKind.HeaderFieldsNot, "Subject: inner\r\n\r\n", "content-type")]
    public async Task Header_fields_are_filtered_case_insensitively_with_folded_lines(string part, SectionKind kind, string expected, params string[] fields)
    {
        MessageContent content = Open();
        SectionSpec spec = MimeTestHelper.Spec(part, kind, fields);
        (await MimeTestHelper.SectionAsync(content, spec)).Should().Be(expected);
        (await content.ResolveSectionAsync(spec)).TotalLength.Should().Be(expected.Length);
    }

    [Fact]
    public async Task Header_fields_of_repeated_fields_keep_every_occurrence_in_order()
    {
        const string message = "Received: one\r\n\tcontinued\r\nX-A: 1\r\nreceived: two\r\n\r\nbody";
        MessageContent content = Open(message);
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec(string.Empty, SectionKind.HeaderFields, "RECEIVED")))
            .Should().Be("Received: one\r\n\tcontinued\r\nreceived: two\r\n\r\n");
    }

    [Fact]
    public async Task Binary_decodes_quoted_printable_and_base64()
    {
        MessageContent content = Open();
        SectionContent qp = await content.ResolveSectionAsync(MimeTestHelper.Spec("1") with { Binary = true });
        qp.Status.Should().Be(SectionStatus.Ok);
        (await qp.ToArrayAsync()).Should().Equal(Encoding.UTF8.GetBytes("café soft"));
        qp.TotalLength.Should().Be(Encoding.UTF8.GetByteCount("café soft"));

        SectionContent b64 = await content.ResolveSectionAsync(MimeTestHelper.Spec("2") with { Binary = true });
        (await b64.ToArrayAsync()).Should().Equal(new byte[] { 0, 1, 2, 3, 4, 5 });
        b64.IsComputed.Should().BeTrue();

        SectionContent partial = await content.ResolveSectionAsync(MimeTestHelper.Spec("2") with { Binary = true, PartialOffset = 2, PartialLength = 3 });
        (await partial.ToArrayAsync()).Should().Equal(new byte[] { 2, 3, 4 });
        partial.TotalLength.Should().Be(6);
    }

    [Fact]
    public async Task Binary_of_identity_encoding_is_the_raw_body_and_unknown_encoding_is_reported()
    {
        MessageContent content = Open();
        SectionContent inner = await content.ResolveSectionAsync(MimeTestHelper.Spec("3.1") with { Binary = true });
        MimeTestHelper.Text(await inner.ToArrayAsync()).Should().Be("plain inner");

        SectionContent unknown = await content.ResolveSectionAsync(MimeTestHelper.Spec("4") with { Binary = true });
        unknown.Status.Should().Be(SectionStatus.UnknownTransferEncoding);
        unknown.Length.Should().Be(0);
    }

    [Theory]
    [InlineData(0L, 4L, "From")]
    [InlineData(6L, 1L, "a")]
    [InlineData(6L, null, "a@example.com\r\n\r\n")]
    [InlineData(21L, 100L, "\r\n")]
    [InlineData(23L, 1L, "")]
    [InlineData(1000L, 10L, "")]
    [InlineData(0L, 0L, "")]
    public async Task Partial_ranges_follow_RFC3501(long offset, long? length, string expected)
    {
        MessageContent content = Open();
        var spec = new SectionSpec { Kind = SectionKind.HeaderFields, FieldNames = ["From"], PartialOffset = offset, PartialLength = length };
        (await MimeTestHelper.SectionAsync(content, spec)).Should().Be(expected);
    }

    [Fact]
    public async Task Partial_of_message_range_streams_the_slice()
    {
        MessageContent content = Open();
        var spec = new SectionSpec { Kind = SectionKind.Text, PartialOffset = 10, PartialLength = 4 };
        SectionContent section = await content.ResolveSectionAsync(spec);
        section.Offset.Should().Be(10);
        section.Length.Should().Be(4);
        section.TotalLength.Should().Be(Body.Length);
        (await MimeTestHelper.SectionAsync(content, spec)).Should().Be(Body.Substring(10, 4));
    }

    [Fact]
    public async Task Non_multipart_message_body_is_part_1()
    {
        const string header = "Subject: x\r\nContent-Type: text/plain\r\n\r\n";
        MessageContent content = Open(header + "line1\r\nline2\r\n");
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec("1"))).Should().Be("line1\r\nline2\r\n");
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec("1", SectionKind.Mime))).Should().Be(header);
        (await MimeTestHelper.SectionAsync(content, MimeTestHelper.Spec(string.Empty, SectionKind.Text))).Should().Be("line1\r\nline2\r\n");
        (await content.ResolveSectionAsync(MimeTestHelper.Spec("2"))).Status.Should().Be(SectionStatus.NotFound);
        content.Layout.Root.BodyLines.Should().Be(2);
    }

    [Fact]
    public async Task Writes_to_a_pipe()
    {
        MessageContent content = Open();
        var pipe = new Pipe();
        SectionContent section = await content.ResolveSectionAsync(MimeTestHelper.Spec("3"));
        await section.WriteToAsync(pipe.Writer);
        await content.WriteToAsync(pipe.Writer, 0, 4);
        await pipe.Writer.CompleteAsync();
        using var stream = new MemoryStream();
        await pipe.Reader.CopyToAsync(stream);
        MimeTestHelper.Text(stream.ToArray()).Should().Be(InnerHeader + InnerText + "From");
    }

    [Fact]
    public async Task Stops_when_the_pipe_reader_completes()
    {
        byte[] big = MimeTestHelper.Bytes("Subject: big\r\n\r\n" + new string('x', 500_000));
        (_, MessageContent content) = MimeTestHelper.IndexAndOpen(big);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Reader.CompleteAsync();
        await content.WriteToAsync(pipe.Writer, 0, long.MaxValue);
    }
}
